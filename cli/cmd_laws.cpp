// scaleplan laws: the presets, with citation and caveat.
#include "commands.h"
#include "laws/law_file.h"
#include "laws/presets.h"
#include "output.h"
#include "units.h"

namespace scaleplan::cli {

namespace {

std::string constants(const laws::Law& law) {
  if (law.form == laws::Form::kKaplan) {
    return "N_c=" + short_number(law.n_c) + " D_c=" + short_number(law.d_c) +
           " alpha_N=" + short_number(law.alpha_n) + " alpha_D=" + short_number(law.alpha_d);
  }
  std::string s = "E=" + short_number(law.E) + " A=" + short_number(law.A) + " B=" + short_number(law.B) +
                  " alpha=" + short_number(law.alpha) + " beta=" + short_number(law.beta);
  if (law.form == laws::Form::kDataConstrained) {
    s += " R_D*=" + short_number(law.r_d_star) + " R_N*=" + short_number(law.r_n_star);
  }
  return s;
}

void run_laws(bool json) {
  auto doc = new_document("laws");
  doc["default"] = laws::kDefaultLaw;
  doc["laws"] = nlohmann::ordered_json::array();
  std::string human = "Scaling-law presets (default: " + std::string(laws::kDefaultLaw) + ")\n";
  for (const laws::Law& law : laws::presets()) {
    doc["laws"].push_back(laws::law_to_json(law));
    human += "\n" + law.name + "  [" + laws::form_name(law.form) + "]  " + constants(law) + "\n  " +
             law.citation + "\n  caveat: " + law.caveat + "\n";
  }
  emit(json, std::move(doc), human);
}

}  // namespace

void setup_laws(CLI::App& app) {
  auto json = std::make_shared<bool>(false);
  auto* sub = app.add_subcommand("laws", "List the published scaling laws shipped with scaleplan");
  add_json_flag(*sub, *json);
  sub->footer("Example:\n  scaleplan laws --json");
  reset_each_parse(*sub, json);
  sub->callback([json] { run_laws(*json); });
}

}  // namespace scaleplan::cli
