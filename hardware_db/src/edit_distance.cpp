#include "edit_distance.h"

#include <algorithm>
#include <cctype>
#include <cstdlib>

namespace scaleplan::hardware_db::detail {

namespace {
std::string lower_ascii(std::string s) {
  for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}
}  // namespace

int edit_distance(const std::string& a, const std::string& b) {
  std::vector<int> row(b.size() + 1);
  for (size_t j = 0; j <= b.size(); ++j) row[j] = static_cast<int>(j);
  for (size_t i = 1; i <= a.size(); ++i) {
    int diag = row[0];
    row[0] = static_cast<int>(i);
    for (size_t j = 1; j <= b.size(); ++j) {
      const int up = row[j];
      const bool same = std::tolower(static_cast<unsigned char>(a[i - 1])) ==
                        std::tolower(static_cast<unsigned char>(b[j - 1]));
      row[j] = std::min({row[j] + 1, row[j - 1] + 1, diag + (same ? 0 : 1)});
      diag = up;
    }
  }
  return row[b.size()];
}

std::vector<std::string> suggestions(const std::string& query, const std::vector<std::string>& candidates) {
  const int limit = std::max(2, static_cast<int>(query.size()) / 3);
  std::vector<std::pair<int, std::string>> scored;
  const std::string q = lower_ascii(query);
  for (const std::string& c : candidates) {
    const std::string lc = lower_ascii(c);
    // Same family first: a candidate the query starts, or one that starts
    // the query ("h100" -> h100-sxm5-80gb before b200, one edit away).
    if (!q.empty() && (lc.rfind(q, 0) == 0 || q.rfind(lc, 0) == 0)) {
      scored.emplace_back(-1, c);
      continue;
    }
    // The distance is at least the difference in length: a 60 KB --region
    // is measured against no name, where it took 0.7 s against them all.
    const int length_gap = static_cast<int>(q.size()) - static_cast<int>(lc.size());
    if (std::abs(length_gap) > limit) continue;
    const int d = edit_distance(query, c);
    if (d <= limit) scored.emplace_back(d, c);
  }
  std::stable_sort(scored.begin(), scored.end(),
                   [](const auto& x, const auto& y) { return x.first < y.first; });
  std::vector<std::string> out;
  for (const auto& [d, c] : scored) {
    if (std::find(out.begin(), out.end(), c) == out.end()) out.push_back(c);
    if (out.size() == 3) break;
  }
  return out;
}

}  // namespace scaleplan::hardware_db::detail
