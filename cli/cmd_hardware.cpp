// scaleplan hardware [list | show ID]: the accelerator database.
#include "commands.h"
#include "forecast_output.h"
#include "hardware_db/records_json.h"
#include "units.h"

namespace scaleplan::cli {

namespace {

using nlohmann::ordered_json;

std::string join(const std::vector<std::string>& items) {
  std::string out;
  for (const std::string& s : items) out += (out.empty() ? "" : ", ") + s;
  return out;
}

std::string or_unknown(const std::optional<double>& v, const std::string& unit = "") {
  return v ? short_number(*v) + unit : "unknown";
}

void run_hardware(const std::string& action, const std::string& id, const std::string& db_path, bool json) {
  const auto db = hardware_db::Database::load(db_path);
  auto doc = new_document("hardware");
  if (action == "show") {
    if (id.empty()) throw InputError("hardware show: expected an accelerator id, e.g. h100-sxm5-80gb");
    const auto& a = db.accelerator(id);
    doc["accelerator"] = hardware_db::accelerator_json(a);
    Table t(a.name + " (" + a.id + ")");
    auto rate = [](const std::optional<double>& tflops) {
      return tflops ? human_flop_rate(*tflops * 1e12) : std::string("unknown");
    };
    t.row("peak BF16 / FP16 / FP8",
          rate(a.bf16_tflops) + " / " + rate(a.fp16_tflops) + " / " + rate(a.fp8_tflops), "dense");
    t.row("memory", or_unknown(a.memory_gb, " GB"), or_unknown(a.bandwidth_tbps, " TB/s"));
    t.row("TDP", a.tdp_w ? human_power_w(*a.tdp_w) : "unknown");
    if (!a.aliases.empty()) t.row("also called", join(a.aliases));
    t.row("MFU low / typical / high",
          or_unknown(a.mfu_low) + " / " + or_unknown(a.mfu_typical) + " / " + or_unknown(a.mfu_high),
          "typical forecasts billed GPU-hours");
    t.row("training power", or_unknown(a.power_fraction), "of TDP");
    t.row("embodied", or_unknown(a.embodied_kgco2e, " kgCO2eq"), a.embodied_basis);
    t.line("MFU evidence: " + a.mfu_evidence);
    if (!a.power_fraction_evidence.empty()) t.line("power evidence: " + a.power_fraction_evidence);
    t.line("source: " + a.source + " [" + a.confidence + "]");
    emit(json, std::move(doc), t.render());
    return;
  }
  doc["accelerators"] = ordered_json::array();
  Table t("Accelerators (" + std::to_string(db.accelerators().size()) +
          "), with the family names --hardware also takes; `scaleplan hardware show ID` for sources");
  for (const auto& a : db.accelerators()) {
    doc["accelerators"].push_back(hardware_db::accelerator_json(a));
    const auto peak = a.training_peak_tflops();
    t.row(a.id + (a.aliases.empty() ? "" : " (" + join(a.aliases) + ")"),
          peak ? human_flop_rate(*peak * 1e12) : "unknown",
          or_unknown(a.memory_gb, " GB") + ", " + (a.tdp_w ? human_power_w(*a.tdp_w) : "TDP unknown") +
              ", MFU " + or_unknown(a.mfu_typical) + " — " + a.name);
  }
  emit(json, std::move(doc), t.render());
}

}  // namespace

void setup_hardware(CLI::App& app) {
  struct Options {
    std::string action = "list", id, db;
    bool json = false;
  };
  auto o = std::make_shared<Options>();
  auto* sub = app.add_subcommand("hardware", "List accelerators, or show one with its sources");
  sub->add_option("action", o->action, "list or show")->check(CLI::IsMember({"list", "show"}));
  sub->add_option("id", o->id, "accelerator id for show");
  add_hardware_db_option(*sub, o->db);
  add_json_flag(*sub, o->json);
  sub->footer("Example:\n  scaleplan hardware list\n  scaleplan hardware show h100-sxm5-80gb --json");
  reset_each_parse(*sub, o);
  sub->callback([o] { run_hardware(o->action, o->id, o->db, o->json); });
}

}  // namespace scaleplan::cli
