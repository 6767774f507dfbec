#include "laws/fit.h"

#include <ceres/ceres.h>
#include <ceres/tiny_solver.h>

#include <algorithm>
#include <cmath>
#include <memory>
#include <numeric>
#include <set>

#include "parallel.h"

namespace scaleplan::laws {

namespace {

struct Point {
  double log_n, log_d, log_l;
};

// Parameter order everywhere in this file: a, b, e, alpha, beta [, sigma].
constexpr int kA = 0, kB = 1, kE = 2, kAlpha = 3, kBeta = 4;
constexpr int kSigma = 5;

// r = LSE(a - alpha log N, b - beta log D, e) - log L, and the softmax
// weights of the three terms, which are its gradient in (a, b, e).
struct Lse {
  double r, w1, w2, w3;
};

Lse lse(const double* x, const Point& p) {
  const double t1 = x[kA] - x[kAlpha] * p.log_n;
  const double t2 = x[kB] - x[kBeta] * p.log_d;
  const double t3 = x[kE];
  const double m = std::max({t1, t2, t3});
  const double w1 = std::exp(t1 - m), w2 = std::exp(t2 - m), w3 = std::exp(t3 - m);
  const double s = w1 + w2 + w3;
  return {m + std::log(s) - p.log_l, w1 / s, w2 / s, w3 / s};
}

double lse_residual(const double* x, const Point& p) { return lse(x, p).r; }

double huber(double r, double delta) {
  const double a = std::fabs(r);
  return a <= delta ? 0.5 * r * r : delta * (a - 0.5 * delta);
}

double huber_sum(const double* x, const std::vector<Point>& points, double delta) {
  double total = 0;
  for (const Point& p : points) total += huber(lse_residual(x, p), delta);
  return total;
}

// The robust problem as plain least squares for ceres::TinySolver, which
// has no per-solve set-up cost (4,500 starts make that matter). Each
// residual is rewritten as rho(r) = sign(r) sqrt(2 Huber_delta(r)), so that
// 1/2 sum rho^2 = sum Huber_delta(r): the same objective as Ceres'
// HuberLoss(delta), and the same Gauss-Newton model inside |r| <= delta.
struct HuberResiduals {
  using Scalar = double;
  enum { NUM_RESIDUALS = Eigen::Dynamic, NUM_PARAMETERS = 5 };

  const std::vector<Point>* points;
  double delta;

  int NumResiduals() const { return static_cast<int>(points->size()); }

  bool operator()(const double* x, double* residuals, double* jacobian) const {
    const int n = NumResiduals();
    for (int i = 0; i < n; ++i) {
      const Point& p = (*points)[i];
      const Lse l = lse(x, p);
      const double r = l.r;
      const double ar = std::fabs(r);
      double rho = r, scale = 1;
      if (ar > delta) {
        rho = std::copysign(std::sqrt(2 * delta * ar - delta * delta), r);
        scale = delta / std::fabs(rho);  // d rho / d r
      }
      residuals[i] = rho;
      if (jacobian != nullptr) {
        jacobian[i + kA * n] = scale * l.w1;
        jacobian[i + kB * n] = scale * l.w2;
        jacobian[i + kE * n] = scale * l.w3;
        jacobian[i + kAlpha * n] = -scale * l.w1 * p.log_n;
        jacobian[i + kBeta * n] = -scale * l.w2 * p.log_d;
      }
      if (!std::isfinite(rho)) return false;
    }
    return true;
  }
};

struct HuberOutcome {
  std::array<double, 5> x;
  double cost;
  int iterations;
  bool usable;
  bool converged;
  std::string message;
};

HuberOutcome solve_huber(const std::vector<Point>& points, double delta,
                         const std::array<double, 5>& start, int max_iterations = 400) {
  HuberResiduals f{&points, delta};
  ceres::TinySolver<HuberResiduals> solver;
  solver.options.max_num_iterations = max_iterations;
  solver.options.gradient_tolerance = 1e-12;
  solver.options.parameter_tolerance = 1e-10;
  solver.options.function_tolerance = 1e-10;
  Eigen::Matrix<double, 5, 1> x(start.data());
  const auto summary = solver.Solve(f, &x);
  HuberOutcome o;
  for (int k = 0; k < 5; ++k) o.x[k] = x[k];
  o.cost = summary.final_cost;
  o.iterations = summary.iterations;
  o.usable = std::isfinite(o.cost) &&
             std::all_of(o.x.begin(), o.x.end(), [](double v) { return std::isfinite(v); });
  // In the order of TinySolver's Status enum.
  static const char* const kStatus[] = {"gradient tolerance reached", "parameter tolerance reached",
                                        "cost threshold reached", "iteration limit reached",
                                        "function tolerance reached"};
  const int status = static_cast<int>(summary.status);
  o.message = status >= 0 && status < 5 ? kStatus[status] : "unknown";
  o.converged = status != 3;
  return o;
}

// log Z(delta) of the Huber density (Besiroglu et al. 2024, App. B).
double log_huber_normaliser(double delta) {
  const double tail = 0.5 * std::erfc(delta / std::sqrt(2.0));
  return std::log(std::sqrt(2 * M_PI) * (1 - 2 * tail) + 2 * std::exp(-delta * delta / 2) / delta);
}

// Negative log-likelihood of the Huber-distributed log residuals.
struct HuberNll {
  const std::vector<Point>* points;
  double delta, log_z;

