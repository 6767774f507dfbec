#pragma once
// A calibration as JSON: the body of `calibrate --json` (the measured run,
// the forecasts compared with it, the profile).

#include <nlohmann/json.hpp>

#include "planning/calibrate.h"

namespace scaleplan::planner {

nlohmann::ordered_json comparison_json(const Comparison& comparison);
// From "run_id" to "profile"; "plan" only when a plan was compared.
nlohmann::ordered_json calibration_json(const Calibration& calibration);

}  // namespace scaleplan::planner
