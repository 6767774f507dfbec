#pragma once
// The writers live in the API (api/output.h); the CLI uses them as its own.
#include "api/output.h"
namespace scaleplan::cli {
using namespace scaleplan::api;
}
