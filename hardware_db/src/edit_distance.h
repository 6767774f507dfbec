#pragma once
#include <string>
#include <vector>

namespace scaleplan::hardware_db::detail {

// Levenshtein distance, case-insensitive.
int edit_distance(const std::string& a, const std::string& b);

// Up to three candidates closest to `query`, nearest first, within a
// distance that scales with the query's length.
std::vector<std::string> suggestions(const std::string& query, const std::vector<std::string>& candidates);

}  // namespace scaleplan::hardware_db::detail
