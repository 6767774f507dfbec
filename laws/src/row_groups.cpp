#include "laws/row_groups.h"

#include <charconv>
#include <map>

#include "laws/law.h"

namespace scaleplan::laws {

namespace {

int column_or_throw(const CsvTable& t, const std::string& name, const std::string& field) {
  for (size_t i = 0; i < t.header.size(); ++i) {
    if (t.header[i] == name) return static_cast<int>(i);
  }
  const int i = t.find_column({name});
  if (i >= 0) return i;
  std::string found;
  for (const auto& h : t.header) found += (found.empty() ? "'" : ", '") + h + "'";
  throw LawError(Field{field}, t.origin + " has no column '" + name + "' (columns found: " + found + ")");
}

bool as_number(const std::string& s, double& v) {
  const char* end = s.data() + s.size();
  auto [p, ec] = std::from_chars(s.data(), end, v);
  return ec == std::errc() && p == end && !s.empty();
}

bool same_value(const std::string& cell, const std::string& want) {
  if (cell == want) return true;
  double a = 0, b = 0;
  return as_number(cell, a) && as_number(want, b) && a == b;
}

}  // namespace

RowCondition parse_condition(const std::string& text, const std::string& field) {
  const auto eq = text.find('=');
  if (eq == std::string::npos || eq == 0) {
    throw LawError(Field{field}, "'" + text + "' is not COLUMN=VALUE");
  }
  return {text.substr(0, eq), text.substr(eq + 1)};
}

std::vector<RowGroup> select_and_group(const CsvTable& t, const std::vector<RowCondition>& where,
                                       const std::vector<std::string>& group_by) {
  std::vector<int> where_cols, group_cols;
  for (const RowCondition& c : where) where_cols.push_back(column_or_throw(t, c.column, "where"));
  for (const std::string& g : group_by) group_cols.push_back(column_or_throw(t, g, "group_by"));

  std::vector<RowGroup> out;
  std::map<std::string, size_t> index;
  for (size_t r = 0; r < t.rows.size(); ++r) {
    bool keep = true;
    for (size_t i = 0; i < where.size() && keep; ++i)
      keep = same_value(t.rows[r][where_cols[i]], where[i].value);
    if (!keep) continue;
    std::string label;
    for (size_t i = 0; i < group_cols.size(); ++i) {
      label += (i ? ", " : "") + t.header[group_cols[i]] + "=" + t.rows[r][group_cols[i]];
    }
    auto [it, fresh] = index.emplace(label, out.size());
    if (fresh) out.push_back({label, CsvTable{t.origin, t.header, {}, {}}});
    out[it->second].table.rows.push_back(t.rows[r]);
    out[it->second].table.line_numbers.push_back(t.line_numbers[r]);
  }
  // An empty table without conditions is the fit's to refuse, with its own words.
  if (out.empty() && where.empty()) out.push_back({"", CsvTable{t.origin, t.header, {}, {}}});
  if (out.empty()) {
    std::string conds;
    for (const RowCondition& c : where) conds += (conds.empty() ? "" : " and ") + c.column + "=" + c.value;
    throw LawError(Field{"where"}, conds + " selects none of the " + std::to_string(t.rows.size()) +
                                       " rows of " + t.origin + "; expected at least one matching row");
  }
  return out;
}

}  // namespace scaleplan::laws
