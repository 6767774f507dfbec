#include <catch2/catch.hpp>
#include <cmath>
#include <random>

#include "laws/fit.h"
#include "laws/presets.h"
#include "support_files.h"

using namespace scaleplan::laws;
using Catch::Matchers::WithinRel;

namespace {

std::vector<Run> synthetic(const Law& law, double noise_sigma, unsigned seed) {
  std::mt19937 rng(seed);
  std::normal_distribution<double> noise(0.0, noise_sigma);
  std::vector<Run> runs;
  for (double n = 1e7; n <= 3e10; n *= 2.5) {
    for (double d = 1e8; d <= 1e12; d *= 3) {
      const double l = loss(law, n, d) * std::exp(noise_sigma > 0 ? noise(rng) : 0.0);
      runs.push_back({n, d, l, 0});
    }
  }
  return runs;
}

RunsData epoch_points() {
  const std::string path = scaleplan::testing::test_data_path("svg_extracted_data.csv");
  RunsFilter filter;
  filter.max_loss = 3.44;
  return load_runs(read_csv_file(path), {}, filter);
}

void check_epoch_grid_optimum(const FitResult& r) {
  // The grid optimum found by Besiroglu et al. 2024 and an independent
  // scipy reproduction.
  CHECK_THAT(r.law.E, WithinRel(1.8172, 0.002));
  CHECK_THAT(r.law.alpha, WithinRel(0.34731, 0.002));
  CHECK_THAT(r.law.beta, WithinRel(0.36718, 0.002));
  CHECK_THAT(r.law.A, WithinRel(477.8, 0.02));
  CHECK_THAT(r.law.B, WithinRel(2144.0, 0.05));
  CHECK_THAT(r.cost, WithinRel(0.00101827, 1e-4));
}

}  // namespace

TEST_CASE("fit: recovers known parameters from noiseless data", "[laws]") {
  const Law truth = preset("besiroglu2024");
  const FitResult r = fit_law(synthetic(truth, 0, 1));
  CHECK_THAT(r.law.E, WithinRel(truth.E, 1e-4));
  CHECK_THAT(r.law.A, WithinRel(truth.A, 1e-3));
  CHECK_THAT(r.law.B, WithinRel(truth.B, 1e-3));
  CHECK_THAT(r.law.alpha, WithinRel(truth.alpha, 1e-4));
  CHECK_THAT(r.law.beta, WithinRel(truth.beta, 1e-4));
  CHECK(r.rmse_log < 1e-6);
  CHECK(r.starts == 4500);
}

TEST_CASE("fit: recovers known parameters from data with log-normal noise", "[laws]") {
  const Law truth = preset("hoffmann2022");
  const FitResult r = fit_law(synthetic(truth, 0.01, 7));
  CHECK_THAT(r.law.E, WithinRel(truth.E, 0.03));
  CHECK_THAT(r.law.alpha, WithinRel(truth.alpha, 0.05));
  CHECK_THAT(r.law.beta, WithinRel(truth.beta, 0.05));
  CHECK(r.rmse_log == Approx(0.01).epsilon(0.3));
}

TEST_CASE("fit: refuses data that cannot identify the law", "[laws]") {
  const Law truth = preset("besiroglu2024");
  std::vector<Run> few = synthetic(truth, 0, 1);
  few.resize(9);
  CHECK_THROWS_WITH(fit_law(few), Catch::Contains("9 usable points") && Catch::Contains("at least 10"));
  std::vector<Run> one_size;
  for (double d = 1e8; d < 1e12; d *= 2) one_size.push_back({1e9, d, loss(truth, 1e9, d), 0});
  CHECK_THROWS_WITH(fit_law(one_size), Catch::Contains("alpha"));
  std::vector<Run> one_d;
  for (double n = 1e7; n < 1e11; n *= 2) one_d.push_back({n, 1e10, loss(truth, n, 1e10), 0});
  CHECK_THROWS_WITH(fit_law(one_d), Catch::Contains("beta"));
}

TEST_CASE("fit: Epoch's Chinchilla points give the published grid optimum", "[laws][shared]") {
  const RunsData data = epoch_points();
  const FitResult r = fit_law(data.runs);
  check_epoch_grid_optimum(r);
  // Not a lucky start: dozens run all the way to the best cost, although
  // most stop early once they cannot beat the best found before them.
  CHECK(r.starts_at_best >= 20);
  CHECK(r.starts_abandoned > r.starts_run / 2);
}

TEST_CASE("fit: the default start selection lands on the full grid's optimum", "[laws][shared]") {
  const RunsData data = epoch_points();
  FitOptions full;
  full.full_grid = true;
  const FitResult all = fit_law(data.runs, full);
  const FitResult fast = fit_law(data.runs);
  CHECK(all.starts_run == 4500);
  check_epoch_grid_optimum(all);
  CHECK_THAT(fast.cost, WithinRel(all.cost, 1e-7));
  CHECK_THAT(fast.law.alpha, WithinRel(all.law.alpha, 1e-4));
  CHECK_THAT(fast.law.beta, WithinRel(all.law.beta, 1e-4));
}

TEST_CASE("fit: huber-mle reproduces Epoch's published estimate", "[laws][shared]") {
  const RunsData data = epoch_points();
  FitOptions o;
  o.estimator = Estimator::kHuberMle;
  const FitResult r = fit_law(data.runs, o);
  // Besiroglu et al. 2024, eq. 4.
  CHECK_THAT(r.law.E, WithinRel(1.81686, 0.002));
  CHECK_THAT(r.law.alpha, WithinRel(0.34781, 0.002));
  CHECK_THAT(r.law.beta, WithinRel(0.36585, 0.002));
  CHECK_THAT(r.law.A, WithinRel(482.006, 0.02));
  CHECK_THAT(r.law.B, WithinRel(2085.43, 0.05));
}

TEST_CASE("fit: a 4000-resample bootstrap matches Epoch's standard errors", "[laws][shared]") {
  const RunsData data = epoch_points();
  FitOptions o;
  o.bootstrap = 4000;
  o.seed = 2024;
  const FitResult r = fit_law(data.runs, o);
  REQUIRE(r.replicates.size() + r.bootstrap_failed == 4000);
  CHECK(r.bootstrap_failed < 40);
  // Besiroglu et al. 2024, Table 1 standard errors of E, alpha, beta.
  CHECK_THAT(r.estimates[0].standard_error, WithinRel(0.0257, 0.15));
  CHECK_THAT(r.estimates[3].standard_error, WithinRel(0.0154, 0.15));
  CHECK_THAT(r.estimates[4].standard_error, WithinRel(0.0206, 0.15));
  // The interval of B is wide: Epoch report 1,042 to 5,810.
  CHECK(r.estimates[2].ci_low < 1300);
  CHECK(r.estimates[2].ci_high > 4500);
}

TEST_CASE("fit: the bootstrap gives the same replicates whatever the thread count", "[laws]") {
  const auto runs = synthetic(preset("besiroglu2024"), 0.02, 3);
  FitOptions o;
  o.bootstrap = 40;
  o.seed = 11;
  o.threads = 1;
  const FitResult one = fit_law(runs, o);
  o.threads = 3;
  const FitResult three = fit_law(runs, o);
  REQUIRE(one.replicates.size() == three.replicates.size());
  CHECK(one.replicates == three.replicates);
  o.seed = 12;
  CHECK(fit_law(runs, o).replicates != one.replicates);
}
