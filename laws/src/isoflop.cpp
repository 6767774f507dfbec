#include "laws/isoflop.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <random>

#include "laws/percentile.h"
#include "number_text.h"

namespace scaleplan::laws {

namespace {

// Budgets agree when their C differ by less than this (relative), so a
// column written as 6e18 and one computed as 6 N D land together.
constexpr double kSameBudget = 1e-6;

struct ParabolaPoint {
  double x;  // ln N
  double loss;
};

// Least-squares parabola through the points; false when singular.
bool fit_parabola(const std::vector<ParabolaPoint>& pts, std::array<double, 3>& c) {
  // Centre x for conditioning, then shift back.
  double mean = 0;
  for (const ParabolaPoint& p : pts) mean += p.x;
  mean /= pts.size();
  double s[5] = {0, 0, 0, 0, 0}, t[3] = {0, 0, 0};
  for (const ParabolaPoint& p : pts) {
    const double u = p.x - mean;
    double pw = 1;
    for (int k = 0; k < 5; ++k, pw *= u) s[k] += pw;
    t[0] += p.loss, t[1] += u * p.loss, t[2] += u * u * p.loss;
  }
  // Normal equations [s0 s1 s2; s1 s2 s3; s2 s3 s4] q = t, by Cramer's rule.
  auto det3 = [](double a, double b, double c, double d, double e, double f, double g, double h, double i) {
    return a * (e * i - f * h) - b * (d * i - f * g) + c * (d * h - e * g);
  };
  const double det = det3(s[0], s[1], s[2], s[1], s[2], s[3], s[2], s[3], s[4]);
  if (!(std::fabs(det) > 1e-12 * std::fabs(s[0] * s[2] * s[4]))) return false;
  const double q0 = det3(t[0], s[1], s[2], t[1], s[2], s[3], t[2], s[3], s[4]) / det;
  const double q1 = det3(s[0], t[0], s[2], s[1], t[1], s[3], s[2], t[2], s[4]) / det;
  const double q2 = det3(s[0], s[1], t[0], s[1], s[2], t[1], s[2], s[3], t[2]) / det;
  c = {q0 - q1 * mean + q2 * mean * mean, q1 - 2 * q2 * mean, q2};
  return true;
}

int distinct_x(std::vector<ParabolaPoint> pts) {
  std::sort(pts.begin(), pts.end(), [](const ParabolaPoint& a, const ParabolaPoint& b) { return a.x < b.x; });
  int n = 0;
  for (size_t i = 0; i < pts.size(); ++i) n += i == 0 || pts[i].x - pts[i - 1].x > 1e-9;
  return n;
}

// The parabola's vertex when it is a minimum inside the points' range.
bool vertex(const std::vector<ParabolaPoint>& pts, std::array<double, 3>& c, double& x_opt,
            std::string& why) {
  if (distinct_x(pts) < 3) {
    why = "fewer than 3 model sizes near the minimum";
    return false;
  }
  if (!fit_parabola(pts, c)) {
    why = "the parabola is singular";
    return false;
  }
  if (!(c[2] > 0)) {
    why = "the profile curves down (no minimum)";
    return false;
  }
  x_opt = -c[1] / (2 * c[2]);
  double lo = HUGE_VAL, hi = -HUGE_VAL;
  for (const ParabolaPoint& p : pts) lo = std::min(lo, p.x), hi = std::max(hi, p.x);
  if (!(x_opt > lo && x_opt < hi)) {
    why = "no interior minimum (the lowest loss is at the edge of the sizes tried)";
    return false;
  }
  return true;
}

double eval(const std::array<double, 3>& c, double x) { return c[0] + c[1] * x + c[2] * x * x; }

struct Line {
  double intercept = 0, slope = 0, rmse = 0;
};

Line ols(const std::vector<double>& x, const std::vector<double>& y) {
  const double n = x.size();
  double mx = 0, my = 0;
  for (size_t i = 0; i < x.size(); ++i) mx += x[i], my += y[i];
  mx /= n, my /= n;
  double sxx = 0, sxy = 0;
  for (size_t i = 0; i < x.size(); ++i) sxx += (x[i] - mx) * (x[i] - mx), sxy += (x[i] - mx) * (y[i] - my);
  Line l;
  l.slope = sxy / sxx;
  l.intercept = my - l.slope * mx;
  double ss = 0;
  for (size_t i = 0; i < x.size(); ++i) ss += std::pow(y[i] - l.intercept - l.slope * x[i], 2);
  l.rmse = std::sqrt(ss / n);
  return l;
}

struct LossFrontier {
  double E = 0, A = 0, alpha = 0, sse = HUGE_VAL;
};

// L = E + A C^-alpha: for a fixed E, ln(L - E) is linear in ln C; E is
// profiled on a grid below the lowest L* and refined around the best.
LossFrontier fit_loss_frontier(const std::vector<double>& flops, const std::vector<double>& losses) {
  const double l_min = *std::min_element(losses.begin(), losses.end());
  std::vector<double> x, y(losses.size());
  for (double c : flops) x.push_back(std::log(c));
  auto try_e = [&](double e) {
    for (size_t i = 0; i < losses.size(); ++i) y[i] = std::log(losses[i] - e);
    const Line l = ols(x, y);
    LossFrontier f{e, std::exp(l.intercept), -l.slope, 0};
    for (size_t i = 0; i < losses.size(); ++i)
      f.sse += std::pow(losses[i] - e - f.A * std::pow(flops[i], -f.alpha), 2);
    return f;
  };
  LossFrontier best;
  constexpr int kGrid = 400;
  double step = l_min / kGrid;
  for (int j = 0; j < kGrid; ++j) {
    const LossFrontier f = try_e(j * step);
    if (f.sse < best.sse && f.alpha > 0) best = f;
  }
  for (int round = 0; round < 3 && best.sse < HUGE_VAL; ++round) {
    const double centre = best.E;
    step /= 20;
    for (int j = -20; j <= 20; ++j) {
      const double e = centre + j * step;
      if (e < 0 || e >= l_min) continue;
      const LossFrontier f = try_e(e);
      if (f.sse < best.sse && f.alpha > 0) best = f;
    }
  }
  return best;
}

// Budgets in ascending compute: exact matches, or bins of relative width tol.
std::vector<std::vector<const Run*>> group_by_budget(const std::vector<Run>& runs, double tol) {
  std::vector<const Run*> sorted;
  for (const Run& r : runs) sorted.push_back(&r);
  std::stable_sort(sorted.begin(), sorted.end(),
                   [](const Run* a, const Run* b) { return a->flops < b->flops; });
  const double width = std::max(tol, kSameBudget);
  std::vector<std::vector<const Run*>> out;
  for (const Run* r : sorted) {
    if (out.empty() || r->flops > out.back().front()->flops * (1 + width)) out.emplace_back();
    out.back().push_back(r);
  }
  return out;
}

Estimate spread(const std::string& name, double value, const std::vector<double>& reps) {
  Estimate e{name, value, NAN, NAN, NAN};
  if (reps.size() < 2) return e;
  double mean = 0, ss = 0;
  for (double r : reps) mean += r;
  mean /= reps.size();
  for (double r : reps) ss += (r - mean) * (r - mean);
  e.standard_error = std::sqrt(ss / (reps.size() - 1));
  e.ci_low = percentile(reps, 0.025);
  e.ci_high = percentile(reps, 0.975);
  return e;
}

struct Frontier {
  double a = 0, b = 0, rmse = 0;
  LossFrontier loss;
};

// Power laws through (C, N*, L*) minima; needs 3 budgets for L*(C).
bool fit_frontier(const std::vector<double>& c, const std::vector<double>& n, const std::vector<double>& l,
                  Frontier& f) {
  if (c.size() < 3) return false;
  std::vector<double> lc, ln;
  for (size_t i = 0; i < c.size(); ++i) lc.push_back(std::log(c[i])), ln.push_back(std::log(n[i]));
  const Line line = ols(lc, ln);
  f.a = std::exp(line.intercept), f.b = line.slope, f.rmse = line.rmse;
  f.loss = fit_loss_frontier(c, l);
  return std::isfinite(f.a) && f.b > 0 && f.b < 1 && f.loss.sse < HUGE_VAL;
}

// The points a budget's parabola is fitted to: near its lowest loss.
std::vector<ParabolaPoint> window(const std::vector<const Run*>& budget, double decades) {
  const Run* best = *std::min_element(budget.begin(), budget.end(),
                                      [](const Run* a, const Run* b) { return a->loss < b->loss; });
  std::vector<ParabolaPoint> pts;
  for (const Run* r : budget) {
    if (decades > 0 && std::fabs(std::log10(r->params / best->params)) > decades) continue;
    pts.push_back({std::log(r->params), r->loss});
  }
  return pts;
}

}  // namespace

std::vector<Problem> IsoflopOptions::problems() const {
  std::vector<Problem> out;
  if (!(budget_tolerance >= 0 && budget_tolerance < 10)) {
    out.push_back({"budget_tolerance",
                   number_text(budget_tolerance, "%.4g") + " is not between 0 and 10 (relative bin width)"});
  }
  if (!(window_decades >= 0 && std::isfinite(window_decades))) {
    out.push_back({"window", number_text(window_decades, "%.4g") + " is not a number of decades >= 0"});
  }
  if (bootstrap < 0 || bootstrap > 100000) {
    out.push_back({"bootstrap", std::to_string(bootstrap) + " is not between 0 and 100000"});
  }
  if (!(flops_per_token > 0 && std::isfinite(flops_per_token))) {
    out.push_back({"flops_per_token", number_text(flops_per_token, "%.4g") + " is not a positive number"});
  }
  return out;
}

const Estimate& IsoflopResult::estimate(const std::string& name) const {
  for (const Estimate& e : estimates) {
    if (e.name == name) return e;
  }
  throw LawError("no estimate named '" + name + "'");
}

namespace {

using Budgets = std::vector<std::vector<const Run*>>;
// The compute budgets the derived estimates are reported at.
constexpr double kAtFlops[] = {1e21, 1e23, 1e25};
constexpr const char* kAtNames[] = {"1e21", "1e23", "1e25"};

// The budgets whose parabola has an interior minimum: each one's FLOPs,
// optimal N and loss, its row in the budget table, and its fitted points.
struct UsedBudgets {
  std::vector<double> c, n, l;
  std::vector<size_t> index;
  std::vector<std::vector<ParabolaPoint>> points;
};

// Bootstrap replicates: per used budget (N*, D*), and of the frontier's
// seven estimates and the nine derived at kAtFlops.
struct Replicates {
  std::vector<std::vector<double>> budget_n, budget_d;
  std::vector<std::vector<double>> frontier = std::vector<std::vector<double>>(7);
  std::vector<std::vector<double>> derived = std::vector<std::vector<double>>(9);
};

// One parabola per budget, in log N, near its lowest loss; fills the budget
// table and returns the budgets used.
UsedBudgets fit_budgets(const Budgets& groups, const IsoflopOptions& options, IsoflopResult& res) {
  const double k = options.flops_per_token;
  UsedBudgets used;
  for (const auto& g : groups) {
    BudgetFit b;
    double log_sum = 0;
    for (const Run* r : g) log_sum += std::log(r->flops);
    b.flops = std::exp(log_sum / g.size());
    b.points = static_cast<int>(g.size());
    const std::vector<ParabolaPoint> pts = window(g, options.window_decades);
    b.points_fitted = static_cast<int>(pts.size());
    double x_opt = 0;
    if (pts.size() < 3) {
      b.skipped_because =
          "fewer than 3 points" + std::string(options.window_decades > 0 ? " in the window" : "");
    } else if (vertex(pts, b.parabola, x_opt, b.skipped_because)) {
      b.used = true;
      b.params_opt = b.params_ci_low = b.params_ci_high = std::exp(x_opt);
      b.tokens_opt = b.tokens_ci_low = b.tokens_ci_high = b.flops / (k * b.params_opt);
      b.loss_opt = eval(b.parabola, x_opt);
      used.c.push_back(b.flops), used.n.push_back(b.params_opt), used.l.push_back(b.loss_opt);
      used.index.push_back(res.budgets.size());
      used.points.push_back(pts);
    }
    res.budgets.push_back(b);
  }
  return used;
}

// The frontier through the used budgets' minima; refuses too few of them.
Frontier fit_used_frontier(const UsedBudgets& used, const Budgets& groups, size_t runs, IsoflopResult& res) {
  if (used.c.empty()) {
    throw LawError(
        "isoflop fit: no compute budget has 3 or more points around an interior minimum (" +
        std::to_string(groups.size()) + " budgets; first one: " + res.budgets.front().skipped_because +
        "); expected each profile to span sizes on both sides of its lowest loss" +
        (groups.size() * 3 > runs ? " (runs at scattered FLOPs: bin them with --budget-tolerance 0.3)" : ""));
  }
  Frontier f;
  if (!fit_frontier(used.c, used.n, used.l, f)) {
    throw LawError("isoflop fit: " + std::to_string(used.c.size()) + " of " + std::to_string(groups.size()) +
                   " budgets have 3 or more points around an interior minimum; expected at least 3 with a "
                   "frontier N*(C) = a C^b, 0 < b < 1, and L*(C) falling with C");
  }
  return f;
}

// Bootstrap: resample each used budget's points, refit its vertex, then the frontier.
Replicates bootstrap(const UsedBudgets& used, const IsoflopOptions& options, IsoflopResult& res) {
  const double k = options.flops_per_token;
  std::mt19937_64 rng(options.seed);
  Replicates reps;
  reps.budget_n.resize(used.c.size());
  reps.budget_d.resize(used.c.size());
  for (int r = 0; r < options.bootstrap; ++r) {
    std::vector<double> c, n, l;
    for (size_t j = 0; j < used.points.size(); ++j) {
      const auto& pts = used.points[j];
      std::uniform_int_distribution<size_t> pick(0, pts.size() - 1);
      std::vector<ParabolaPoint> sample;
      for (size_t i = 0; i < pts.size(); ++i) sample.push_back(pts[pick(rng)]);
      std::array<double, 3> par{};
      double x_opt = 0;
      std::string why;
      if (!vertex(sample, par, x_opt, why)) continue;
      c.push_back(used.c[j]), n.push_back(std::exp(x_opt)), l.push_back(eval(par, x_opt));
      reps.budget_n[j].push_back(n.back());
      reps.budget_d[j].push_back(used.c[j] / (k * n.back()));
    }
    Frontier fr;
    if (!fit_frontier(c, n, l, fr)) {
      ++res.bootstrap_failed;
      continue;
    }
    res.replicates.push_back({fr.loss.E, fr.loss.A, fr.loss.alpha, fr.a, fr.b});
    const double vals[] = {fr.a, fr.b, 1 / (k * fr.a), 1 - fr.b, fr.loss.E, fr.loss.A, fr.loss.alpha};
    for (int i = 0; i < 7; ++i) reps.frontier[i].push_back(vals[i]);
    for (int i = 0; i < 3; ++i) {
      const double np = fr.a * std::pow(kAtFlops[i], fr.b), dp = kAtFlops[i] / (k * np);
      reps.derived[3 * i].push_back(np), reps.derived[3 * i + 1].push_back(dp);
      reps.derived[3 * i + 2].push_back(dp / np);
    }
  }
  res.bootstrap_resamples = options.bootstrap;
  return reps;
}

// Each used budget's 95% interval of N* and D* from its replicates.
void set_budget_intervals(const UsedBudgets& used, const Replicates& reps, IsoflopResult& res) {
  for (size_t j = 0; j < used.index.size(); ++j) {
    BudgetFit& b = res.budgets[used.index[j]];
    if (b.points_fitted <= 3) {
      // Three points fit a parabola exactly: every resample that fits at all
      // is the same three, so the bootstrap would claim a certainty it lacks.
      b.params_ci_low = b.params_ci_high = b.tokens_ci_low = b.tokens_ci_high = NAN;
      continue;
    }
    if (reps.budget_n[j].size() < 2) continue;
    b.params_ci_low = percentile(reps.budget_n[j], 0.025),
    b.params_ci_high = percentile(reps.budget_n[j], 0.975);
    b.tokens_ci_low = percentile(reps.budget_d[j], 0.025),
    b.tokens_ci_high = percentile(reps.budget_d[j], 0.975);
  }
}

// The frontier's estimates, then N*, D* and D*/N* at kAtFlops.
void add_estimates(const Frontier& f, double k, const Replicates& reps, IsoflopResult& res) {
  const char* const kNames[] = {"N_coef", "N_exponent", "D_coef", "D_exponent", "E", "A", "alpha"};
  const double values[] = {f.a, f.b, 1 / (k * f.a), 1 - f.b, f.loss.E, f.loss.A, f.loss.alpha};
  for (int i = 0; i < 7; ++i) res.estimates.push_back(spread(kNames[i], values[i], reps.frontier[i]));
  for (int i = 0; i < 3; ++i) {
    const double np = f.a * std::pow(kAtFlops[i], f.b), dp = kAtFlops[i] / (k * np);
    res.estimates.push_back(spread(std::string("N* at ") + kAtNames[i], np, reps.derived[3 * i]));
    res.estimates.push_back(spread(std::string("D* at ") + kAtNames[i], dp, reps.derived[3 * i + 1]));
    res.estimates.push_back(spread(std::string("D*/N* at ") + kAtNames[i], dp / np, reps.derived[3 * i + 2]));
  }
}

void add_warnings(size_t budgets, const IsoflopOptions& options, IsoflopResult& res) {
  if (res.budgets_used < static_cast<int>(budgets)) {
    res.warnings.push_back(std::to_string(budgets - res.budgets_used) + " of " + std::to_string(budgets) +
                           " budgets skipped (see the budget table)");
  }
  if (options.bootstrap > 0 && res.bootstrap_failed > options.bootstrap / 10) {
    res.warnings.push_back(std::to_string(res.bootstrap_failed) + " of " + std::to_string(options.bootstrap) +
                           " bootstrap replicates had too few valid minima; intervals are optimistic");
  }
}

// The fitted law: the frontier, its range, and the bootstrap's
// uncertainty of E, A, alpha and the N* coefficient and exponent.
void set_law(const Frontier& f, double k, const UsedBudgets& used, IsoflopResult& res) {
  Law& law = res.law;
  law.form = Form::kIsoflop;
  law.n_coef = f.a, law.n_exponent = f.b, law.flops_per_token = k;
  law.E = f.loss.E, law.A = f.loss.A, law.alpha = f.loss.alpha;
  law.citation =
      "IsoFLOP profiles (Hoffmann et al. 2022 approach 2) fitted with scaleplan fit --method isoflop";
  law.caveat = "Knows the compute-optimal frontier only, between " + number_text(used.c.front(), "%.4g") +
               " and " + number_text(used.c.back(), "%.4g") +
               " FLOPs; extrapolation beyond is an estimate. Losses are in the units of the input's loss "
               "column, and unknown for (N, D) off the frontier.";
  if (res.replicates.empty()) return;
  Uncertainty u;
  for (int i : {4, 5, 6, 0, 1}) {
    const Estimate& e = res.estimates[i];
    u.standard_errors.emplace_back(e.name, e.standard_error);
    u.ci95.emplace_back(e.name, std::make_pair(e.ci_low, e.ci_high));
  }
  for (const auto& rep : res.replicates) u.replicates.emplace_back(rep.begin(), rep.end());
  law.uncertainty = std::move(u);
}

}  // namespace

IsoflopResult fit_isoflop(const std::vector<Run>& runs, const IsoflopOptions& options) {
  if (auto p = options.problems(); !p.empty()) throw_problem<LawError>(p.front());
  const Budgets groups = group_by_budget(runs, options.budget_tolerance);
  if (groups.size() < 2) {
    throw LawError("isoflop fit: the runs hold " + std::to_string(groups.size()) + " compute budget" +
                   (groups.size() == 1 ? "" : "s") +
                   "; expected runs at 3 or more budgets (check --budget-tolerance)");
  }
  IsoflopResult res;
  res.flops_per_token = options.flops_per_token;
  const UsedBudgets used = fit_budgets(groups, options, res);
  res.budgets_used = static_cast<int>(used.c.size());
  const Frontier f = fit_used_frontier(used, groups, runs.size(), res);
  res.rmse_log_params = f.rmse;
  const Replicates reps = bootstrap(used, options, res);
  set_budget_intervals(used, reps, res);
  add_estimates(f, options.flops_per_token, reps, res);
  add_warnings(groups.size(), options, res);
  set_law(f, options.flops_per_token, used, res);
  return res;
}

}  // namespace scaleplan::laws
