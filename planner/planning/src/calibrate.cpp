#include "planning/calibrate.h"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdio>
#include <set>

#include "laws/allocation.h"
#include "laws/csv.h"
#include "laws/law.h"
#include "planning/plan_json.h"

namespace scaleplan::planner {

namespace {

const char* const kRequired[] = {"run_id",     "duration",   "emissions",  "energy_consumed",
                                 "gpu_energy", "cpu_energy", "ram_energy", "gpu_count"};

double pct(double forecast, double measured) { return (forecast - measured) / measured * 100.0; }

// The log's country, when the database knows it by its ISO code.
bool known_country(const hardware_db::Database& db, const std::string& iso) {
  auto lower = [](std::string s) {
    for (auto& ch : s) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
    return s;
  };
  const std::string want = lower(iso);
  for (const auto& g : db.grids()) {
    if (!want.empty() && (lower(g.alpha2) == want || lower(g.alpha3) == want)) return true;
  }
  return false;
}

void set_errors(Comparison& c, const Measured& m) {
  c.gpu_hours_error_pct = pct(c.gpu_hours, m.gpu_hours);
  c.energy_error_pct = pct(c.energy_kwh, m.energy_kwh);
  c.co2_error_pct = pct(c.co2_kg, m.co2_kg);
}

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

namespace {

void check_columns(const laws::CsvTable& t) {
  std::string missing;
  for (const char* c : kRequired) {
    if (t.find_column({c}) < 0) missing += (missing.empty() ? "" : ", ") + std::string(c);
  }
  if (!missing.empty()) {
    throw PlanError(t.origin + ": not a CodeCarbon emissions.csv: missing column(s) " + missing);
  }
}

// The run to read: the one asked for, the only one, or all of them on one
// kind of GPU (summed); the name it is reported under.
std::string choose_run(const laws::CsvTable& t, const std::optional<std::string>& run_id) {
  const int c_run = t.find_column({"run_id"}), c_model = t.find_column({"gpu_model"});
  std::set<std::string> runs, models;
  for (size_t r = 0; r < t.rows.size(); ++r) {
    runs.insert(t.rows[r][c_run]);
    if (c_model >= 0) models.insert(t.rows[r][c_model]);
  }
  if (t.rows.empty()) throw PlanError(t.origin + ": no rows after the header");
  if (run_id && runs.count(*run_id) == 0) {
    throw PlanError(Field{"run_id"}, "'" + *run_id + "' is not in " + t.origin + " (" +
                                         std::to_string(runs.size()) + " runs)");
  }
  if (!run_id && runs.size() > 1 && models.size() > 1) {
    throw PlanError(t.origin + ": " + std::to_string(runs.size()) +
                    " runs on different hardware; choose one with --run-id");
  }
  if (run_id) return *run_id;
  return runs.size() == 1 ? *runs.begin() : "(" + std::to_string(runs.size()) + " runs summed)";
}

// Sums the run's rows: durations, energies and CO2; the largest GPU count;
// the energy-weighted PUE.
void sum_rows(const laws::CsvTable& t, const std::optional<std::string>& run_id, Measured& m) {
  const int c_run = t.find_column({"run_id"}), c_model = t.find_column({"gpu_model"}),
            c_country = t.find_column({"country_iso_code"}), c_pue = t.find_column({"pue"});
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
      throw PlanError(t.origin + ": gpu_count is " + std::to_string(gpu_count) + " in row " +
                      std::to_string(r + 2) + "; expected a count from 0 to " +
                      std::to_string(kMaxLoggedGpus));
    }
    m.gpu_count = std::max(m.gpu_count, static_cast<int>(gpu_count));
    pue_weighted += (c_pue >= 0 ? t.number(r, c_pue) : 1.0) * col("energy_consumed");
    if (c_model >= 0) m.gpu_model = t.rows[r][c_model];
    if (c_country >= 0) m.country_iso = t.rows[r][c_country];
  }
  m.pue = m.energy_kwh > 0 ? pue_weighted / m.energy_kwh : 1.0;
}

// Refuses a run that used no time or energy; derives GPU-hours, power,
// host overhead and grid intensity.
void derive(const std::string& path, Measured& m) {
  if (!(m.duration_s > 0))
    throw PlanError(path + ": duration is " + std::to_string(m.duration_s) +
                    " s; expected a positive duration");
  if (!(m.energy_kwh > 0) || !(m.gpu_energy_kwh > 0)) {
    throw PlanError(path +
                    ": energy_consumed or gpu_energy is zero; expected a run that used energy on its GPUs");
  }
  if (m.gpu_count <= 0) throw PlanError(path + ": gpu_count is 0; expected a GPU run");
  m.gpu_hours = m.duration_s * m.gpu_count / 3600.0;
  m.gpu_power_w = m.gpu_energy_kwh * 1000.0 / m.gpu_hours;
  m.host_overhead = (m.cpu_energy_kwh + m.ram_energy_kwh) / m.gpu_energy_kwh;
  m.grid_gco2_per_kwh = m.co2_kg * 1000.0 / m.energy_kwh;
}

}  // namespace

