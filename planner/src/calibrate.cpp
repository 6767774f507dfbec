#include "planner/calibrate.h"

#include <cmath>
#include <set>

#include "laws/csv.h"
#include "laws/law.h"

namespace scaleplan::planner {

// The largest GPU count a CodeCarbon row may report; far above any cluster.
constexpr int kMaxLoggedGpus = 1'000'000;

namespace {

const char* const kRequired[] = {"run_id", "duration", "emissions", "energy_consumed", "gpu_energy",
                                 "cpu_energy", "ram_energy", "gpu_count"};

double pct(double forecast, double measured) { return (forecast - measured) / measured * 100.0; }

}  // namespace

Measured read_codecarbon(const std::string& path, const std::optional<std::string>& run_id) {
  laws::CsvTable t;
  try {
    t = laws::read_csv_file(path);
  } catch (const laws::LawError& e) {
    throw PlanError(e.what());
  }
  return read_codecarbon(t, run_id);
}

Measured read_codecarbon(const laws::CsvTable& t, const std::optional<std::string>& run_id) {
  const std::string& path = t.origin;
  std::string missing;
  for (const char* c : kRequired) {
    if (t.find_column({c}) < 0) missing += (missing.empty() ? "" : ", ") + std::string(c);
  }
  if (!missing.empty()) {
    throw PlanError(path + ": not a CodeCarbon emissions.csv: missing column(s) " + missing);
  }
  const int c_run = t.find_column({"run_id"}), c_model = t.find_column({"gpu_model"}),
            c_country = t.find_column({"country_iso_code"}), c_pue = t.find_column({"pue"});
  Measured m;
  std::set<std::string> runs, models;
  for (size_t r = 0; r < t.rows.size(); ++r) {
    runs.insert(t.rows[r][c_run]);
    if (c_model >= 0) models.insert(t.rows[r][c_model]);
  }
  if (t.rows.empty()) throw PlanError(path + ": no rows after the header");
  if (run_id && runs.count(*run_id) == 0) {
    throw PlanError("--run-id: '" + *run_id + "' is not in " + path + " (" + std::to_string(runs.size()) + " runs)");
  }
  if (!run_id && runs.size() > 1 && models.size() > 1) {
    throw PlanError(path + ": " + std::to_string(runs.size()) +
                    " runs on different hardware; choose one with --run-id");
  }
  m.run_id = run_id ? *run_id : runs.size() == 1 ? *runs.begin() : "(" + std::to_string(runs.size()) + " runs summed)";
  try {
    double pue_weighted = 0;
    for (size_t r = 0; r < t.rows.size(); ++r) {
      if (run_id && t.rows[r][c_run] != *run_id) continue;
      auto col = [&](const char* name) { return t.number(r, t.find_column({name})); };
      ++m.rows;
      m.duration_s += col("duration");
      m.energy_kwh += col("energy_consumed");
      m.gpu_energy_kwh += col("gpu_energy");
      m.cpu_energy_kwh += col("cpu_energy");
      m.ram_energy_kwh += col("ram_energy");
      m.co2_kg += col("emissions");
      // Checked before the conversion: a count beyond int is UB, not a count.
      const double gpu_count = col("gpu_count");
      if (!(gpu_count >= 0 && gpu_count <= kMaxLoggedGpus)) {
        throw PlanError(path + ": gpu_count is " + std::to_string(gpu_count) + " in row " + std::to_string(r + 2) +
                        "; expected a count from 0 to " + std::to_string(kMaxLoggedGpus));
      }
      m.gpu_count = std::max(m.gpu_count, static_cast<int>(gpu_count));
      pue_weighted += (c_pue >= 0 ? t.number(r, c_pue) : 1.0) * col("energy_consumed");
      if (c_model >= 0) m.gpu_model = t.rows[r][c_model];
      if (c_country >= 0) m.country_iso = t.rows[r][c_country];
    }
    m.pue = m.energy_kwh > 0 ? pue_weighted / m.energy_kwh : 1.0;
  } catch (const laws::LawError& e) {
    throw PlanError(e.what());
  }
  if (!(m.duration_s > 0)) throw PlanError(path + ": duration is " + std::to_string(m.duration_s) + " s; expected a positive duration");
  if (!(m.energy_kwh > 0) || !(m.gpu_energy_kwh > 0)) {
    throw PlanError(path + ": energy_consumed or gpu_energy is zero; expected a run that used energy on its GPUs");
  }
  if (m.gpu_count <= 0) throw PlanError(path + ": gpu_count is 0; expected a GPU run");
  m.gpu_hours = m.duration_s * m.gpu_count / 3600.0;
  m.gpu_power_w = m.gpu_energy_kwh * 1000.0 / m.gpu_hours;
  m.host_overhead = (m.cpu_energy_kwh + m.ram_energy_kwh) / m.gpu_energy_kwh;
  m.grid_gco2_per_kwh = m.co2_kg * 1000.0 / m.energy_kwh;
  return m;
}

Calibration calibrate(const hardware_db::Database& db, const std::string& emissions_path, double params,
                      double tokens, const std::string& hardware, const std::optional<std::string>& run_id,
                      const std::optional<nlohmann::json>& plan_doc, const std::string& plan_label) {
  const hardware_db::Accelerator& acc = db.accelerator(hardware);
  Calibration c;
  c.measured = read_codecarbon(emissions_path, run_id);
  Measured& m = c.measured;
  const double peak = *acc.training_peak_tflops() * 1e12;
  m.mfu = 6.0 * params * tokens / (m.gpu_hours * 3600.0 * peak);
  if (acc.tdp_w) m.power_fraction = m.gpu_power_w / *acc.tdp_w;

  // The forecast the database defaults would have made for this run.
  ForecastInput in;
  in.params = params;
  in.tokens = tokens;
  in.hardware = acc.id;
  in.gpus = m.gpu_count;
  in.pue = std::max(1.0, m.pue);
  try {
    if (!m.country_iso.empty()) db.region(m.country_iso);
    if (!m.country_iso.empty()) in.region = m.country_iso;
  } catch (const hardware_db::DataError&) {
    in.carbon_intensity = m.grid_gco2_per_kwh;  // unknown country: the log's own intensity
  }
  const Forecast f = forecast(db, in);
  c.defaults = {"database defaults", f.gpu_hours, f.energy_kwh, f.co2_kg,
                pct(f.gpu_hours, m.gpu_hours), pct(f.energy_kwh, m.energy_kwh), pct(f.co2_kg, m.co2_kg)};
  if (plan_doc) {
    auto get = [&](const char* key) {
      auto it = plan_doc->find(key);
      if (it == plan_doc->end() || !it->is_number()) {
        throw PlanError("--plan: " + plan_label + " has no number '" + key +
                        "'; expected a `plan --json` or `forecast --json` document");
      }
      return it->get<double>();
    };
    Comparison p{plan_label, get("gpu_hours"), get("energy_kwh"), get("co2_kg"), 0, 0, 0};
    p.gpu_hours_error_pct = pct(p.gpu_hours, m.gpu_hours);
    p.energy_error_pct = pct(p.energy_kwh, m.energy_kwh);
    p.co2_error_pct = pct(p.co2_kg, m.co2_kg);
    c.plan = p;
  }

  // The profile: measured values for this accelerator, as a db override.
  const std::string evidence = "calibrated from " + emissions_path + " (CodeCarbon, run " + m.run_id + ")";
  nlohmann::ordered_json rec;
  rec["id"] = acc.id;
  rec["mfu"] = {{"low", std::min(m.mfu, acc.mfu_low.value_or(m.mfu))},
                {"typical", m.mfu},
                {"high", std::max(m.mfu, acc.mfu_high.value_or(m.mfu))},
                {"evidence", evidence + ": effective MFU = 6ND / (GPU-seconds x peak)"}};
  if (acc.tdp_w) {
    rec["power_fraction"] = m.power_fraction;
    rec["power_fraction_evidence"] = evidence + ": gpu_energy / GPU-hours / TDP";
  }
  rec["host_overhead"] = m.host_overhead;
  rec["host_overhead_evidence"] = evidence + ": (cpu_energy + ram_energy) / gpu_energy";
  c.profile["accelerators"] = nlohmann::ordered_json::array({rec});
  return c;
}

}  // namespace scaleplan::planner
