#pragma once
// Fitting the Chinchilla form L(N, D) = E + A/N^alpha + B/D^beta to
// training runs.
//
// Estimator `huber` (Hoffmann et al. 2022, App. D.2; Besiroglu et al. 2024):
//   minimise  sum_i Huber_delta( LSE(a - alpha log N_i, b - beta log D_i, e) - log L_i )
//   with A = e^a, B = e^b, E = e^e, delta = 1e-3, from each point of the grid
//   alpha, beta in {0, 0.5, ..., 2}, e in {-1, -0.5, ..., 1},
//   a, b in {0, 5, ..., 25} (4,500 starts); the lowest final cost wins.
// Estimator `huber_mle` (Besiroglu et al. 2024, App. B): residuals are
//   Huber-distributed with scale s = e^sigma, and the fit maximises
//   sum_i log p(r_i), log p(x) = -Huber_delta(x/s) - log Z(delta) - log s,
//   Z(delta) = sqrt(2 pi) (1 - 2 Phi_bar(delta)) + 2 e^(-delta^2/2)/delta,
//   started from hoffmann2022-unrounded with sigma = 0.
// Uncertainty: a nonparametric bootstrap (resampling points with
// replacement), each replicate refitted from the point estimate.
//
// Huber_delta(r) = r^2/2 for |r| <= delta, delta (|r| - delta/2) beyond.

#include <array>
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "laws/law.h"
#include "laws/runs.h"
#include "scaleplan/error.h"

namespace scaleplan::laws {

enum class Estimator { kHuber, kHuberMle };
const char* estimator_name(Estimator e);
Estimator estimator_from_name(const std::string& name);  // throws LawError

struct FitOptions {
  Estimator estimator = Estimator::kHuber;
  double huber_delta = 1e-3;  // Hoffmann et al. 2022, App. D.2
  int bootstrap = 0;          // resamples; 0 for none
  uint64_t seed = 0;          // bootstrap seed; results do not depend on threads
  int threads = 0;            // worker threads; 0 for every core
  // Run every start of the grid to convergence. Without it, the objective
  // is evaluated at every start and the 200 best plus 100 spread over the
  // grid are run (same optimum on the Chinchilla points, ~15x faster).
  // Either way, data of more than 4,096 points are searched on a strided
  // subsample of 4,096 and the best distinct optima refined on all points.
  bool full_grid = false;
  // Called on the calling thread as work completes: stage ("grid" or
  // "bootstrap"), done, total.
  std::function<void(const char*, int, int)> progress;

  std::vector<Problem> problems() const;
};

// One estimated quantity with its bootstrap spread.
struct Estimate {
  std::string name;
  double value = 0;
  double standard_error = 0;  // NaN without bootstrap
  double ci_low = 0, ci_high = 0;
};

struct FitResult {
  Law law;           // chinchilla form with the fitted E, A, B, alpha, beta
  double sigma = 0;  // log residual scale (huber_mle only)
  Estimator estimator = Estimator::kHuber;
  double huber_delta = 0;
  bool converged = false;
  std::string stop_reason;    // Ceres' message for the winning start
  double cost = 0;            // Huber sum at the optimum (both estimators)
  double log_likelihood = 0;  // huber_mle only
  int iterations = 0;
  int starts = 0;                 // grid points considered
  int starts_run = 0;             // starts run to convergence
  int starts_at_best = 0;         // of those, the ones within 1e-6 (relative) of the best cost
  int starts_not_converged = 0;   // hit the iteration limit
  int starts_abandoned = 0;       // stopped early, unable to beat the best found so far
  int search_points = 0;          // points the grid starts ran on (a subsample of large data)
  double rmse_log = 0;            // RMS of the log residuals
  std::vector<double> residuals;  // log L_pred - log L_obs, per point
  std::vector<std::string> warnings;

  int bootstrap_resamples = 0;
  int bootstrap_failed = 0;  // replicates that did not converge to finite values
  // E, A, B, alpha, beta, then derived a, b, G and D/N at 1e21, 1e23, 1e25 FLOPs.
  std::vector<Estimate> estimates;
  std::vector<std::array<double, 5>> replicates;  // {E, A, B, alpha, beta}
};

// Throws LawError when the data cannot identify the law (fewer than 10
// points, a single model size or a single token count) or options are bad.
FitResult fit_law(const std::vector<Run>& runs, const FitOptions& options = {});

// The Hoffmann grid of starting points {a, b, e, alpha, beta}.
std::vector<std::array<double, 5>> hoffmann_start_grid();

}  // namespace scaleplan::laws
