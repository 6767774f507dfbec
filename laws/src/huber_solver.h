#pragma once
// The Huber fit of the Chinchilla form in log space (Hoffmann et al. 2022,
// App. D.2), solved by Levenberg-Marquardt with analytic derivatives:
//
//   r_i = LSE(a - alpha log N_i, b - beta log D_i, e) - log L_i
//   cost = sum_i Huber_delta(r_i) = 1/2 sum_i rho_i^2,
//   rho_i = r_i for |r_i| <= delta, sign(r_i) sqrt(2 delta |r_i| - delta^2) beyond
//
// (rho is how Ceres' HuberLoss enters a least-squares solver; same optimum).
// One pass over the points (huber_kernel.h, vectorised) gives the cost
// together with the 5x5 normal equations J'J and J'rho, so no Jacobian is
// stored and every point costs three exps and a log per iteration. The iteration is Ceres' TinySolver's, step
// for step, with one evaluation per iteration instead of two.

#include <Eigen/Core>
#include <array>
#include <limits>
#include <vector>

namespace scaleplan::laws::detail {

struct LogPoint {
  double log_n, log_d, log_l;
};

// Parameter order: a = log A, b = log B, e = log E, alpha, beta.
using Params = std::array<double, 5>;
using Matrix5 = Eigen::Matrix<double, 5, 5>;
using Vector5 = Eigen::Matrix<double, 5, 1>;

class HuberObjective {
 public:
  HuberObjective(const std::vector<LogPoint>& points, double delta);

  // sum_i Huber_delta(r_i) at x; +inf where a residual is not finite.
  double cost(const Params& x) const;
  // The same cost, with J'J and J'rho of the rho residuals at x.
  double normal_equations(const Params& x, Matrix5* jtj, Vector5* jtr) const;
  size_t size() const { return static_cast<size_t>(log_n_.size()); }

 private:
  Eigen::ArrayXd log_n_, log_d_, log_l_;
  double delta_;
};

struct LmOptions {
  int max_iterations = 400;
  double gradient_tolerance = 1e-12;   // max |J'rho| (scaled)
  double parameter_tolerance = 1e-10;  // |dx| relative to |x|
  double function_tolerance = 1e-10;   // absolute change of sum rho^2
  // The lowest cost another start has converged to, and where. A start at
  // or above that cost stops early once its undamped Gauss-Newton step lands
  // in the incumbent's optimum, or predicts a relative decrease below
  // kAbandonDecrease (settled) or below kAbandonGapShare of its gap to the
  // incumbent (by its own local model it cannot close the gap).
  double incumbent = std::numeric_limits<double>::infinity();
  Params incumbent_x{};
};

constexpr double kAbandonDecrease = 1e-6;  // predicted relative decrease
constexpr double kAbandonGapShare = 0.5;   // of the relative gap to the incumbent
constexpr double kJoinBand = 1e-6;         // relative gap counted as the incumbent's optimum

enum class LmStatus {
  kGradient,
  kParameter,
  kCostTiny,
  kIterations,
  kFunction,
  kNotFinite,
  kJoinedIncumbent,
  kWorseThanIncumbent
};
const char* lm_status_message(LmStatus s);

struct LmOutcome {
  Params x{};
  double cost = 0;
  int iterations = 0;
  LmStatus status = LmStatus::kIterations;
};

LmOutcome solve_lm(const HuberObjective& objective, const Params& start, const LmOptions& options = {});

}  // namespace scaleplan::laws::detail
