#pragma once
// Parallel layouts as JSON: one layout's step time and memory, and the
// body of `layout --json` (the shape, the links, the fastest layouts and
// the billed hours).

#include <nlohmann/json.hpp>

#include "systems/layout.h"
#include "systems/throughput.h"

namespace scaleplan::planner {

nlohmann::ordered_json layout_result_json(const LayoutResult& result);
// From "params" to "wall_days"; `request` is the one the plan was made for.
nlohmann::ordered_json throughput_json(const ThroughputPlan& plan, const ThroughputRequest& request);

}  // namespace scaleplan::planner
