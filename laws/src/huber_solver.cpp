#include "huber_solver.h"

#include "huber_kernel.h"

#include <Eigen/Cholesky>
#include <algorithm>
#include <cmath>
#include <limits>

namespace scaleplan::laws::detail {

HuberObjective::HuberObjective(const std::vector<LogPoint>& points, double delta)
    : log_n_(points.size()), log_d_(points.size()), log_l_(points.size()), delta_(delta) {
  for (size_t i = 0; i < points.size(); ++i) {
    log_n_[i] = points[i].log_n;
    log_d_[i] = points[i].log_d;
    log_l_[i] = points[i].log_l;
  }
}

double HuberObjective::cost(const Params& x) const {
  return huber_kernel({log_n_.data(), log_d_.data(), log_l_.data(), log_n_.size(), x.data(), delta_}, nullptr,
                      nullptr);
}

double HuberObjective::normal_equations(const Params& x, Matrix5* jtj, Vector5* jtr) const {
  return huber_kernel({log_n_.data(), log_d_.data(), log_l_.data(), log_n_.size(), x.data(), delta_},
                      jtj->data(), jtr->data());
}

const char* lm_status_message(LmStatus s) {
  switch (s) {
    case LmStatus::kGradient:
      return "gradient tolerance reached";
    case LmStatus::kParameter:
      return "parameter tolerance reached";
    case LmStatus::kCostTiny:
      return "cost threshold reached";
    case LmStatus::kIterations:
      return "iteration limit reached";
    case LmStatus::kFunction:
      return "function tolerance reached";
    case LmStatus::kNotFinite:
      return "objective not finite at the start";
    case LmStatus::kJoinedIncumbent:
      return "stopped on reaching the best optimum found";
    case LmStatus::kWorseThanIncumbent:
      return "stopped: by its local model it cannot beat the best found";
  }
  return "unknown";
}

namespace {

// Whether a Gauss-Newton step lands in the incumbent's optimum: within 1%
// of A, B and 0.1% of E, alpha, beta (local optima of this problem lie far
// apart, while the incumbent's valley is shallow along A and B).
bool near(const Vector5& x, const Params& incumbent_x) {
  constexpr double kTolerance[5] = {1e-2, 1e-2, 1e-3, 1e-3, 1e-3};
  for (int k = 0; k < 5; ++k) {
    if (!(std::fabs(x[k] - incumbent_x[k]) <= kTolerance[k])) return false;
  }
  return true;
}

// kIterations to go on, or why a start cannot beat the incumbent (see
// LmOptions::incumbent). In the scaled coordinates the undamped
// Gauss-Newton step is z = (J'J)^-1 g, predicting a decrease of g'z in
// sum rho^2 = 2 cost and landing at x + S z.
LmStatus abandon_status(const Matrix5& jtj, const Vector5& g, const Vector5& scaling, const Vector5& x,
                        double cost, const LmOptions& options) {
  if (!(cost >= options.incumbent)) return LmStatus::kIterations;
  const Eigen::LDLT<Matrix5> ldlt(jtj);
  if (ldlt.info() != Eigen::Success || !ldlt.isPositive()) return LmStatus::kIterations;
  const Vector5 z = ldlt.solve(g);
  if (near(x + scaling.asDiagonal() * z, options.incumbent_x)) return LmStatus::kJoinedIncumbent;
  const double gap = (cost - options.incumbent) / cost;
  const double predicted = g.dot(z) / (2 * cost);
  if (!(predicted >= 0 && predicted < std::max(kAbandonDecrease, kAbandonGapShare * gap))) {
    return LmStatus::kIterations;
  }
  return gap <= kJoinBand ? LmStatus::kJoinedIncumbent : LmStatus::kWorseThanIncumbent;
}

// J^T J and the descent direction in the scaled coordinates.
inline void scale_normal_equations(const Vector5& scaling, const Matrix5& jtj_raw, const Vector5& jtr_raw,
                                   Matrix5& jtj, Vector5& g) {
  jtj = scaling.asDiagonal() * jtj_raw * scaling.asDiagonal();
  g = -(scaling.asDiagonal() * jtr_raw);
}

// TinySolver's convergence tests on the gradient and the cost; kIterations
// when neither holds.
inline LmStatus converged_status(const Vector5& g, double cost, const LmOptions& options) {
  constexpr double kCostThreshold = std::numeric_limits<double>::epsilon();
  if (g.cwiseAbs().maxCoeff() < options.gradient_tolerance) return LmStatus::kGradient;
  if (cost < kCostThreshold) return LmStatus::kCostTiny;
  return LmStatus::kIterations;
}

// The step of the damped normal equations, in scaled coordinates, with
// TinySolver's clamp on the diagonal.
inline Vector5 damped_step(const Matrix5& jtj, const Vector5& g, double u, Eigen::LDLT<Matrix5>& ldlt) {
  Matrix5 regularised = jtj;
  for (int i = 0; i < 5; ++i) regularised(i, i) += u * std::clamp(jtj(i, i), 1e-6, 1e32);
  ldlt.compute(regularised);
  return ldlt.solve(g);
}

// The cost, the Jacobi scaling (fixed from here on) and the scaled normal
// equations at the start point; false when the search ends there, with
// out.status saying why.
bool start_search(const HuberObjective& objective, const LmOptions& options, LmOutcome& out, Vector5& scaling,
                  Matrix5& jtj_raw, Vector5& jtr_raw, Matrix5& jtj, Vector5& g) {
  out.cost = objective.normal_equations(out.x, &jtj_raw, &jtr_raw);
  if (!std::isfinite(out.cost)) {
    out.status = LmStatus::kNotFinite;
    return false;
  }
  scaling = (1.0 + jtj_raw.diagonal().array().sqrt()).inverse().matrix();
  scale_normal_equations(scaling, jtj_raw, jtr_raw, jtj, g);
  out.status = converged_status(g, out.cost, options);
  return out.status == LmStatus::kIterations;
}

}  // namespace

// Ceres' TinySolver (tiny_solver.h, Levenberg-Marquardt with Nielsen's
// damping update and Jacobi scaling fixed at the start), except that the
// trial point's evaluation already carries the normal equations used when
// the step is accepted.
LmOutcome solve_lm(const HuberObjective& objective, const Params& start, const LmOptions& options) {
  using Vector = Vector5;
  LmOutcome out;
  Eigen::Map<Vector> x(out.x.data());
  x = Eigen::Map<const Vector>(start.data());

  Matrix5 jtj_raw, jtj;
  Vector jtr_raw, g, scaling;
  if (!start_search(objective, options, out, scaling, jtj_raw, jtr_raw, jtj, g)) return out;
  double cost = out.cost;

  double u = 1.0 / 1e4, v = 2;  // 1 / initial trust-region radius
  Eigen::LDLT<Matrix5> ldlt;
  Params x_new;
  for (out.iterations = 1; out.iterations < options.max_iterations; ++out.iterations) {
    const Vector step = damped_step(jtj, g, u, ldlt);
    const Vector dx = scaling.asDiagonal() * step;
    if (dx.norm() < options.parameter_tolerance * (x.norm() + options.parameter_tolerance)) {
      out.status = LmStatus::kParameter;
      break;
    }
    Eigen::Map<Vector>(x_new.data()) = x + dx;
    const double cost_new = objective.normal_equations(x_new, &jtj_raw, &jtr_raw);
    const double cost_change = 2 * (cost - cost_new);
    const double rho = cost_change / step.dot(2 * g - jtj * step);  // NaN for a non-finite trial: rejected
    if (rho > 0) {
      out.x = x_new;
      out.cost = cost = cost_new;
    }
    if (std::fabs(cost_change) < options.function_tolerance) {
      out.status = LmStatus::kFunction;
      break;
    }
    if (!(rho > 0)) {
      u *= v;
      v *= 2;
      continue;
    }
    scale_normal_equations(scaling, jtj_raw, jtr_raw, jtj, g);
    if (out.status = converged_status(g, cost, options); out.status != LmStatus::kIterations) break;
    if (out.status = abandon_status(jtj, g, scaling, x, cost, options); out.status != LmStatus::kIterations)
      break;
    const double t = 2 * rho - 1;
    u *= std::max(1 / 3.0, 1 - t * t * t);
    v = 2;
  }
  return out;
}

}  // namespace scaleplan::laws::detail
