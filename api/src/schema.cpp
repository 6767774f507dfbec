#include "api/schema.h"

#include <cerrno>
#include <cmath>
#include <cstdlib>
#include <limits>

#include "api/units.h"

namespace scaleplan::api::detail {

namespace {

using nlohmann::json;

// A value quoted in a message, cut short.
std::string shown(const json& v) {
  std::string text = v.is_string() ? v.get<std::string>() : v.dump();
  if (text.size() > 40) text = text.substr(0, 40) + "...";
  return "'" + text + "'";
}

[[noreturn]] void expected(const FieldInfo& f, const json& v, const std::string& what) {
  throw InputError(Field{f.name}, "expected " + what + ", got " + shown(v));
}

// An own-range field's number (FieldInfo::own_range): what strtod reads
// from the whole text, any sign.
double own_range_number(const FieldInfo& f, const json& v) {
  if (v.is_number()) return v.get<double>();
  if (!v.is_string()) expected(f, v, "a number");
  const std::string& s = v.get_ref<const std::string&>();
  char* end = nullptr;
  const double x = s.empty() ? 0 : std::strtod(s.c_str(), &end);
  if (s.empty() || end != s.c_str() + s.size()) {
    throw InputError(Field{f.name}, shown(v) + " is not a number");
  }
  return x;
}

// An own-range count: a whole number of any sign within int.
int own_range_count(const FieldInfo& f, const json& v) {
  if (v.is_number()) {
    const double x = v.get<double>();
    if (x != std::floor(x) || x < std::numeric_limits<int>::min() || x > std::numeric_limits<int>::max()) {
      expected(f, v, "a whole number");
    }
    return static_cast<int>(x);
  }
  if (!v.is_string()) expected(f, v, "a whole number");
  const std::string& s = v.get_ref<const std::string&>();
  char* end = nullptr;
  errno = 0;
  const long long x = s.empty() ? 0 : std::strtoll(s.c_str(), &end, 10);
  if (s.empty() || end != s.c_str() + s.size()) {
    throw InputError(Field{f.name}, shown(v) + " is not a whole number");
  }
  if (errno == ERANGE || x < std::numeric_limits<int>::min() || x > std::numeric_limits<int>::max()) {
    throw InputError(Field{f.name}, shown(v) + " is out of range; expected a whole number from " +
                                        std::to_string(std::numeric_limits<int>::min()) + " to " +
                                        std::to_string(std::numeric_limits<int>::max()));
  }
  return static_cast<int>(x);
}

}  // namespace

double quantity_of(const FieldInfo& f, const json& v) {
  if (f.own_range) return own_range_number(f, v);
  if (v.is_string()) return parse_quantity(v.get_ref<const std::string&>(), f.name);
  if (!v.is_number()) expected(f, v, "a number or a quantity such as \"7B\"");
  return parse_quantity(as_typed(v.get<double>()), f.name);
}

int count_of(const FieldInfo& f, const json& v) {
  if (f.own_range) return own_range_count(f, v);
  if (v.is_string()) return parse_count(v.get_ref<const std::string&>(), f.name);
  if (!v.is_number()) expected(f, v, "a whole number");
  return parse_count(as_typed(v.get<double>()), f.name);
}

std::string text_of(const FieldInfo& f, const json& v) {
  if (v.is_object() && f.takes_document) return v.dump();
  // A number where text is read (fit's --max-loss, a column name) is read
  // as its shortest exact text, as it would be typed.
  if (v.is_number() && f.choices.empty()) return as_typed(v.get<double>());
  // A list where a command reads comma-separated text (finetune's methods):
  // its items joined, as the command line writes them.
  if (v.is_array() && f.choices.empty() && !v.empty()) {
    std::string joined;
    for (const json& item : v) {
      if (!item.is_string()) expected(f, item, "a list of names");
      joined += (joined.empty() ? "" : ",") + item.get<std::string>();
    }
    return joined;
  }
  if (!v.is_string()) expected(f, v, f.takes_document ? "a string or a JSON object" : "a string");
  const std::string& s = v.get_ref<const std::string&>();
  if (f.choices.empty()) return s;
  std::string names;
  for (const std::string& c : f.choices) {
    if (s == c) return s;
    names += (names.empty() ? "" : ", ") + c;
  }
  expected(f, v, "one of " + names);
}

std::vector<std::string> list_of(const FieldInfo& f, const json& v) {
  std::vector<std::string> items;
  if (v.is_string() && f.whole_items) return {v.get<std::string>()};
  if (v.is_string()) {
    const std::string& s = v.get_ref<const std::string&>();
    size_t start = 0;
    while (start <= s.size()) {
      const size_t comma = std::min(s.find(',', start), s.size());
      items.push_back(s.substr(start, comma - start));
      start = comma + 1;
    }
    return items;
  }
  if (!v.is_array()) expected(f, v, "a list of names, or names separated by commas");
  for (const json& item : v) {
    if (!item.is_string()) expected(f, item, "a list of names");
    items.push_back(item.get<std::string>());
  }
  return items;
}

bool flag_of(const FieldInfo& f, const json& v) {
  if (!v.is_boolean()) expected(f, v, "true or false");
  return v.get<bool>();
}

void check_names(const std::vector<FieldInfo>& fields, const Inputs& inputs) {
  if (!inputs.is_object()) throw InputError("expected a JSON object of fields, got " + shown(inputs));
  for (const auto& [key, value] : inputs.items()) {
    bool known = false;
    for (const FieldInfo& f : fields) known = known || f.name == key;
    if (known) continue;
    std::string names;
    for (const FieldInfo& f : fields) names += (names.empty() ? "" : ", ") + f.name;
    throw InputError(Field{key}, "not a field of this command (its fields: " + names + ")");
  }
  for (const FieldInfo& f : fields) {
    auto it = inputs.find(f.name);
    if (f.required && (it == inputs.end() || it->is_null()))
      throw InputError(Field{f.name}, "is required (" + f.help + ")");
  }
}

}  // namespace scaleplan::api::detail
