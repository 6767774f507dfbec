#pragma once
// A plan as JSON (the body of `plan --json`), and the one reader of that
// document in the libraries: calibrate compares a log with the plan's final
// training run. Writer and reader share this file so a renamed key fails
// the round-trip test instead of a user's `calibrate --plan`.

#include <nlohmann/json.hpp>
#include <string>

#include "planning/plan.h"

namespace scaleplan::planner {

// From "goal" to "intervals": the caller adds the document's header, the
// law and the advice. `request` is the one the plan was made for (its
// inference tokens price the Chinchilla-optimal comparison).
nlohmann::ordered_json plan_json(const Plan& plan, const PlanRequest& request);

// The figures of one training run that a measured log can be compared with.
struct FinalRunFigures {
  bool from_plan = false;  // a plan's "training" block, not a forecast document
  double gpu_hours = 0, energy_kwh = 0, co2_operational_kg = 0, co2_embodied_kg = 0;
  // The facility and grid the run was costed for, when the document says.
  std::optional<double> pue, grid_gco2_per_kwh;
};

// The final training run of a `plan --json` document (its "training" block,
// not the total with experiments and inference) or of a `forecast --json`
// one (the document itself). Throws PlanError naming `label` and the
// missing key.
FinalRunFigures read_final_run(const nlohmann::json& doc, const std::string& label);

}  // namespace scaleplan::planner
