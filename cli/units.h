#pragma once
// The edge's numbers live in the API (api/units.h); the CLI uses them as its own.
#include "api/units.h"
namespace scaleplan::cli {
using namespace scaleplan::api;
}
