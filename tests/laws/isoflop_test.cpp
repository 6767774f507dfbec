#include <catch2/catch.hpp>
#include <cmath>
#include <random>

#include "laws/allocation.h"
#include "laws/csv.h"
#include "laws/fit.h"
#include "laws/isoflop.h"
#include "laws/presets.h"
#include "laws/row_groups.h"

using namespace scaleplan::laws;
using Catch::Matchers::WithinAbs;
using Catch::Matchers::WithinRel;

namespace {

std::string data_file(const std::string& name) { return std::string(SCALEPLAN_TEST_DATA) + "/" + name; }

IsoflopOptions quick(int bootstrap = 0) {
  IsoflopOptions o;
  o.bootstrap = bootstrap;
  return o;
}

// IsoFLOP profiles drawn from a known Chinchilla-form law: 11 sizes spread
// over +-1 decade around each budget's optimum, 0.2% log-normal noise.
std::vector<Run> profiles(const Law& law, unsigned seed) {
  std::mt19937 rng(seed);
  std::normal_distribution<double> noise(0.0, 0.002);
  std::vector<Run> runs;
  for (double c = 1e18; c <= 1.01e21; c *= std::sqrt(10.0)) {
    const double n_opt = compute_optimal(law, c).params;
    for (int i = -5; i <= 5; ++i) {
      Run r;
      r.params = n_opt * std::pow(10.0, i / 5.0);
      r.tokens = c / (6 * r.params);
      r.flops = c;
      r.loss = loss(law, r.params, r.tokens) * std::exp(noise(rng));
      runs.push_back(r);
    }
  }
  return runs;
}

}  // namespace

TEST_CASE("isoflop: Llama 3's points give its published D*(C) = 0.29 C^0.53", "[laws][isoflop]") {
  // Dubey et al. 2024, Sec. 3.2.1: N*(C) = A C^alpha for tokens, (alpha, A) = (0.53, 0.29).
  const RunsData data = load_runs(read_csv_file(data_file("isoflops_points.csv")));
  REQUIRE(data.params_from_flops);
  const IsoflopResult fit = fit_isoflop(data.runs, quick(200));
  CHECK(fit.budgets_used == 10);
  CHECK_THAT(fit.estimate("D_exponent").value, WithinAbs(0.53, 0.02));
  CHECK_THAT(fit.estimate("D_coef").value, WithinRel(0.29, 0.15));
  // The interval brackets the estimate and the exponents add to one (C = 6ND).
  CHECK(fit.estimate("D_exponent").ci_low < fit.estimate("D_exponent").value);
  CHECK(fit.estimate("D_exponent").ci_high > fit.estimate("D_exponent").value);
  CHECK_THAT(fit.estimate("N_exponent").value + fit.estimate("D_exponent").value, WithinAbs(1.0, 1e-12));
}

TEST_CASE("isoflop: Porian et al.'s set-ups, fitted apart, match the paper's N* exponents",
          "[laws][isoflop]") {
  const CsvTable table = read_csv_file(data_file("porian2024_isoflop_points.csv"));
  const CsvTable paper = read_csv_file(data_file("porian2024_fits.csv"));
  const std::vector<std::string> keys = {"dataset", "hparams",     "warmup",
                                         "decay",   "param_count", "loss_split"};
  const auto groups = select_and_group(table, {}, keys);
  REQUIRE(groups.size() == 10);
  int within = 0;
  for (size_t r = 0; r < paper.rows.size(); ++r) {
    std::vector<RowCondition> where;
    for (const std::string& k : keys) where.push_back({k, paper.rows[r][paper.find_column({k})]});
    const auto one = select_and_group(table, where, {});
    REQUIRE(one.size() == 1);
    const IsoflopResult fit = fit_isoflop(load_runs(one.front().table).runs, quick());
    const double published = paper.number(r, paper.find_column({"n_exponent"}));
    const double ours = fit.estimate("N_exponent").value;
    INFO("set-up " << r << ": ours " << ours << ", paper " << published);
    within += std::fabs(ours - published) <= 0.05;
  }
  CHECK(within >= 8);
}

