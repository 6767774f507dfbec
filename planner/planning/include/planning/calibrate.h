#pragma once
// Plan versus measured: what a CodeCarbon log says about a finished run,
// how far the forecast was from it, and a calibration profile (a
// hardware-db override) that carries the measured utilisation, power and
// host overhead into the next forecast.
//
//   GPU-hours      = duration x GPU count
//   GPU power      = gpu_energy / (duration x GPU count)   (not gpu_power,
//                    which CodeCarbon fills with the last sample)
//   host overhead  = (cpu_energy + ram_energy) / gpu_energy
//   effective MFU  = 6 N D / (GPU-seconds x peak)
//   grid intensity = emissions / energy_consumed

#include <nlohmann/json.hpp>
#include <optional>
#include <string>

#include "footprint/forecast.h"
#include "hardware_db/database.h"
#include "laws/csv.h"

namespace scaleplan::planner {

struct Measured {
  std::string run_id;  // or "(n runs summed)"
  int rows = 0;
  int gpu_count = 0;
  std::string gpu_model, country_iso;
  double duration_s = 0, energy_kwh = 0, gpu_energy_kwh = 0, cpu_energy_kwh = 0, ram_energy_kwh = 0;
  double co2_kg = 0, pue = 1;
  // derived
  double gpu_hours = 0, gpu_power_w = 0, host_overhead = 0, mfu = 0, grid_gco2_per_kwh = 0;
  double power_fraction = 0;  // gpu_power_w / TDP
};

// CodeCarbon measures operational CO2 only (energy x grid), so the forecast
// side is compared by its operational CO2 too; embodied is listed apart.
struct Comparison {
  std::string label;  // "database defaults" or the plan file
  double gpu_hours = 0, energy_kwh = 0;
  double co2_kg = 0;  // operational: like for like with the log
  double co2_embodied_kg = 0;
  double gpu_hours_error_pct = 0, energy_error_pct = 0, co2_error_pct = 0;
  // How a plan's figures were restated for the log's facility and grid
  // ("" when they already match).
  std::string restated;
};

// The final training run's figures from a `plan --json` document (its
// "training" block: the run a log measures, not the plan's total with
// experiments and inference) or a `forecast --json` one, restated for the
// facility and grid of the measured run: a plan costed at the industry PUE
// and the world grid, compared as it stands with a log taken at PUE 1 in
// a clean grid, would show the difference of scope as an error. GPU-hours
// and embodied CO2 do not depend on either. Throws PlanError naming the
// missing key.
Comparison read_run_figures(const nlohmann::json& doc, const std::string& label, const Measured& measured);

struct Calibration {
  Measured measured;
  Comparison defaults;
  std::optional<Comparison> plan;
  nlohmann::ordered_json profile;  // {"accelerators": [{id, mfu, power_fraction, host_overhead}]}
};

// Reads CodeCarbon's emissions.csv (2.x or 3.x header). Throws PlanError
// for missing columns, zero duration or energy, bad cells (line and
// column), or several runs on different hardware without run_id.
Measured read_codecarbon(const std::string& path, const std::optional<std::string>& run_id);
// The same from a parsed table (its origin names it in errors).
Measured read_codecarbon(const laws::CsvTable& table, const std::optional<std::string>& run_id);

// `plan_doc`: a `plan --json` or `forecast --json` document, optional.
Calibration calibrate(const hardware_db::Database& db, const std::string& emissions_path, double params,
                      double tokens, const std::string& hardware, const std::optional<std::string>& run_id,
                      const std::optional<nlohmann::json>& plan_doc, const std::string& plan_label);

}  // namespace scaleplan::planner