Measured read_codecarbon(const laws::CsvTable& t, const std::optional<std::string>& run_id) {
  check_columns(t);
  Measured m;
  m.run_id = choose_run(t, run_id);
  try {
    sum_rows(t, run_id, m);
  } catch (const laws::LawError& e) {
    throw PlanError(e.what());  // a bad cell: the CSV reader's message names file, row and column
  }
  derive(t.origin, m);
  return m;
}

Comparison read_run_figures(const nlohmann::json& doc, const std::string& label, const Measured& m) {
  const FinalRunFigures f = read_final_run(doc, label);
  Comparison c;
  c.label = label + (f.from_plan ? " (its final training run)" : "");
  c.gpu_hours = f.gpu_hours;
  c.energy_kwh = f.energy_kwh;
  c.co2_kg = f.co2_operational_kg;
  c.co2_embodied_kg = f.co2_embodied_kg;
  const bool other_pue = f.pue && *f.pue > 0 && std::abs(*f.pue - m.pue) > 1e-9 * m.pue;
  const bool other_grid = f.grid_gco2_per_kwh && std::abs(*f.grid_gco2_per_kwh - m.grid_gco2_per_kwh) >
                                                     1e-9 * std::max(1.0, m.grid_gco2_per_kwh);
  if (!other_pue && !other_grid) return c;
  if (other_pue) c.energy_kwh *= m.pue / *f.pue;
  c.co2_kg = c.energy_kwh * m.grid_gco2_per_kwh / 1000.0;
  char buf[240];
  std::snprintf(buf, sizeof buf,
                "restated for the log's PUE %.2f and %.0f g/kWh (the plan assumed PUE %.2f and %.0f g/kWh)",
                m.pue, m.grid_gco2_per_kwh, f.pue.value_or(m.pue),
                f.grid_gco2_per_kwh.value_or(m.grid_gco2_per_kwh));
  c.restated = buf;
  return c;
}

