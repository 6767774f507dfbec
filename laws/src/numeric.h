#pragma once
// One-dimensional solvers for the laws without closed forms. Both work on
// x = log(value), where the laws are smooth and the ranges span decades.

#include <cmath>
#include <functional>

namespace scaleplan::laws::detail {

// Minimises f on [lo, hi]: a coarse scan finds the best cell (guarding
// against a shallow second basin), golden-section search refines it.
inline double minimize(const std::function<double(double)>& f, double lo, double hi) {
  constexpr int kScan = 96;
  int best = 0;
  double best_value = INFINITY;
  for (int i = 0; i <= kScan; ++i) {
    const double v = f(lo + (hi - lo) * i / kScan);
    if (v < best_value) best_value = v, best = i;
  }
  const double step = (hi - lo) / kScan;
  double a = lo + step * (best > 0 ? best - 1 : 0);
  double b = lo + step * (best < kScan ? best + 1 : kScan);
  const double inv_phi = (std::sqrt(5.0) - 1.0) / 2.0;
  double c = b - inv_phi * (b - a), d = a + inv_phi * (b - a);
  double fc = f(c), fd = f(d);
  for (int i = 0; i < 200 && b - a > 1e-13 * (1.0 + std::fabs(a)); ++i) {
    if (fc < fd) {
      b = d, d = c, fd = fc;
      c = b - inv_phi * (b - a), fc = f(c);
    } else {
      a = c, c = d, fc = fd;
      d = a + inv_phi * (b - a), fd = f(d);
    }
  }
  return 0.5 * (a + b);
}

// Finds x in [lo, hi] with f(x) = 0 for f increasing on the interval and
// of opposite signs at its ends (the caller checks the bracket).
inline double solve_increasing(const std::function<double(double)>& f, double lo, double hi) {
  for (int i = 0; i < 200 && hi - lo > 1e-14 * (1.0 + std::fabs(lo)); ++i) {
    const double mid = 0.5 * (lo + hi);
    (f(mid) < 0 ? lo : hi) = mid;
  }
  return 0.5 * (lo + hi);
}

}  // namespace scaleplan::laws::detail
