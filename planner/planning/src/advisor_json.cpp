#include "planning/advisor_json.h"

#include "footprint/eps.h"

namespace scaleplan::planner {

using nlohmann::ordered_json;

namespace {

// The fields a recommendation has only in some categories.
void add_optional_fields(const Recommendation& r, ordered_json& j) {
  if (r.category == Category::kSaving) {
    j["energy_saving_pct"] = r.energy_saving_pct;
    j["co2_saving_pct"] = r.co2_saving_pct;
    j["objective_saving_pct"] = r.objective_saving_pct;
  }
  if (r.gpus) j["gpus"] = *r.gpus;
  if (r.wall_days) j["wall_days"] = *r.wall_days;
  if (r.state_gb_per_gpu) j["state_gb_per_gpu"] = *r.state_gb_per_gpu;
  if (r.freed_gb_per_gpu) j["freed_gb_per_gpu"] = *r.freed_gb_per_gpu;
  if (!r.enables.empty()) j["enables"] = r.enables;
  if (r.offset_tonnes) j["offset_tonnes"] = *r.offset_tonnes;
  if (r.offset_credits) j["offset_credits"] = *r.offset_credits;
  if (r.offset_cost) j["offset_cost"] = *r.offset_cost;
}

}  // namespace

ordered_json advice_json(const Advice& a) {
  ordered_json out = ordered_json::array();
  for (const auto& r : a.recommendations) {
    ordered_json j;
    j["category"] = category_name(r.category);
    j["kind"] = r.kind;
    j["title"] = r.title;
    j["why"] = r.why;
    j["scope"] = a.scope;
    // A memory measure leaves the compute, and so the footprint, as it
    // was: it carries no energy of its own, where a 0 would read as "free".
    if (r.category != Category::kMemory) {
      j["energy_kwh"] = r.energy_kwh;
      j["co2_kg"] = r.co2_kg;
      j["eps_tier"] = tier_name(r.tier);
    }
    add_optional_fields(r, j);
    out.push_back(j);
  }
  return out;
}

}  // namespace scaleplan::planner
