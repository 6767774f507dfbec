#include "footprint/forecast_json.h"

namespace scaleplan::planner {

using nlohmann::ordered_json;

namespace {

// Low and high of each figure's range, as [low, high] pairs.
ordered_json ranges_json(const Forecast& f) {
  ordered_json j = {{"gpu_hours", {f.gpu_hours_range.low, f.gpu_hours_range.high}},
                    {"energy_kwh", {f.energy_range.low, f.energy_range.high}},
                    {"co2_kg", {f.co2_range.low, f.co2_range.high}}};
  if (f.range_level) j["level"] = *f.range_level;  // absent: a band or a point, not a stated interval
  j["basis"] = f.range_basis;
  return j;
}

ordered_json assumptions_json(const Forecast& f) {
  ordered_json a = ordered_json::array();
  for (const auto& x : f.assumptions) {
    a.push_back({{"name", x.name}, {"value", x.value}, {"unit", x.unit}, {"source", x.source}});
  }
  return a;
}

}  // namespace

ordered_json forecast_json(const Forecast& f) {
  ordered_json j;
  j["estimate"] = true;
  j["hardware"] = f.hardware_id;
  j["hardware_name"] = f.hardware_name;
  j["flops"] = f.flops;
  j["gpus"] = f.gpus;
  j["mfu"] = f.mfu;
  j["layout"] = f.layout;  // "" when the MFU is flat or given
  j["gpu_hours"] = f.gpu_hours;
  j["wall_days"] = f.wall_days;
  j["accounting"] = accounting_name(f.accounting);
  j["power_w_per_gpu"] = f.power_w;
  j["host_overhead"] = f.host_overhead;
  j["pue"] = f.pue;
  j["grid"] = f.grid_id;
  j["grid_gco2_per_kwh"] = f.gco2_per_kwh;
  j["energy_kwh"] = f.energy_kwh;
  j["co2_kg"] = f.co2_kg;
  j["co2_operational_kg"] = f.co2_operational_kg;
  j["co2_embodied_kg"] = f.co2_embodied_kg;
  j["eps_tier"] = tier_name(f.tier);
  j["eps_tier_scope"] = f.tier_operational_only ? "operational" : "total";
  j["eps_measures"] = eps_measures(f.tier);
  j["range"] = ranges_json(f);
  j["car_km_equivalent"] = f.car_km;
  j["assumptions"] = assumptions_json(f);
  j["notes"] = f.notes;
  return j;
}

}  // namespace scaleplan::planner