TEST_CASE("isoflop: a parametric and an IsoFLOP fit of one known law agree at 1e21 FLOPs",
          "[laws][isoflop]") {
  const Law truth = preset("hoffmann2022");
  const std::vector<Run> runs = profiles(truth, 7);
  const Allocation expected = compute_optimal(truth, 1e21);

  const IsoflopResult iso = fit_isoflop(runs, quick());
  const Allocation from_iso = compute_optimal(iso.law, 1e21);
  const Allocation from_parametric = compute_optimal(fit_law(runs).law, 1e21);

  CHECK_THAT(from_iso.params, WithinRel(from_parametric.params, 0.05));
  CHECK_THAT(from_iso.tokens, WithinRel(from_parametric.tokens, 0.05));
  // and both near the truth they were drawn from
  CHECK_THAT(from_iso.params, WithinRel(expected.params, 0.05));
  CHECK_THAT(from_parametric.params, WithinRel(expected.params, 0.05));
}

TEST_CASE("isoflop: a law allocates along its own frontier", "[laws][isoflop]") {
  Law law;
  law.form = Form::kIsoflop;
  law.name = "frontier";
  law.n_coef = 0.1, law.n_exponent = 0.5, law.E = 1.5, law.A = 1e3, law.alpha = 0.15;
  law.validate();
  const Allocation a = compute_optimal(law, 6e22);
  CHECK_THAT(a.params, WithinRel(0.1 * std::sqrt(6e22), 1e-12));
  CHECK_THAT(6 * a.params * a.tokens, WithinRel(6e22, 1e-12));
  CHECK_THAT(a.loss, WithinRel(1.5 + 1e3 * std::pow(6e22, -0.15), 1e-12));
  // The tokens at a size invert N*(C); the compute for a loss inverts L*(C).
  CHECK_THAT(compute_optimal_tokens(law, a.params), WithinRel(a.tokens, 1e-9));
  CHECK_THAT(min_compute_for_loss(law, a.loss).flops, WithinRel(6e22, 1e-9));
  CHECK_THROWS_AS(tokens_for_loss(law, 1e9, 2.0), LawError);
  CHECK_THROWS_AS(min_cost_for_loss(law, a.loss, 1e12), LawError);
  CHECK_THROWS_AS(min_compute_for_loss(law, 1.4), LawError);
}

TEST_CASE("isoflop: refuses data without three budgets around a minimum", "[laws][isoflop]") {
  const Law truth = preset("hoffmann2022");
  std::vector<Run> runs = profiles(truth, 1);
  std::vector<Run> one_budget(runs.begin(), runs.begin() + 11);
  CHECK_THROWS_WITH(fit_isoflop(one_budget, quick()), Catch::Contains("1 compute budget"));
  // Only the small half of each profile: every minimum sits at the edge.
  std::vector<Run> edge;
  for (size_t i = 0; i < runs.size(); ++i) {
    if (i % 11 < 4) edge.push_back(runs[i]);
  }
  CHECK_THROWS_WITH(fit_isoflop(edge, quick()), Catch::Contains("no compute budget has 3 or more points"));
}

TEST_CASE("isoflop: the bootstrap is repeatable with a seed", "[laws][isoflop]") {
  const std::vector<Run> runs = profiles(preset("hoffmann2022"), 3);
  IsoflopOptions o = quick(50);
  o.seed = 11;
  const IsoflopResult a = fit_isoflop(runs, o), b = fit_isoflop(runs, o);
  CHECK(a.replicates == b.replicates);
  REQUIRE(a.law.uncertainty);
  CHECK(a.law.uncertainty->replicates.size() == a.replicates.size());
}

TEST_CASE("isoflop: a budget of three points gets no interval rather than a false zero-width one",
          "[laws][isoflop]") {
  std::vector<Run> runs;
  for (const Run& r : profiles(preset("hoffmann2022"), 5)) {
    const double offset = std::log10(r.params / compute_optimal(preset("hoffmann2022"), r.flops).params);
    if (std::fabs(std::fabs(offset) - 0.4) < 1e-6 || std::fabs(offset) < 1e-6) runs.push_back(r);
  }
  const IsoflopResult fit = fit_isoflop(runs, quick(50));
  REQUIRE(fit.budgets_used >= 3);
  for (const BudgetFit& b : fit.budgets) {
    CHECK(b.points_fitted == 3);
    CHECK(std::isnan(b.params_ci_low));
  }
}
