#pragma once
// The quantile the bootstrap intervals of the fits and of the plan use.

#include <algorithm>
#include <vector>

namespace scaleplan::laws {

// The q-quantile of v, interpolating linearly between order statistics
// (numpy's default); v must not be empty.
inline double percentile(std::vector<double> v, double q) {
  std::sort(v.begin(), v.end());
  const double pos = q * (v.size() - 1);
  const size_t i = static_cast<size_t>(pos);
  if (i + 1 >= v.size()) return v.back();
  return v[i] + (pos - i) * (v[i + 1] - v[i]);
}

}  // namespace scaleplan::laws
