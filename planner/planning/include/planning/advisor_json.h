#pragma once
// The advisor's recommendations as JSON: the "recommendations" array of
// plan, forecast and finetune.

#include <nlohmann/json.hpp>

#include "planning/advisor.h"

namespace scaleplan::planner {

nlohmann::ordered_json advice_json(const Advice& advice);

}  // namespace scaleplan::planner