namespace {

// The run as the database's defaults would have forecast it.
Comparison defaults_for(const hardware_db::Database& db, const hardware_db::Accelerator& acc,
                        const Measured& m, double params, double tokens) {
  ForecastInput in;
  in.params = params;
  in.tokens = tokens;
  in.hardware = acc.id;
  in.gpus = m.gpu_count;
  in.pue = std::max(1.0, m.pue);
  if (known_country(db, m.country_iso)) {
    in.region = m.country_iso;
  } else {
    in.carbon_intensity = m.grid_gco2_per_kwh;  // unknown country: the log's own intensity
  }
  const Forecast f = forecast(db, in);
  Comparison d;
  d.label = "database defaults";
  d.gpu_hours = f.gpu_hours;
  d.energy_kwh = f.energy_kwh;
  d.co2_kg = f.co2_operational_kg;
  d.co2_embodied_kg = f.co2_embodied_kg;
  return d;
}

// The accelerator's model number as a log spells it: the first part of its
// id that holds a digit ("h100" of h100-sxm5-80gb, "4090" of rtx-4090).
std::string model_number(const std::string& id) {
  size_t start = 0;
  while (start < id.size()) {
    const size_t end = std::min(id.find('-', start), id.size());
    const std::string part = id.substr(start, end - start);
    if (part.find_first_of("0123456789") != std::string::npos) return part;
    start = end + 1;
  }
  return id;
}

std::string letters_and_digits(const std::string& text) {
  std::string out;
  for (char ch : text)
    if (std::isalnum(static_cast<unsigned char>(ch)))
      out += static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
  return out;
}

// A log of one accelerator calibrated as another writes a wrong profile
// without a word ("NVIDIA A100-SXM4-40GB" as h100-sxm5-80gb), so it is
// refused. A log that names no model number is taken as it is.
void check_logged_model(const Measured& m, const hardware_db::Accelerator& acc) {
  const std::string logged = letters_and_digits(m.gpu_model);
  if (logged.find_first_of("0123456789") == std::string::npos) return;
  if (logged.find(letters_and_digits(model_number(acc.id))) != std::string::npos) return;
  throw PlanError(Field{"hardware"}, "the log's run " + m.run_id + " was measured on '" + m.gpu_model +
                                         "', not " + acc.id + "; pass the accelerator the run used");
}

// The profile: measured values for this accelerator, as a db override.
// One run gives the typical MFU; the band around it keeps the database's
// relative width, so the central forecast is not also its worst case.
nlohmann::ordered_json profile_for(const hardware_db::Accelerator& acc, const Measured& m,
                                   const std::string& emissions_path) {
  const std::string evidence = "calibrated from " + emissions_path + " (CodeCarbon, run " + m.run_id + ")";
  nlohmann::ordered_json rec;
  rec["id"] = acc.id;
  const double typical = acc.mfu_typical.value_or(0);
  auto ratio = [typical](std::optional<double> bound) {
    return typical > 0 && bound ? *bound / typical : 1.0;
  };
  rec["mfu"] = {{"low", m.mfu * ratio(acc.mfu_low)},
                {"typical", m.mfu},
                {"high", std::min(1.0, m.mfu * ratio(acc.mfu_high))},
                {"evidence", evidence + ": effective MFU = 6ND / (GPU-seconds x peak); low and high at the " +
                                 "database's ratios to its typical MFU"}};
  if (acc.tdp_w) {
    rec["power_fraction"] = m.power_fraction;
    rec["power_fraction_evidence"] = evidence + ": gpu_energy / GPU-hours / TDP";
  }
  rec["host_overhead"] = m.host_overhead;
  rec["host_overhead_evidence"] = evidence + ": (cpu_energy + ram_energy) / gpu_energy";
  nlohmann::ordered_json profile;
  profile["accelerators"] = nlohmann::ordered_json::array({rec});
  return profile;
}

}  // namespace

Calibration calibrate(const hardware_db::Database& db, const std::string& emissions_path, double params,
                      double tokens, const std::string& hardware, const std::optional<std::string>& run_id,
                      const std::optional<nlohmann::json>& plan_doc, const std::string& plan_label) {
  const hardware_db::Accelerator& acc = db.accelerator(hardware);
  Calibration c;
  c.measured = read_codecarbon(emissions_path, run_id);
  Measured& m = c.measured;
  check_logged_model(m, acc);
  const double peak = *acc.training_peak_tflops() * 1e12;
  m.mfu = mfu_from_hours(laws::training_flops(params, tokens), peak, m.gpu_hours);
  if (acc.tdp_w) m.power_fraction = m.gpu_power_w / *acc.tdp_w;
  c.defaults = defaults_for(db, acc, m, params, tokens);
  set_errors(c.defaults, m);
  if (plan_doc) {
    c.plan = read_run_figures(*plan_doc, plan_label, m);
    set_errors(*c.plan, m);
  }
  c.profile = profile_for(acc, m, emissions_path);
  return c;
}

}  // namespace scaleplan::planner
