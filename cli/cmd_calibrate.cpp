// scaleplan calibrate: a finished run's CodeCarbon log against the forecast,
// and a profile that carries what it measured into the next forecast.
#include <fstream>
#include <sstream>

#include "commands.h"
#include "forecast_output.h"
#include "planning/calibrate.h"
#include "planning/calibrate_json.h"
#include "units.h"

namespace scaleplan::cli {

namespace {

using nlohmann::ordered_json;

struct CalibrateOptions {
  std::string emissions, params, tokens, hardware, run_id, plan, output, hardware_db;
  bool output_given = false;
  bool json = false;
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
  std::ifstream in(path, std::ios::binary);
  if (!in) throw InputError("--plan: cannot open '" + path + "'");
  std::stringstream buf;
  buf << in.rdbuf();
  auto doc = nlohmann::json::parse(buf.str(), nullptr, false);
  if (doc.is_discarded() || !doc.is_object()) {
    throw InputError("--plan: '" + path + "' is not a JSON document from `plan --json` or `forecast --json`");
  }
  return doc;
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

void run_calibrate(const CalibrateOptions& o) {
  const double params = parse_quantity(o.params, "--params");
  const double tokens = parse_quantity(o.tokens, "--tokens");
  if (o.output_given) check_output_path(o.output, {o.emissions, o.plan, o.hardware_db}, "--output");
  const std::optional<nlohmann::json> plan_doc = read_plan_document(o.plan);
  const auto db = hardware_db::Database::load(o.hardware_db);
  const std::optional<std::string> run_id = o.run_id.empty() ? std::nullopt : std::optional(o.run_id);
  const planner::Calibration c =
      planner::calibrate(db, o.emissions, params, tokens, o.hardware, run_id, plan_doc, o.plan);
  const planner::Measured& m = c.measured;
  // 6ND above the peak in the logged GPU-hours: --params or --tokens is wrong.
  if (!(m.mfu > 0 && m.mfu <= 1)) {
    throw InputError("--params/--tokens: 6 x " + o.params + " x " + o.tokens + " FLOPs in the logged " +
                     human_hours(m.gpu_hours) + " is an MFU of " + short_number(m.mfu) +
                     ", above the peak; expected the run's own size and tokens (MFU in (0, 1])");
  }
  if (o.output_given) {
    write_file_atomically(o.output, c.profile.dump(2) + "\n", {o.emissions, o.plan, o.hardware_db},
                          "--output");
  }
  auto doc = new_document("calibrate");
  doc.update(planner::calibration_json(c));
  if (!o.output.empty()) doc["output"] = o.output;
  Table t("Measured run " + m.run_id + " (" + m.gpu_model + ", " + m.country_iso + "; " +
          std::to_string(m.rows) + (m.rows == 1 ? " row)" : " rows)"));
  add_measured_rows(t, m);
  add_comparison_rows(t, c.defaults, m);
  if (c.plan) add_comparison_rows(t, *c.plan, m);
  if (!o.output.empty())
    t.line("profile written to " + o.output + " (use it with --hardware-db " + o.output + ")");
  emit(o.json, std::move(doc), t.render());
}

}  // namespace

void setup_calibrate(CLI::App& app) {
  auto o = std::make_shared<CalibrateOptions>();
  auto* sub = app.add_subcommand(
      "calibrate", "Compare a CodeCarbon log with the forecast and write a calibration profile");
  sub->add_option("emissions", o->emissions, "CodeCarbon emissions.csv (2.x or 3.x)")->required();
  sub->add_option("--params,-N", o->params, "the run's model size")->required();
  sub->add_option("--tokens,-D", o->tokens, "the run's training tokens")->required();
  add_shared_option(*sub, "--hardware", o->hardware, "the one the run used")->required();
  sub->add_option("--run-id", o->run_id, "the run to use when the file holds several");
  sub->add_option("--plan", o->plan, "a `plan --json` or `forecast --json` file to compare too");
  add_output_option(*sub, o->output, o->output_given,
                    "write the calibration profile (a --hardware-db file) here");
  add_hardware_db_option(*sub, o->hardware_db);
  add_json_flag(*sub, o->json);
  sub->footer(
      "Example:\n  scaleplan calibrate emissions.csv --params 468239360 --tokens 9.8B --hardware "
      "a100-sxm4-40gb "
      "-o a100-profile.json\n  scaleplan forecast --params 1B --tokens 20B --hardware a100-sxm4-40gb "
      "--hardware-db "
      "a100-profile.json");
  reset_each_parse(*sub, o);
  sub->callback([o] { run_calibrate(*o); });
}

}  // namespace scaleplan::cli