  template <typename T>
  bool operator()(const T* x, T* cost) const {
    using std::abs;
    using std::exp;
    using std::log;
    const T s = exp(x[kSigma]);
    T total(0.0);
    for (const Point& p : *points) {
      const T t1 = x[kA] - x[kAlpha] * p.log_n;
      const T t2 = x[kB] - x[kBeta] * p.log_d;
      const T t3 = x[kE];
      T m = t1;
      if (t2 > m) m = t2;
      if (t3 > m) m = t3;
      const T r = (m + log(exp(t1 - m) + exp(t2 - m) + exp(t3 - m)) - p.log_l) / s;
      const T ar = abs(r);
      total += ar <= T(delta) ? T(0.5) * r * r : T(delta) * (ar - T(0.5 * delta));
    }
    cost[0] = total + static_cast<double>(points->size()) * (x[kSigma] + T(log_z));
    return true;
  }
};

struct MleOutcome {
  std::array<double, 6> x;
  double nll;
  int iterations;
  bool usable;
  std::string message;
};

MleOutcome solve_mle(const std::vector<Point>& points, double delta, const std::array<double, 6>& start) {
  auto* fn = new ceres::AutoDiffFirstOrderFunction<HuberNll, 6>(
      new HuberNll{&points, delta, log_huber_normaliser(delta)});
  ceres::GradientProblem problem(fn);
  ceres::GradientProblemSolver::Options opts;
  opts.logging_type = ceres::SILENT;
  opts.max_num_iterations = 2000;
  opts.function_tolerance = 1e-15;
  opts.gradient_tolerance = 1e-12;
  opts.parameter_tolerance = 1e-14;
  MleOutcome o;
  o.x = start;
  ceres::GradientProblemSolver::Summary summary;
  ceres::Solve(opts, problem, o.x.data(), &summary);
  o.nll = summary.final_cost;
  o.iterations = static_cast<int>(summary.iterations.size()) - 1;
  o.usable = summary.IsSolutionUsable() && std::isfinite(o.nll) &&
             std::all_of(o.x.begin(), o.x.end(), [](double v) { return std::isfinite(v); });
  o.message = summary.message;
  return o;
}

std::vector<Point> to_points(const std::vector<Run>& runs) {
  std::vector<Point> out;
  out.reserve(runs.size());
  for (const Run& r : runs) out.push_back({std::log(r.params), std::log(r.tokens), std::log(r.loss)});
  return out;
}

void check_identifiable(const std::vector<Run>& runs) {
  if (runs.size() < 10) {
    throw LawError("fit: " + std::to_string(runs.size()) +
                   " usable points; expected at least 10 to fit 5 parameters");
  }
  std::set<double> sizes, tokens;
  for (const Run& r : runs) sizes.insert(r.params), tokens.insert(r.tokens);
  if (sizes.size() < 2) {
    throw LawError("fit: every run has the same model size, so alpha (how loss falls with N) "
                   "cannot be determined; expected runs of at least 2 (better 5+) sizes");
  }
  if (tokens.size() < 2) {
    throw LawError("fit: every run has the same token count, so beta (how loss falls with D) "
                   "cannot be determined; expected runs of at least 2 token counts");
  }
}

// splitmix64: a fixed, portable generator so a seed gives the same
// resamples on every platform and thread count.
uint64_t splitmix64(uint64_t& state) {
  uint64_t z = (state += 0x9E3779B97F4A7C15ull);
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
  return z ^ (z >> 31);
}

std::vector<Point> resample(const std::vector<Point>& points, uint64_t seed, int replicate) {
  uint64_t state = seed ^ (0xD1B54A32D192ED03ull * static_cast<uint64_t>(replicate + 1));
  std::vector<Point> out(points.size());
  for (Point& p : out) {
    // The modulo bias for n points is below n / 2^64: negligible.
    const auto draw = static_cast<size_t>(splitmix64(state) % points.size());
    p = points[draw];
  }
  return out;
}

std::array<double, 5> to_law_order(const double* x) {
  return {std::exp(x[kE]), std::exp(x[kA]), std::exp(x[kB]), x[kAlpha], x[kBeta]};
}

// Parameters then derived quantities, from {E, A, B, alpha, beta}.
std::vector<double> quantities(const std::array<double, 5>& p) {
  Law law;
  law.E = p[0], law.A = p[1], law.B = p[2], law.alpha = p[3], law.beta = p[4];
  const double g = allocation_constant(law);
  const double a = law.beta / (law.alpha + law.beta), b = law.alpha / (law.alpha + law.beta);
  std::vector<double> out(p.begin(), p.end());
  out.push_back(a);
  out.push_back(b);
  out.push_back(g);
  for (double c : {1e21, 1e23, 1e25}) out.push_back(std::pow(c / 6, b - a) / (g * g));
  return out;
}

const char* const kQuantityNames[] = {"E", "A", "B", "alpha", "beta", "a", "b", "G",
                                      "tokens_per_param_1e21", "tokens_per_param_1e23",
                                      "tokens_per_param_1e25"};

double percentile(std::vector<double> v, double q) {
  std::sort(v.begin(), v.end());
  const double pos = q * (v.size() - 1);
  const size_t i = static_cast<size_t>(pos);
  if (i + 1 >= v.size()) return v.back();
  return v[i] + (pos - i) * (v[i + 1] - v[i]);
}

void summarise(FitResult& r) {
  const auto point = quantities({r.law.E, r.law.A, r.law.B, r.law.alpha, r.law.beta});
  std::vector<std::vector<double>> columns(point.size());
  for (const auto& rep : r.replicates) {
    const auto q = quantities(rep);
    for (size_t k = 0; k < q.size(); ++k) columns[k].push_back(q[k]);
  }
  r.estimates.clear();
  for (size_t k = 0; k < point.size(); ++k) {
    Estimate e{kQuantityNames[k], point[k], NAN, NAN, NAN};
    const auto& c = columns[k];
    if (c.size() >= 2) {
      const double mean = std::accumulate(c.begin(), c.end(), 0.0) / c.size();
      double ss = 0;
      for (double v : c) ss += (v - mean) * (v - mean);
      e.standard_error = std::sqrt(ss / (c.size() - 1));
      e.ci_low = percentile(c, 0.025);
      e.ci_high = percentile(c, 0.975);
    }
    r.estimates.push_back(e);
  }
}

void warn_at_grid_edges(FitResult& r, const double* x) {
  struct Edge {
    const char* name;
    int index;
    double lo, hi;
  } edges[] = {{"a = log A", kA, 0, 25}, {"b = log B", kB, 0, 25}, {"e = log E", kE, -1, 1},
               {"alpha", kAlpha, 0, 2}, {"beta", kBeta, 0, 2}};
  for (const Edge& e : edges) {
    if (x[e.index] <= e.lo || x[e.index] >= e.hi) {
      char buf[200];
      std::snprintf(buf, sizeof buf,
                    "%s = %.4g ends at or beyond the edge of the start grid [%g, %g]; "
                    "the optimum may lie outside the searched region",
                    e.name, x[e.index], e.lo, e.hi);
      r.warnings.push_back(buf);
    }
  }
}

// Which grid starts to run to convergence. The full grid runs all of them.
// The default evaluates the objective at every start (cheap), then runs the
// kScreened lowest-cost starts plus an evenly spaced sample of the rest, so
// every region of the grid is still tried. On the Chinchilla points every
// one of the 200 lowest-cost starts reaches the full grid's optimum (a
// test checks the two agree).
std::vector<int> starts_to_run(const std::vector<std::array<double, 5>>& grid,
                               const std::vector<Point>& points, double delta, bool full_grid) {
  std::vector<int> order(grid.size());
  std::iota(order.begin(), order.end(), 0);
  if (full_grid) return order;
  constexpr size_t kScreened = 200, kSpread = 100;
  std::vector<double> cost(grid.size());
  for (size_t i = 0; i < grid.size(); ++i) {
    const double c = huber_sum(grid[i].data(), points, delta);
    cost[i] = std::isfinite(c) ? c : HUGE_VAL;
  }
  std::stable_sort(order.begin(), order.end(), [&](int x, int y) { return cost[x] < cost[y]; });
  std::vector<char> taken(grid.size(), 0);
  std::vector<int> out;
  for (size_t i = 0; i < std::min(kScreened, order.size()); ++i) taken[order[i]] = 1;
  for (size_t i = 0; i < grid.size(); i += grid.size() / kSpread) taken[i] = 1;
  for (size_t i = 0; i < grid.size(); ++i) {
    if (taken[i]) out.push_back(static_cast<int>(i));
  }
  return out;
}

}  // namespace

const char* estimator_name(Estimator e) { return e == Estimator::kHuber ? "huber" : "huber-mle"; }

Estimator estimator_from_name(const std::string& name) {
  if (name == "huber") return Estimator::kHuber;
  if (name == "huber-mle") return Estimator::kHuberMle;
  throw LawError("--estimator: '" + name + "' is not an estimator (expected huber or huber-mle)");
}

std::vector<std::string> FitOptions::problems() const {
  std::vector<std::string> out;
  if (!(huber_delta > 0) || !std::isfinite(huber_delta)) {
    out.push_back("--huber-delta: " + std::to_string(huber_delta) + " must be a positive number");
  }
  if (bootstrap < 0) out.push_back("--bootstrap: " + std::to_string(bootstrap) + " must be >= 0");
  if (threads < 0) out.push_back("--threads: " + std::to_string(threads) + " must be >= 0");
  return out;
}

std::vector<std::array<double, 5>> hoffmann_start_grid() {
  std::vector<std::array<double, 5>> grid;
  for (int ia = 0; ia <= 5; ++ia)
    for (int ib = 0; ib <= 5; ++ib)
      for (int ie = 0; ie <= 4; ++ie)
        for (int ial = 0; ial <= 4; ++ial)
          for (int ibe = 0; ibe <= 4; ++ibe)
            grid.push_back({5.0 * ia, 5.0 * ib, -1 + 0.5 * ie, 0.5 * ial, 0.5 * ibe});
  return grid;
}

FitResult fit_law(const std::vector<Run>& runs, const FitOptions& options) {
  if (auto p = options.problems(); !p.empty()) throw LawError(p.front());
  check_identifiable(runs);
  const std::vector<Point> points = to_points(runs);
  const double delta = options.huber_delta;
  const int threads = detail::resolve_threads(options.threads);

  FitResult r;
  r.estimator = options.estimator;
  r.huber_delta = delta;
  double best_x[6] = {0, 0, 0, 0, 0, 0};

  if (options.estimator == Estimator::kHuber) {
    const auto grid = hoffmann_start_grid();
    const std::vector<int> chosen = starts_to_run(grid, points, delta, options.full_grid);
    std::vector<HuberOutcome> outcomes(chosen.size());
    detail::parallel_for(
        static_cast<int>(chosen.size()), threads,
        [&](int i, int) { outcomes[i] = solve_huber(points, delta, grid[chosen[i]]); },
        [&](int done) {
          if (options.progress) options.progress("grid", done, static_cast<int>(chosen.size()));
        });
    // Lowest cost wins; ties go to the earlier start, whatever the threads.
    int best = -1;
    for (size_t i = 0; i < outcomes.size(); ++i) {
      if (outcomes[i].usable && (best < 0 || outcomes[i].cost < outcomes[best].cost)) best = static_cast<int>(i);
      if (!outcomes[i].converged) ++r.starts_not_converged;
    }
    if (best < 0) throw LawError("fit: no start of the grid converged to finite parameters");
    const auto& o = outcomes[best];
    for (const auto& other : outcomes) {
      if (other.usable && other.cost <= o.cost * (1 + 1e-6)) ++r.starts_at_best;
    }
    std::copy(o.x.begin(), o.x.end(), best_x);
    r.starts = static_cast<int>(grid.size());
    r.starts_run = static_cast<int>(chosen.size());
    r.iterations = o.iterations;
    r.stop_reason = o.message;
    r.converged = o.converged;
    warn_at_grid_edges(r, best_x);
  } else {
    // Besiroglu et al. start from Hoffmann et al.'s unrounded estimate.
    const std::array<double, 6> start = {std::log(406.401), std::log(410.723), std::log(1.69337),
                                         0.33917084, 0.2849083, 0.0};
    const MleOutcome o = solve_mle(points, delta, start);
    if (!o.usable) throw LawError("fit: the huber-mle estimator did not converge (" + o.message + ")");
    std::copy(o.x.begin(), o.x.end(), best_x);
    r.sigma = o.x[kSigma];
    r.log_likelihood = -o.nll;
    r.starts = 1;
    r.starts_run = 1;
    r.starts_at_best = 1;
    r.iterations = o.iterations;
    r.stop_reason = o.message;
    r.converged = true;
  }

  const auto p = to_law_order(best_x);
  r.law.name = "fit";
  r.law.form = Form::kChinchilla;
  r.law.E = p[0], r.law.A = p[1], r.law.B = p[2], r.law.alpha = p[3], r.law.beta = p[4];
  r.cost = huber_sum(best_x, points, delta);
  double ss = 0;
  for (const Point& pt : points) {
    const double res = lse_residual(best_x, pt);
    r.residuals.push_back(res);
    ss += res * res;
  }
  r.rmse_log = std::sqrt(ss / points.size());
  if (!(r.law.alpha > 0) || !(r.law.beta > 0)) {
    r.warnings.push_back("a fitted exponent is not positive: the data do not show loss falling with N and D");
  }

  if (options.bootstrap > 0) {
    std::vector<std::array<double, 5>> reps(options.bootstrap);
    std::vector<char> ok(options.bootstrap, 0);
    const std::array<double, 5> start5 = {best_x[0], best_x[1], best_x[2], best_x[3], best_x[4]};
    const std::array<double, 6> start6 = {best_x[0], best_x[1], best_x[2], best_x[3], best_x[4], best_x[5]};
    detail::parallel_for(
        options.bootstrap, threads,
        [&](int k, int) {
          const auto sample = resample(points, options.seed, k);
          if (options.estimator == Estimator::kHuber) {
            const auto o = solve_huber(sample, delta, start5);
            ok[k] = o.usable;
            reps[k] = to_law_order(o.x.data());
          } else {
            const auto o = solve_mle(sample, delta, start6);
            ok[k] = o.usable;
            reps[k] = to_law_order(o.x.data());
          }
        },
        [&](int done) {
          if (options.progress) options.progress("bootstrap", done, options.bootstrap);
        });
    r.bootstrap_resamples = options.bootstrap;
    for (int k = 0; k < options.bootstrap; ++k) {
      if (ok[k]) {
        r.replicates.push_back(reps[k]);
      } else {
        ++r.bootstrap_failed;
      }
    }
  }
  summarise(r);
  return r;
}

}  // namespace scaleplan::laws
