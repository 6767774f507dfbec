#include "output.h"

#include <algorithm>
#include <iostream>

namespace scaleplan::cli {

Table& Table::row(std::string label, std::string value, std::string note) {
  rows_.push_back({std::move(label), std::move(value), std::move(note)});
  return *this;
}

Table& Table::line(std::string text) {
  lines_.push_back(std::move(text));
  return *this;
}

std::string Table::render() const {
  size_t label_w = 0, value_w = 0;
  for (const Row& r : rows_) {
    label_w = std::max(label_w, r.label.size());
    value_w = std::max(value_w, r.value.size());
  }
  std::string out = title_ + "\n";
  for (const Row& r : rows_) {
    std::string l = "  " + r.label + std::string(label_w - r.label.size() + 2, ' ');
    l += std::string(value_w - r.value.size(), ' ') + r.value;
    if (!r.note.empty()) l += "   " + r.note;
    out += l + "\n";
  }
  for (const std::string& s : lines_) out += s + "\n";
  return out;
}

nlohmann::ordered_json new_document(const std::string& command) {
  nlohmann::ordered_json doc;
  doc["schema_version"] = kSchemaVersion;
  doc["command"] = command;
  return doc;
}

void add_law(nlohmann::ordered_json& doc, const laws::Law& law) {
  doc["law"] = law.name;
  doc["law_citation"] = law.citation;
  doc["law_caveat"] = law.caveat;
}

void add_law(Table& table, const laws::Law& law) {
  table.line("law: " + law.name + (law.citation.empty() ? "" : " — " + law.citation));
  if (!law.caveat.empty()) table.line("caveat: " + law.caveat);
}

void emit(bool json, const nlohmann::ordered_json& doc, const std::string& human) {
  if (json) {
    std::cout << doc.dump(2) << "\n";
  } else {
    std::cout << human;
  }
  std::cout.flush();
}

}  // namespace scaleplan::cli
