#include "systems/gpu_count.h"

#include <algorithm>
#include <cmath>

#include "systems/constants.h"

namespace scaleplan::planner {

int gpu_count_at_least(double gpus) {
  const double n = std::max(1.0, std::ceil(gpus));
  constexpr double kMostGpus = 1 << 30;
  if (!(n <= kMostGpus)) return static_cast<int>(kMostGpus);
  if (n <= kGpusPerNode) return static_cast<int>(n);
  return static_cast<int>(std::ceil(n / kGpusPerNode) * kGpusPerNode);
}

int next_gpu_count(int gpus) { return gpu_count_at_least(gpus + 1.0); }

std::string gpu_count_rule() {
  const std::string node = std::to_string(kGpusPerNode);
  return "whole " + node + "-GPU nodes past " + node;
}

}  // namespace scaleplan::planner
