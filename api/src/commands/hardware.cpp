// scaleplan hardware [list | show ID]: the accelerator database.
#include "api/units.h"
#include "commands.h"
#include "hardware_db/records_json.h"
#include "shared_fields.h"

namespace scaleplan::api {

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

struct HardwareRequest {
  std::string action = "list", id, hardware_db;

  static const Schema<HardwareRequest>& schema() {
    using R = HardwareRequest;
    static const auto s =
        Schema<R>()
            .add({.name = "action", .help = "list or show", .choices = {"list", "show"}, .positional = true},
                 &R::action)
            .add({.name = "id",
                  .help =
                      "accelerator id for show; for list, part of an id, family or name to keep (e.g. h100)",
                  .positional = true},
                 &R::id)
            .add(hardware_db_field(), &R::hardware_db);
    return s;
  }
};

// One accelerator with its sources.
Result show_accelerator(const hardware_db::Database& db, const std::string& id) {
  if (id.empty()) throw InputError(Field{"id"}, "missing; expected an accelerator id, e.g. h100-sxm5-80gb");
  auto doc = new_document("hardware");
  {
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
    return {std::move(doc), [t] { return t.render(); }};
  }
}

std::vector<const hardware_db::Accelerator*> listed(const hardware_db::Database& db,
                                                    const std::string& part) {
  std::vector<const hardware_db::Accelerator*> out = db.accelerators_matching(part);
  if (out.empty()) {
    throw InputError(Field{"id"},
                     "no accelerator matches '" + part +
                         "'; expected part of an id, family or name (`scaleplan hardware list`)");
  }
  return out;
}

Result run_hardware(const HardwareRequest& r) {
  const auto db = hardware_db::Database::load(r.hardware_db);
  if (r.action == "show") return show_accelerator(db, r.id);
  const auto accelerators = listed(db, r.id);
  auto doc = new_document("hardware");
  doc["accelerators"] = ordered_json::array();
  Table t("Accelerators (" + std::to_string(accelerators.size()) +
          (r.id.empty() ? "" : " matching '" + r.id + "'") +
          "), with the family names --hardware also takes; `scaleplan hardware show ID` for sources");
  for (const auto* ap : accelerators) {
    const auto& a = *ap;
    doc["accelerators"].push_back(hardware_db::accelerator_json(a));
    const auto peak = a.training_peak_tflops();
    t.row(a.id + (a.aliases.empty() ? "" : " (" + join(a.aliases) + ")"),
          peak ? human_flop_rate(*peak * 1e12) : "unknown",
          or_unknown(a.memory_gb, " GB") + ", " + (a.tdp_w ? human_power_w(*a.tdp_w) : "TDP unknown") +
              ", MFU " + or_unknown(a.mfu_typical) + " — " + a.name);
  }
  return {std::move(doc), [t] { return t.render(); }};
}

}  // namespace

Command hardware_command() {
  return command<HardwareRequest>(
      "hardware", "List accelerators, or show one with its sources",
      "Example:\n  scaleplan hardware list\n  scaleplan hardware show h100-sxm5-80gb --json", run_hardware);
}

}  // namespace scaleplan::api
