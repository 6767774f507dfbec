#pragma once
// The recipe for a plan's best option (planning/plan.h): what `plan --emit`
// writes, so a trainer launches the run the plan costed.

#include "hardware_db/database.h"
#include "laws/law.h"
#include "planning/plan.h"
#include "recipes/recipe.h"

namespace scaleplan::planner {

// The best option's N, D, accelerator, GPU count and MFU, under the plan's
// grid (region, carbon intensity, PUE); the default shape, batch, schedule
// and layout. The plan counts ZeRO-3 sharding and the layout ZeRO-1, so a
// count that holds the plan's state may not hold the layout: the recipe
// then uses more GPUs, with a note.
Recipe recipe_for_plan(const hardware_db::Database& db, const laws::Law& law, const PlanRequest& request,
                       const PlanOption& best);

}  // namespace scaleplan::planner
