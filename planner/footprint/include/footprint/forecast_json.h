#pragma once
// A forecast as JSON: the body of `forecast --json`, and the "training" and
// "inference" blocks of a plan. The keys calibrate reads back
// (plan_json.h's read_final_run) are written here.

#include <nlohmann/json.hpp>

#include "footprint/forecast.h"

namespace scaleplan::planner {

nlohmann::ordered_json forecast_json(const Forecast& forecast);

}  // namespace scaleplan::planner
