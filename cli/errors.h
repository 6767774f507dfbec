#pragma once
#include "api/errors.h"
namespace scaleplan::cli {
using api::InputError;
}
