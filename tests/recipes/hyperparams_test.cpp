#include <catch2/catch.hpp>

#include "footprint/forecast.h"
#include "recipes/hyperparams.h"

using namespace scaleplan::planner;
using Catch::Matchers::Contains;
using Catch::Matchers::WithinAbs;
using Catch::Matchers::WithinRel;
using scaleplan::hardware_db::ModelShape;

namespace {

ModelShape layers_by_width(int layers, int hidden) {
  ModelShape s;
  s.layers = layers;
  s.hidden = hidden;
  return s;
}

const HyperparamLaw& deepseek() { return hyperparam_preset("deepseek-llm-2024"); }

}  // namespace

TEST_CASE("hyperparams: DeepSeek LLM 7B gets its published batch and learning rate",
          "[planner][hyperparams]") {
  // arXiv:2401.02954 Table 2: 30 layers, d 4096, 4,096-token sequences,
  // 2T tokens, batch 2,304 sequences, peak learning rate 4.2e-4.
  const Hyperparams h = hyperparams_for(deepseek(), layers_by_width(30, 4096), 4096, 2e12);
  CHECK_THAT(h.batch_tokens, WithinRel(2304.0 * 4096, 0.15));
  CHECK_THAT(h.peak_lr, WithinRel(4.2e-4, 0.10));
  // M = 72 L d^2 + 12 L d l_seq, computed by hand.
  CHECK_THAT(h.flops_per_token, WithinRel(72.0 * 30 * 4096 * 4096 + 12.0 * 30 * 4096 * 4096, 1e-12));
}

TEST_CASE("hyperparams: DeepSeek LLM 67B gets its published batch and learning rate",
          "[planner][hyperparams]") {
  // Table 2: 95 layers, d 8192, 2T tokens, batch 4,608 sequences, 3.2e-4.
  const Hyperparams h = hyperparams_for(deepseek(), layers_by_width(95, 8192), 4096, 2e12);
  CHECK_THAT(h.batch_tokens, WithinRel(4608.0 * 4096, 0.15));
  CHECK_THAT(h.peak_lr, WithinRel(3.2e-4, 0.10));
}

TEST_CASE("hyperparams: budgets beyond the fitted range carry the out-of-range note",
          "[planner][hyperparams]") {
  const Hyperparams big = hyperparams_for(deepseek(), layers_by_width(30, 4096), 4096, 2e12);
  CHECK_FALSE(big.in_fitted_range);
  CHECK_THAT(big.range_note, Contains("outside the fitted range"));
  // 12 x 768 on 10B tokens: C ~ 1e19, inside 1e17..3e20.
  const Hyperparams small = hyperparams_for(deepseek(), layers_by_width(12, 768), 2048, 1e10);
  CHECK(small.compute_flops > 1e17);
  CHECK(small.compute_flops < 3e20);
  CHECK(small.in_fitted_range);
  CHECK(small.range_note.empty());
  // Inside the range, both numbers are the power laws evaluated at C.
  CHECK_THAT(small.peak_lr, WithinRel(0.3118 * std::pow(small.compute_flops, -0.125), 1e-12));
}

TEST_CASE("hyperparams: the multi-step schedule drops at 80% and 90% of training", "[planner][hyperparams]") {
  const long long total = 100000;
  const ScheduleSpec s = schedule_for(Schedule::kMultiStep, total);
  CHECK(s.warmup_steps == 2000);
  const double peak = 4.2e-4;
  CHECK_THAT(learning_rate_at(s, peak, 999, total), WithinRel(peak / 2, 1e-12));
  CHECK_THAT(learning_rate_at(s, peak, 50000, total), WithinRel(peak, 1e-12));
  CHECK_THAT(learning_rate_at(s, peak, 85000, total), WithinRel(0.316 * peak, 1e-12));
  CHECK_THAT(learning_rate_at(s, peak, total - 1, total), WithinRel(0.1 * peak, 1e-12));
}

TEST_CASE("hyperparams: cosine ends at 10% of the peak and WSD cools down to zero",
          "[planner][hyperparams]") {
  const long long total = 50000;
  const ScheduleSpec cosine = schedule_for(Schedule::kCosine, total);
  const double peak = 3e-4;
  CHECK_THAT(learning_rate_at(cosine, peak, total, total), WithinRel(0.1 * peak, 1e-9));
  const long long middle = cosine.warmup_steps + (total - cosine.warmup_steps) / 2;
  CHECK_THAT(learning_rate_at(cosine, peak, middle, total), WithinRel(0.55 * peak, 1e-3));
  const ScheduleSpec wsd = schedule_for(Schedule::kWsd, total);
  CHECK(wsd.decay_steps == 10000);
  CHECK_THAT(learning_rate_at(wsd, peak, 39000, total), WithinRel(peak, 1e-12));
  CHECK_THAT(learning_rate_at(wsd, peak, total - 1, total), WithinAbs(0, 1e-12));
}

TEST_CASE("hyperparams: warmup never takes more than a tenth of a short run", "[planner][hyperparams]") {
  CHECK(schedule_for(Schedule::kCosine, 5000).warmup_steps == 500);
  CHECK(schedule_for(Schedule::kCosine, 5).warmup_steps == 0);
  CHECK(learning_rate_at(schedule_for(Schedule::kCosine, 5), 1e-3, 0, 5) > 0);
}

TEST_CASE("hyperparams: unknown presets and schedules are refused by option name", "[planner][hyperparams]") {
  CHECK_THROWS_WITH(hyperparam_preset("kaplan"), Catch::StartsWith("hyperparams: 'kaplan'"));
  CHECK_THROWS_WITH(schedule_from_name("linear"), Catch::StartsWith("schedule: 'linear'"));
  CHECK(schedule_from_name("wsd") == Schedule::kWsd);
}
