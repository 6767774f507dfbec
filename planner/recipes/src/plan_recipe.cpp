#include "recipes/plan_recipe.h"

namespace scaleplan::planner {

Recipe recipe_for_plan(const hardware_db::Database& db, const laws::Law& law, const PlanRequest& request,
                       const PlanOption& best) {
  RecipeRequest r;
  r.shape.params = best.params;
  r.tokens = best.tokens;
  r.hardware = best.training.hardware_id;
  r.gpus = best.training.gpus;
  r.raise_gpus_to_fit = true;  // the plan counts ZeRO-3 sharding, the layout ZeRO-1
  r.mfu = best.training.mfu;
  r.region = request.region;
  r.carbon_intensity = request.carbon_intensity;
  r.pue = request.pue;
  return make_recipe(db, law, r);
}

}  // namespace scaleplan::planner
