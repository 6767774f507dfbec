// The model's published accuracy: the shipped validation datasets scored,
// each against the bar the project states (validation/README.md), and the
// refusals of a user's validation CSV.
#include <algorithm>
#include <catch2/catch.hpp>
#include <cmath>

#include "planning/validate.h"
#include "support_db.h"
#include "systems/constants.h"
#include "systems/errors.h"

using namespace scaleplan;
using namespace scaleplan::planner;

namespace {

const ValidationScore& shipped_score(const std::vector<ValidationScore>& scores, const std::string& dataset) {
  for (const auto& s : scores) {
    if (s.dataset == dataset) return s;
  }
  FAIL("no dataset " << dataset);
  throw;
}

std::string validation_refusal(const std::string& csv) {
  try {
    validate_runs(testing::embedded_db(), "my.csv", read_validation_runs(csv, "my.csv"));
  } catch (const Error& e) {
    return e.what();
  }
  return "";
}

const char* const kStepHeader =
    "run,hardware,gpus,seq_len,layers,hidden,heads,global_batch,tp,pp,dp,step_s\n";

}  // namespace

TEST_CASE(
    "validate: Korthikanti et al.'s measured iteration times are predicted within 10% MAPE, bias within 5%",
    "[planning][validate]") {
  const auto scores = validate_shipped(testing::embedded_db());
  const ValidationScore& s = shipped_score(scores, "korthikanti2022_table5");
  REQUIRE(s.cases.size() == 8);
  CHECK(s.quantity == Quantity::kStepTime);
  CHECK(s.mean_abs_error <= 0.10);
  CHECK(std::abs(std::log(s.bias)) <= std::log(1.05));
  CHECK(s.within_1_2 == 8);
  // Selective recomputation is faster than full on every model, as measured.
  for (size_t i = 0; i + 1 < s.cases.size(); i += 2) CHECK(s.cases[i].predicted < s.cases[i + 1].predicted);
}

TEST_CASE(
    "validate: Narayanan et al.'s measured TFLOP/s per GPU are predicted within 10% MAPE, bias within 5%",
    "[planning][validate]") {
  const auto scores = validate_shipped(testing::embedded_db());
  const ValidationScore& s = shipped_score(scores, "narayanan2021_table1");
  REQUIRE(s.cases.size() == 10);
  CHECK(s.mean_abs_error <= 0.10);
  CHECK(std::abs(std::log(s.bias)) <= std::log(1.05));
  CHECK(s.within_1_2 == 10);
}

TEST_CASE("validate: the billed runs are scored with the range the forecast prints", "[planning][validate]") {
  const auto scores = validate_shipped(testing::embedded_db());
  const ValidationScore& s = shipped_score(scores, "billed_runs");
  REQUIRE(s.cases.size() >= 20);
  CHECK(s.with_range == static_cast<int>(s.cases.size()));
  // Today's level, stated in the README's scorecard; the bar is
  // median x1.15 and 90% within x1.5, not met yet.
  CHECK(s.median_abs_error <= 0.25);
  CHECK(s.within_1_5 >= static_cast<int>(0.8 * s.cases.size()));
  CHECK(std::abs(std::log(s.bias)) <= std::log(1.15));
}

TEST_CASE("validate: the scores are the errors of the cases, computed independently",
          "[planning][validate]") {
  const auto scores = validate_shipped(testing::embedded_db());
  for (const ValidationScore& s : scores) {
    double log_sum = 0, abs_sum = 0;
    int within = 0;
    for (const auto& c : s.cases) {
      log_sum += std::log(c.predicted / c.measured);
      abs_sum += std::abs(c.predicted - c.measured) / c.measured;
      within += c.predicted / c.measured <= 1.5 && c.measured / c.predicted <= 1.5;
    }
    CHECK(s.bias == Approx(std::exp(log_sum / s.cases.size())));
    CHECK(s.mean_abs_error == Approx(abs_sum / s.cases.size()));
    CHECK(s.within_1_5 == within);
  }
}

TEST_CASE("validate: a user's row with a given layout is evaluated as given", "[planning][validate]") {
  // Korthikanti's 175B with selective recomputation, as a user would type it.
  const std::string csv =
      "run,layers,hidden,heads,kv_heads,ffn,vocab,gated_mlp,hardware,gpus,seq_len,global_batch,tp,pp,dp,"
      "micro_batch,zero,recompute,stack,step_s\n"
      "mine,96,12288,96,96,49152,51200,false,a100-sxm4-80gb,64,2048,64,8,8,1,1,0,selective,megatron-2022,13."
      "75\n";
  const auto mine = validate_runs(testing::embedded_db(), "my.csv", read_validation_runs(csv, "my.csv"));
  REQUIRE(mine.size() == 1);
  const auto shipped = validate_shipped(testing::embedded_db());
  const auto& korthikanti = shipped_score(shipped, "korthikanti2022_table5");
  CHECK(mine[0].cases[0].predicted == Approx(korthikanti.cases[2].predicted).epsilon(1e-12));
  CHECK(mine[0].cases[0].layout == "TP8 PP8 DP1 mb1 x64 selective ZeRO-0");
}

