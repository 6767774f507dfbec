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

laws::Law law_for(const std::string& name, bool unique_tokens_given) {
  laws::Law law = laws::resolve_law(name);
  return unique_tokens_given ? laws::with_repetition_decay(law) : law;
}

std::optional<double> optional_quantity(const std::string& text,
                                        const char* field) {
  if (text.empty()) return std::nullopt;
  return parse_quantity(text, field);
}

}  // namespace scaleplan::cli
