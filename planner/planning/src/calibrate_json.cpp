#include "planning/calibrate_json.h"

namespace scaleplan::planner {

using nlohmann::ordered_json;

ordered_json comparison_json(const Comparison& c) {
  return {{"source", c.label},
          {"gpu_hours", c.gpu_hours},
          {"energy_kwh", c.energy_kwh},
          {"co2_kg", c.co2_kg},
          {"co2_scope", "operational, like the log's"},
          {"co2_embodied_kg", c.co2_embodied_kg},
          {"restated", c.restated},
          {"error_pct",
           {{"gpu_hours", c.gpu_hours_error_pct},
            {"energy_kwh", c.energy_error_pct},
            {"co2_kg", c.co2_error_pct}}}};
}

ordered_json calibration_json(const Calibration& c) {
  const Measured& m = c.measured;
  ordered_json doc;
  doc["run_id"] = m.run_id;
  doc["rows"] = m.rows;
  doc["gpu_count"] = m.gpu_count;
  doc["gpu_model"] = m.gpu_model;
  doc["duration_s"] = m.duration_s;
  doc["gpu_hours"] = m.gpu_hours;
  doc["gpu_power_w"] = m.gpu_power_w;
  doc["power_fraction"] = m.power_fraction;
  doc["host_overhead"] = m.host_overhead;
  doc["mfu"] = m.mfu;
  doc["grid_gco2_per_kwh"] = m.grid_gco2_per_kwh;
  doc["pue"] = m.pue;
  doc["energy_kwh"] = m.energy_kwh;
  doc["co2_kg"] = m.co2_kg;
  doc["forecast"] = comparison_json(c.defaults);
  if (c.plan) doc["plan"] = comparison_json(*c.plan);
  doc["profile"] = c.profile;
  return doc;
}

}  // namespace scaleplan::planner