TEST_CASE("validate: a bad validation CSV is refused naming its line and column", "[planning][validate]") {
  CHECK_THAT(validation_refusal(std::string(kStepHeader) + "a,h100,8,2048,32,4096,32,64,2,2,4,1.0\n"),
             Catch::Contains("my.csv:2:11: column 'dp': tp x pp x dp = 16, not the 8 GPUs"));
  CHECK_THAT(validation_refusal(std::string(kStepHeader) + "a,h100,8,2048,32,4096,32,64,2,2,2,-1\n"),
             Catch::Contains("my.csv:2:12: column 'step_s': -1 is not positive"));
  CHECK_THAT(validation_refusal(std::string(kStepHeader) + "a,h100,8,2048,32,4096,32,64,2,2,2,inf\n"),
             Catch::Contains("is not a finite number"));
  CHECK_THAT(validation_refusal(std::string(kStepHeader) + "a,tpu-v9,8,2048,32,4096,32,64,2,2,2,1\n"),
             Catch::Contains("my.csv:2 (a): hardware: 'tpu-v9'"));
  CHECK_THAT(validation_refusal("run,hardware,gpus,seq_len,params,tokens,colour\na,h100,8,2048,7e9,1e11,5\n"),
             Catch::Contains("my.csv:1:7: unknown column 'colour'"));
  CHECK_THAT(validation_refusal("run,hardware,seq_len,params,tokens,gpu_hours\na,h100,2048,7e9,1e11,5\n"),
             Catch::Contains("my.csv:2: column 'gpus' is empty or missing"));
  CHECK_THAT(validation_refusal("run,hardware,gpus,seq_len,params,tokens\na,h100,8,2048,7e9,1e11\n"),
             Catch::Contains("my.csv:2: no measurement"));
  CHECK_THAT(validation_refusal("run,hardware,gpus,seq_len,params,gpu_hours\na,h100,8,2048,7e9,500\n"),
             Catch::Contains("gpu_hours needs column 'tokens'"));
  CHECK_THAT(validation_refusal("run,hardware,gpus,seq_len,params,recompute,global_batch,step_s\n"
                                "a,h100,8,2048,7e9,some,64,1\n"),
             Catch::Contains("column 'recompute': 'some' is not a recomputation"));
  CHECK_THAT(validation_refusal("run,hardware,gpus,seq_len,params\n"), Catch::Contains("no runs"));
}

namespace {

// The split-conformal 80% interval of `ratios` (measured / modelled): the
// floor(0.1 (n + 1))-th and ceil(0.9 (n + 1))-th smallest (Lei et al. 2018).
std::pair<double, double> conformal_80(std::vector<double> ratios) {
  std::sort(ratios.begin(), ratios.end());
  const double n = static_cast<double>(ratios.size());
  const auto lo = static_cast<size_t>(std::floor(0.1 * (n + 1)));
  const auto hi = std::min(ratios.size(), static_cast<size_t>(std::ceil(0.9 * (n + 1))));
  return {ratios[lo - 1], ratios[hi - 1]};
}

}  // namespace

TEST_CASE(
    "validate: the printed 80% interval is the conformal interval of the billed runs' errors, and holds out "
    "of sample",
    "[planning][validate]") {
  const auto scores = validate_shipped(testing::embedded_db());
  const ValidationScore& s = shipped_score(scores, "billed_runs");
  std::vector<double> ratios;
  for (const auto& c : s.cases) ratios.push_back(c.measured / c.predicted);
  const auto [low, high] = conformal_80(ratios);
  CHECK(kBilledHoursLowFactor == Approx(low).epsilon(0.005));
  CHECK(kBilledHoursHighFactor == Approx(high).epsilon(0.005));
  // Each run's interval is the model's: billed x [low, high].
  for (const auto& c : s.cases) {
    REQUIRE(c.range);
    CHECK(c.range->low == Approx(c.predicted * kBilledHoursLowFactor));
    CHECK(c.range->high == Approx(c.predicted * kBilledHoursHighFactor));
  }
  // Left out one at a time, the interval of the other runs covers 75-85%.
  int covered = 0;
  for (size_t k = 0; k < ratios.size(); ++k) {
    std::vector<double> others = ratios;
    others.erase(others.begin() + static_cast<long>(k));
    const auto [lo, hi] = conformal_80(others);
    covered += ratios[k] >= lo && ratios[k] <= hi;
  }
  const double share = static_cast<double>(covered) / ratios.size();
  INFO(covered << " of " << ratios.size() << " covered out of sample");
  CHECK(share >= 0.75);
  CHECK(share <= 0.85);
}
