#include "commands.h"
#include "laws/law_file.h"
#include "laws/presets.h"
#include "units.h"

namespace scaleplan::cli {

void add_law_option(CLI::App& sub, std::string& law) {
  sub.add_option("--law", law,
                 "scaling law: a preset name (see `scaleplan laws`) or a law "
                 "JSON file")
      ->default_val(laws::kDefaultLaw);
}

void add_json_flag(CLI::App& sub, bool& json) {
  sub.add_flag("--json", json, "print one JSON document instead of a table");
}

CLI::Option* add_shared_option(CLI::App& sub, const std::string& flag, std::string& value,
                               const std::string& note) {
  static const std::pair<const char*, const char*> kHelp[] = {
      {"--hardware", "accelerator id or family name (see `scaleplan hardware list`)"},
      {"--gpus", "accelerator count"},
      {"--mfu", "model FLOPs utilisation"},
      {"--region", "grid: ISO code (DE, DEU), country (Germany, UK) or provider:region (aws:us-east-1)"},
      {"--carbon-intensity", "grid carbon intensity"},
      {"--pue", "data-centre PUE"},
      {"--power-w", "power per accelerator to account with"},
      {"--seq-len", "tokens per sequence"},
      {"--offset-price", "price of one carbon credit in US$, for the offset cost"},
  };
  std::string help;
  for (const auto& [name, text] : kHelp) {
    if (flag == name) help = text;
  }
  if (help.empty()) throw std::logic_error("add_shared_option: no shared declaration for " + flag);
  if (const Domain* d = domain_of(flag)) help += " (" + domain_text(*d) + ")";
  if (!note.empty()) help += "; " + note;
  return sub.add_option(flag, value, help);
}

laws::Law law_for(const std::string& name, bool unique_tokens_given) {
  laws::Law law = laws::resolve_law(name);
  return unique_tokens_given ? laws::with_repetition_decay(law) : law;
}

std::optional<double> optional_quantity(const std::string& text, const char* field) {
  if (text.empty()) return std::nullopt;
  return parse_quantity(text, field);
}

}  // namespace scaleplan::cli
