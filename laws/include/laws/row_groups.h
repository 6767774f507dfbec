#pragma once
// Selecting and grouping the rows of a runs table before a fit: files such
// as Porian et al. 2024's hold several training set-ups (dataset x
// hyper-parameters x schedule) that must not be pooled into one law.

#include <string>
#include <utility>
#include <vector>

#include "laws/csv.h"

namespace scaleplan::laws {

// Keep rows whose cell in `column` equals `value` (text, trimmed; or equal
// as numbers when both parse).
struct RowCondition {
  std::string column, value;
};

// "COL=VALUE"; throws LawError in `field` when it is not that shape.
RowCondition parse_condition(const std::string& text, const std::string& field);

struct RowGroup {
  std::string label;  // "col=value, col=value"; "" without grouping
  CsvTable table;
};

// The rows meeting every condition, split by the distinct values of the
// `group_by` columns (in order of first appearance). Throws LawError for a
// column the table lacks (listing those it has) or when nothing is selected.
std::vector<RowGroup> select_and_group(const CsvTable& table, const std::vector<RowCondition>& where,
                                       const std::vector<std::string>& group_by);

}  // namespace scaleplan::laws
