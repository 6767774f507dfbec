// scaleplan laws: the presets, with citation and caveat.
#include "api/units.h"
#include "commands.h"
#include "laws/law_file.h"
#include "laws/presets.h"

namespace scaleplan::api {

namespace {

// The command takes no fields.
struct LawsRequest {
  static const Schema<LawsRequest>& schema() {
    static const Schema<LawsRequest> s;
    return s;
  }
};

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

Result run_laws(const LawsRequest&) {
  auto doc = new_document("laws");
  doc["default"] = laws::kDefaultLaw;
  doc["laws"] = nlohmann::ordered_json::array();
  for (const laws::Law& law : laws::presets()) doc["laws"].push_back(laws::law_to_json(law));
  return {std::move(doc), [] {
            std::string human = "Scaling-law presets (default: " + std::string(laws::kDefaultLaw) + ")\n";
            for (const laws::Law& law : laws::presets()) {
              human += "\n" + law.name + "  [" + laws::form_name(law.form) + "]  " + constants(law) + "\n  " +
                       law.citation + "\n  caveat: " + law.caveat + "\n";
            }
            return human;
          }};
}

}  // namespace

Command laws_command() {
  return command<LawsRequest>("laws", "List the published scaling laws shipped with scaleplan",
                              "Example:\n  scaleplan laws --json", run_laws);
}

}  // namespace scaleplan::api
