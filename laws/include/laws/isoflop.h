#pragma once
// IsoFLOP profiles: Chinchilla's approach 2 (Hoffmann et al. 2022, Sec. 3.2),
// as used by Llama 3 (Dubey et al. 2024, Sec. 3.2.1) and Porian et al. 2024
// ("Resolving Discrepancies in Compute-Optimal Scaling of Language Models").
//
// Runs are grouped by their training compute C (FLOPs). Within each budget
// the loss is fitted as a parabola in x = ln N,
//   L(x) = c0 + c1 x + c2 x^2,
// to the points near the lowest loss; its vertex x* = -c1/(2 c2) is the
// budget's loss-minimising size N*(C), and L(x*) its loss L*(C). The same
// compute fixes D = C/(k N), so the parabola in ln D has the same vertex.
// Through the minima, by least squares on logs,
//   N*(C) = a C^b,   D*(C) = C/(k N*(C)) = (1/(k a)) C^(1-b),
// and L*(C) = E + A C^-alpha by least squares on L (E profiled on a grid).
// Uncertainty: each budget's points are resampled with replacement, the
// parabola refitted, and each replicate's minima refitted to the frontier;
// 95% intervals are the 2.5 and 97.5 percentiles.

#include <array>
#include <cstdint>
#include <string>
#include <vector>

#include "laws/fit.h"
#include "laws/law.h"
#include "laws/runs.h"
#include "scaleplan/error.h"

namespace scaleplan::laws {

struct IsoflopOptions {
  // Relative width of a compute bin: a run joins the budget of the smallest
  // C in its bin when its C is at most (1 + tolerance) times that. 0: runs
  // share a budget only when their C agree to 1e-6.
  double budget_tolerance = 0;
  // Fit each parabola to the points within this many decades of N of the
  // budget's lowest loss; 0 for every point of the budget. Far points bend
  // the parabola: on Porian et al. 2024's points, 1 decade matches their N*
  // exponents within 0.05 for 10 of 10 set-ups, every point for 7.
  double window_decades = 1;
  int bootstrap = 200;           // resamples for the intervals; 0 for none
  uint64_t seed = 0;             // bootstrap seed
  double flops_per_token = 6.0;  // k in C = k N D

  std::vector<Problem> problems() const;
};

// One compute budget's profile.
struct BudgetFit {
  double flops = 0;       // the budget (geometric mean of its runs' C)
  int points = 0;         // runs in the budget
  int points_fitted = 0;  // of those, within the window around the minimum
  bool used = false;
  std::string skipped_because;       // when not used
  std::array<double, 3> parabola{};  // c0, c1, c2 of L = c0 + c1 ln N + c2 ln^2 N
  // 95% intervals; NaN for a budget of exactly three points (no spread to resample).
  double params_opt = 0, params_ci_low = 0, params_ci_high = 0;
  double tokens_opt = 0, tokens_ci_low = 0, tokens_ci_high = 0;
  double loss_opt = 0;
};

struct IsoflopResult {
  std::vector<BudgetFit> budgets;  // ascending compute
  int budgets_used = 0;
  double flops_per_token = 6.0;
  // N_coef, N_exponent, D_coef, D_exponent, E, A, alpha, then the frontier's
  // N*, D* and D*/N* at 1e21, 1e23, 1e25 FLOPs; NaN spreads without bootstrap.
  std::vector<Estimate> estimates;
  double rmse_log_params = 0;  // scatter of ln N* about the N* power law
  int bootstrap_resamples = 0;
  int bootstrap_failed = 0;                       // replicates with too few valid minima
  std::vector<std::array<double, 5>> replicates;  // {E, A, alpha, N_coef, N_exponent}
  Law law;                                        // form isoflop, with uncertainty when bootstrapped
  std::vector<std::string> warnings;

  const Estimate& estimate(const std::string& name) const;
};

// Throws LawError when no budget has three or more points around an interior
// minimum, when fewer than three budgets do (the L*(C) fit has three
// constants), when the data hold a single budget, or options are bad.
IsoflopResult fit_isoflop(const std::vector<Run>& runs, const IsoflopOptions& options = {});

}  // namespace scaleplan::laws
