// scaleplan calibrate: a finished run's CodeCarbon log against the forecast,
// and a profile that carries what it measured into the next forecast.
#include <fstream>
#include <sstream>

#include "api/units.h"
#include "commands.h"
#include "planning/calibrate.h"
#include "planning/calibrate_json.h"
#include "shared_fields.h"

namespace scaleplan::api {

namespace {

using nlohmann::ordered_json;

struct CalibrateRequest {
  std::string emissions, hardware, run_id, plan, hardware_db;
  double params = 0, tokens = 0;
  std::optional<std::string> output;

  static const Schema<CalibrateRequest>& schema() {
    using R = CalibrateRequest;
    static const auto s =
        Schema<R>()
            .add(input_file_field("emissions", "CodeCarbon emissions.csv (2.x or 3.x)"), &R::emissions)
            .add({.name = "params", .help = "the run's model size", .short_name = "N", .required = true},
                 &R::params)
            .add({.name = "tokens", .help = "the run's training tokens", .short_name = "D", .required = true},
                 &R::tokens)
            .add(required(shared_field("hardware", "the one the run used")), &R::hardware)
            .add({.name = "run_id", .help = "the run to use when the file holds several"}, &R::run_id)
            .add({.name = "plan",
                  .help = "a `plan --json` or `forecast --json` file to compare too",
                  .local_only = true},
                 &R::plan)
            .add(output_field("write the calibration profile (a --hardware-db file) here"), &R::output)
            .add(hardware_db_field(), &R::hardware_db);
    return s;
  }
};

void add_comparison_rows(Table& t, const planner::Comparison& c, const planner::Measured& m) {
  auto pct = [](double v) { return (v >= 0 ? "+" : "") + short_number(v) + "%"; };
  t.row("forecast from", c.label, c.restated.empty() ? "vs measured" : "vs measured; " + c.restated);
  t.row("  GPU-hours", human_hours(c.gpu_hours),
        "measured " + human_hours(m.gpu_hours) + " (" + pct(c.gpu_hours_error_pct) + ")");
  t.row("  energy", human_energy_kwh(c.energy_kwh),
        "measured " + human_energy_kwh(m.energy_kwh) + " (" + pct(c.energy_error_pct) + ")");
  t.row(
      "  CO2eq operational", human_co2_kg(c.co2_kg),
      "measured " + human_co2_kg(m.co2_kg) + " (" + pct(c.co2_error_pct) + "); the log has no embodied CO2");
  t.row("  CO2eq embodied", human_co2_kg(c.co2_embodied_kg), "forecast only, not compared");
}

// --plan: the `plan --json` or `forecast --json` document to compare too.
std::optional<nlohmann::json> read_plan_document(const std::string& path) {
  if (path.empty()) return std::nullopt;
  // A plan document is a few KB; its error names the field.
  return read_json_object_file(path, "plan", "a JSON document from `plan --json` or `forecast --json`",
                               16u << 20);
}

void add_measured_rows(Table& t, const planner::Measured& m) {
  t.row("GPU-hours", human_hours(m.gpu_hours));
  t.row("GPU power", human_power_w(m.gpu_power_w),
        short_number(100 * m.power_fraction) + "% of TDP (gpu_energy / GPU-hours)");
  t.row("host overhead", short_number(100 * m.host_overhead) + "%", "(CPU + RAM) / GPU energy");
  t.row("effective MFU", short_number(100 * m.mfu) + "%", "6ND / (GPU-seconds x peak)");
  t.row("grid", short_number(m.grid_gco2_per_kwh) + " g/kWh", "emissions / energy");
  t.row("PUE", short_number(m.pue), "as recorded");
  t.row("energy", human_energy_kwh(m.energy_kwh));
  t.row("CO2eq", human_co2_kg(m.co2_kg));
}

// A quantity in full, as a plain number would have been typed (468239360,
// 1e18; 7B as 7000000000).
std::string in_full(double v) { return plain_exponent(as_typed(v)); }

// The log's measurements and the comparisons, refusing sizes and tokens
// that would need more than the peak in the logged hours.
planner::Calibration calibrated(const CalibrateRequest& r) {
  const std::optional<nlohmann::json> plan_doc = read_plan_document(r.plan);
  const auto db = hardware_db::Database::load(r.hardware_db);
  const std::optional<std::string> run_id = r.run_id.empty() ? std::nullopt : std::optional(r.run_id);
  planner::Calibration c =
      planner::calibrate(db, r.emissions, r.params, r.tokens, r.hardware, run_id, plan_doc, r.plan);
  const planner::Measured& m = c.measured;
  // 6ND above the peak in the logged GPU-hours: --params or --tokens is wrong.
  if (!(m.mfu > 0 && m.mfu <= 1)) {
    throw InputError("--params/--tokens: 6 x " + in_full(r.params) + " x " + in_full(r.tokens) +
                     " FLOPs in the logged " + human_hours(m.gpu_hours) + " is an MFU of " +
                     short_number(m.mfu) +
                     ", above the peak; expected the run's own size and tokens (MFU in (0, 1])");
  }
  return c;
}

Result run_calibrate(const CalibrateRequest& r) {
  const std::vector<std::string> inputs = {r.emissions, r.plan, r.hardware_db};
  if (r.output) check_output_path(*r.output, inputs, "--output");
  const planner::Calibration c = calibrated(r);
  if (r.output) write_file_atomically(*r.output, c.profile.dump(2) + "\n", inputs, "--output");
  const std::string output = r.output.value_or("");
  auto doc = new_document("calibrate");
  doc.update(planner::calibration_json(c));
  if (!output.empty()) doc["output"] = output;
  return {std::move(doc), [c, output] {
            const planner::Measured& m = c.measured;
            Table t("Measured run " + m.run_id + " (" + m.gpu_model + ", " + m.country_iso + "; " +
                    std::to_string(m.rows) + (m.rows == 1 ? " row)" : " rows)"));
            add_measured_rows(t, m);
            add_comparison_rows(t, c.defaults, m);
            if (c.plan) add_comparison_rows(t, *c.plan, m);
            if (!output.empty())
              t.line("profile written to " + output + " (use it with --hardware-db " + output + ")");
            return t.render();
          }};
}

}  // namespace

Command calibrate_command() {
  return command<CalibrateRequest>(
      "calibrate", "Compare a CodeCarbon log with the forecast and write a calibration profile",
      "Example:\n  scaleplan calibrate emissions.csv --params 468239360 --tokens 9.8B --hardware "
      "a100-sxm4-40gb -o a100-profile.json\n  scaleplan forecast --params 1B --tokens 20B --hardware "
      "a100-sxm4-40gb --hardware-db a100-profile.json",
      run_calibrate);
}

}  // namespace scaleplan::api
