#include "laws/fit.h"

#include <ceres/ceres.h>

#include <algorithm>
#include <cmath>
#include <memory>
#include <numeric>
#include <set>

#include "huber_solver.h"
#include "laws/percentile.h"
#include "parallel.h"

namespace scaleplan::laws {

namespace {

using Point = detail::LogPoint;

// Parameter order everywhere in this file: a, b, e, alpha, beta [, sigma].
constexpr int kA = 0, kB = 1, kE = 2, kAlpha = 3, kBeta = 4;
constexpr int kSigma = 5;

// r = LSE(a - alpha log N, b - beta log D, e) - log L at one point, for the
// reported residuals (the solver evaluates the same in huber_solver.cpp, a
// block of points at a time).
double lse_residual(const double* x, const Point& p) {
  const double t1 = x[kA] - x[kAlpha] * p.log_n;
  const double t2 = x[kB] - x[kBeta] * p.log_d;
  const double t3 = x[kE];
  const double m = std::max({t1, t2, t3});
  return m + std::log(std::exp(t1 - m) + std::exp(t2 - m) + std::exp(t3 - m)) - p.log_l;
}

struct HuberOutcome {
  std::array<double, 5> x;
  double cost;
  int iterations;
  bool usable;
  bool converged;
  bool abandoned;  // stopped early: it could not beat the incumbent
  bool joined;     // stopped early on reaching the incumbent's optimum
  std::string message;
};

HuberOutcome solve_huber(const detail::HuberObjective& objective, const std::array<double, 5>& start,
                         const detail::LmOptions& lm_options = {}) {
  const detail::LmOutcome lm = detail::solve_lm(objective, start, lm_options);
  HuberOutcome o;
  o.x = lm.x;
  o.cost = lm.cost;
  o.iterations = lm.iterations;
  o.usable =
      std::isfinite(o.cost) && std::all_of(o.x.begin(), o.x.end(), [](double v) { return std::isfinite(v); });
  o.message = detail::lm_status_message(lm.status);
  o.converged = lm.status != detail::LmStatus::kIterations && lm.status != detail::LmStatus::kNotFinite;
  o.joined = lm.status == detail::LmStatus::kJoinedIncumbent;
  o.abandoned = o.joined || lm.status == detail::LmStatus::kWorseThanIncumbent;
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
    throw LawError(
        "fit: every run has the same model size, so alpha (how loss falls with N) "
        "cannot be determined; expected runs of at least 2 (better 5+) sizes");
  }
  if (tokens.size() < 2) {
    throw LawError(
        "fit: every run has the same token count, so beta (how loss falls with D) "
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

const char* const kQuantityNames[] = {"E",
                                      "A",
                                      "B",
                                      "alpha",
                                      "beta",
                                      "a",
                                      "b",
                                      "G",
                                      "tokens_per_param_1e21",
                                      "tokens_per_param_1e23",
                                      "tokens_per_param_1e25"};

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
  } edges[] = {{"a = log A", kA, 0, 25},
               {"b = log B", kB, 0, 25},
               {"e = log E", kE, -1, 1},
               {"alpha", kAlpha, 0, 2},
               {"beta", kBeta, 0, 2}};
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
                               const detail::HuberObjective& objective, bool full_grid) {
  std::vector<int> order(grid.size());
  std::iota(order.begin(), order.end(), 0);
  if (full_grid) return order;
  constexpr size_t kScreened = 200, kSpread = 100;
  std::vector<double> cost(grid.size());
  for (size_t i = 0; i < grid.size(); ++i) {
    const double c = objective.cost(grid[i]);
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

// Beyond kSearchPoints points the grid starts run on an evenly strided
// subsample of that size, and the kRefined best distinct optima found there
// are refined on every point: the search costs the same for 10^4 or 10^7
// runs, while the answer is still a local optimum of the whole data.
constexpr size_t kSearchPoints = 4096;
constexpr size_t kRefined = 8;

std::vector<Point> search_subsample(const std::vector<Point>& points) {
  if (points.size() <= kSearchPoints) return points;
  std::vector<Point> out;
  out.reserve(kSearchPoints);
  for (size_t k = 0; k < kSearchPoints; ++k) out.push_back(points[k * points.size() / kSearchPoints]);
  return out;
}

using ProgressFn = std::function<void(const char*, int, int)>;

// Starts run in batches of kBatch; each batch knows the lowest cost the
// batches before it converged to, so starts that cannot beat it stop early,
// and the outcome does not depend on the number of threads.
std::vector<HuberOutcome> run_starts(const detail::HuberObjective& objective,
                                     const std::vector<std::array<double, 5>>& starts, int threads,
                                     const char* stage, const ProgressFn& progress) {
  constexpr int kBatch = 64;
  std::vector<HuberOutcome> outcomes(starts.size());
  const int n = static_cast<int>(starts.size());
  double incumbent = HUGE_VAL;
  std::array<double, 5> incumbent_x{};
  for (int begin = 0; begin < n; begin += kBatch) {
    const int len = std::min(kBatch, n - begin);
    detail::parallel_for(
        len, threads,
        [&](int i, int) {
          detail::LmOptions lm_options;
          lm_options.incumbent = incumbent;
          lm_options.incumbent_x = incumbent_x;
          outcomes[begin + i] = solve_huber(objective, starts[begin + i], lm_options);
        },
        [&](int done) {
          if (progress) progress(stage, begin + done, n);
        });
    for (int i = begin; i < begin + len; ++i) {
      const HuberOutcome& o = outcomes[i];
      if (o.usable && o.converged && !o.abandoned && o.cost < incumbent) {
        incumbent = o.cost;
        incumbent_x = o.x;
      }
    }
  }
  return outcomes;
}

// Lowest cost wins; ties go to the earlier start, whatever the threads.
int best_outcome(const std::vector<HuberOutcome>& outcomes) {
  int best = -1;
  for (size_t i = 0; i < outcomes.size(); ++i) {
    if (outcomes[i].usable && (best < 0 || outcomes[i].cost < outcomes[best].cost))
      best = static_cast<int>(i);
  }
  return best;
}

// The end points of the kRefined lowest-cost outcomes with distinct costs.
std::vector<std::array<double, 5>> distinct_best(const std::vector<HuberOutcome>& outcomes) {
  std::vector<int> order;
  for (size_t i = 0; i < outcomes.size(); ++i) {
    if (outcomes[i].usable) order.push_back(static_cast<int>(i));
  }
  std::stable_sort(order.begin(), order.end(),
                   [&](int x, int y) { return outcomes[x].cost < outcomes[y].cost; });
  std::vector<std::array<double, 5>> out;
  double last = -1;
  for (int i : order) {
    if (out.size() == kRefined) break;
    if (!out.empty() && outcomes[i].cost <= last * (1 + 1e-6)) continue;
    out.push_back(outcomes[i].x);
    last = outcomes[i].cost;
  }
  return out;
}

// Hoffmann et al.'s grid search (see starts_to_run), on a subsample for
// large data, then refined on all points.
void fit_grid(const std::vector<Point>& points, const FitOptions& options, int threads, FitResult& r,
              double* best_x) {
  const auto grid = hoffmann_start_grid();
  const std::vector<Point> search = search_subsample(points);
  const detail::HuberObjective search_objective(search, options.huber_delta);
  const std::vector<int> chosen = starts_to_run(grid, search_objective, options.full_grid);
  std::vector<std::array<double, 5>> starts;
  for (int i : chosen) starts.push_back(grid[i]);
  const auto outcomes = run_starts(search_objective, starts, threads, "grid", options.progress);
  const int best = best_outcome(outcomes);
  if (best < 0) throw LawError("fit: no start of the grid converged to finite parameters");
  for (const auto& o : outcomes) {
    if (!o.converged) ++r.starts_not_converged;
    if (o.abandoned) ++r.starts_abandoned;
    if (o.usable && (o.cost <= outcomes[best].cost * (1 + 1e-6) || o.joined)) ++r.starts_at_best;
  }
  HuberOutcome winner = outcomes[best];
  if (search.size() < points.size()) {
    const detail::HuberObjective objective(points, options.huber_delta);
    const auto refined = run_starts(objective, distinct_best(outcomes), threads, "refine", options.progress);
    const int b = best_outcome(refined);
    if (b < 0) throw LawError("fit: no optimum of the subsample refined to finite parameters on all points");
    winner = refined[b];
  }
  // The optimum is a long shallow valley (A and B move by a percent for a
  // 1e-8 change of cost), so the winner is polished with tight tolerances:
  // the answer is then the valley's floor whichever start got there first.
  detail::LmOptions tight;
  tight.function_tolerance = 1e-16;
  tight.parameter_tolerance = 1e-13;
  tight.gradient_tolerance = 1e-16;
  const HuberOutcome polished =
      solve_huber(detail::HuberObjective(points, options.huber_delta), winner.x, tight);
  if (polished.usable && polished.cost <= winner.cost) {
    winner.iterations += polished.iterations;
    winner.x = polished.x;
    winner.cost = polished.cost;
    winner.message = polished.message;
  }
  std::copy(winner.x.begin(), winner.x.end(), best_x);
  r.starts = static_cast<int>(grid.size());
  r.starts_run = static_cast<int>(chosen.size());
  r.search_points = static_cast<int>(search.size());
  r.iterations = winner.iterations;
  r.stop_reason = winner.message;
  r.converged = winner.converged;
  warn_at_grid_edges(r, best_x);
}

}  // namespace

const char* estimator_name(Estimator e) { return e == Estimator::kHuber ? "huber" : "huber-mle"; }

Estimator estimator_from_name(const std::string& name) {
  if (name == "huber") return Estimator::kHuber;
  if (name == "huber-mle") return Estimator::kHuberMle;
  throw LawError(Field{"estimator"}, "'" + name + "' is not an estimator (expected huber or huber-mle)");
}

std::vector<Problem> FitOptions::problems() const {
  std::vector<Problem> out;
  if (!(huber_delta > 0) || !std::isfinite(huber_delta)) {
    out.push_back({"huber_delta", std::to_string(huber_delta) + " must be a positive number"});
  }
  if (bootstrap < 0) out.push_back({"bootstrap", std::to_string(bootstrap) + " must be >= 0"});
  if (threads < 0) out.push_back({"threads", std::to_string(threads) + " must be >= 0"});
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

namespace {

// Besiroglu et al.'s maximum-likelihood fit, from Hoffmann et al.'s
// unrounded estimate.
void fit_mle(const std::vector<Point>& points, double delta, FitResult& r, double* best_x) {
  const std::array<double, 6> start = {std::log(406.401), std::log(410.723), std::log(1.69337),
                                       0.33917084,        0.2849083,         0.0};
  const MleOutcome o = solve_mle(points, delta, start);
  if (!o.usable) throw LawError("fit: the huber-mle estimator did not converge (" + o.message + ")");
  std::copy(o.x.begin(), o.x.end(), best_x);
  r.sigma = o.x[kSigma];
  r.log_likelihood = -o.nll;
  r.starts = 1;
  r.starts_run = 1;
  r.starts_at_best = 1;
  r.search_points = static_cast<int>(points.size());
  r.iterations = o.iterations;
  r.stop_reason = o.message;
  r.converged = true;
}

// The law at the best point, its Huber cost and log residuals.
void set_fitted_law(const std::vector<Point>& points, double delta, const double* best_x, FitResult& r) {
  const auto p = to_law_order(best_x);
  r.law.name = "fit";
  r.law.form = Form::kChinchilla;
  r.law.E = p[0], r.law.A = p[1], r.law.B = p[2], r.law.alpha = p[3], r.law.beta = p[4];
  r.cost =
      detail::HuberObjective(points, delta).cost({best_x[0], best_x[1], best_x[2], best_x[3], best_x[4]});
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
}

// Refits on resampled points from the best fit, in parallel; keeps the
// replicates that converged.
void bootstrap(const std::vector<Point>& points, const FitOptions& options, int threads, const double* best_x,
               FitResult& r) {
  const double delta = options.huber_delta;
  std::vector<std::array<double, 5>> reps(options.bootstrap);
  std::vector<char> ok(options.bootstrap, 0);
  const std::array<double, 5> start5 = {best_x[0], best_x[1], best_x[2], best_x[3], best_x[4]};
  const std::array<double, 6> start6 = {best_x[0], best_x[1], best_x[2], best_x[3], best_x[4], best_x[5]};
  detail::parallel_for(
      options.bootstrap, threads,
      [&](int k, int) {
        const auto sample = resample(points, options.seed, k);
        if (options.estimator == Estimator::kHuber) {
          const auto o = solve_huber(detail::HuberObjective(sample, delta), start5);
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

}  // namespace

FitResult fit_law(const std::vector<Run>& runs, const FitOptions& options) {
  if (auto p = options.problems(); !p.empty()) throw_problem<LawError>(p.front());
  check_identifiable(runs);
  const std::vector<Point> points = to_points(runs);
  const int threads = detail::resolve_threads(options.threads);

  FitResult r;
  r.estimator = options.estimator;
  r.huber_delta = options.huber_delta;
  double best_x[6] = {0, 0, 0, 0, 0, 0};
  if (options.estimator == Estimator::kHuber) {
    fit_grid(points, options, threads, r, best_x);
  } else {
    fit_mle(points, options.huber_delta, r, best_x);
  }
  set_fitted_law(points, options.huber_delta, best_x, r);
  if (options.bootstrap > 0) bootstrap(points, options, threads, best_x, r);
  summarise(r);
  return r;
}

}  // namespace scaleplan::laws
