#include <catch2/catch.hpp>

#include "support_db.h"
#include "support_finetune.h"

#include "laws/presets.h"
#include "planning/advisor.h"
#include "planning/finetune.h"

using namespace scaleplan::planner;
using Catch::Matchers::WithinRel;

using scaleplan::testing::db;

using scaleplan::testing::method_of;

namespace {

FinetuneRequest request(const char* model, double tokens, const char* hw) {
  return scaleplan::testing::finetune_request(model, tokens, hw);
}

const MethodResult& method(const FinetuneResult& r, Method m) { return method_of(r, m); }

}  // namespace

TEST_CASE("finetune: full AdamW of a 7B model takes more than one 80 GB GPU, LoRA one", "[planner]") {
  // 16 bytes per parameter of mixed-precision AdamW state: 108 GB for 6.74B.
  const FinetuneResult res = plan_finetune(db(), request("llama-2-7b", 100e6, "a100-sxm4-80gb"));
  CHECK(method(res, Method::kFull).gpus > 1);
  CHECK(method(res, Method::kLora).fits);
  CHECK(method(res, Method::kLora).gpus == 1);
}

TEST_CASE("finetune: LoRA's FLOPs are 3/4 of full fine-tuning's with recompute on both", "[planner]") {
  // Hu et al. 2021 measured 0.754 of full fine-tuning's throughput cost.
  FinetuneRequest r = request("llama-2-7b", 100e6, "a100-sxm4-80gb");
  r.recompute = true;
  const FinetuneResult rc = plan_finetune(db(), r);
  CHECK_THAT(method(rc, Method::kLora).flops / method(rc, Method::kFull).flops, WithinRel(0.75, 0.03));
  CHECK(method(rc, Method::kQlora).energy_kwh >= method(rc, Method::kLora).energy_kwh);
}

TEST_CASE("finetune: LoRA adapter count matches r (d_in + d_out) over all linear layers", "[planner]") {
  // Llama-2-7B, r = 8 on q, k, v, o, gate, up, down: 20.0M (peft reference, sec. 2.2).
  CHECK_THAT(lora_params(db().model("llama-2-7b"), 8), WithinRel(20.0e6, 0.01));
  CHECK_THAT(lora_params(db().model("llama-3.1-8b"), 16), WithinRel(41.9e6, 0.01));
  // The catalogue's shapes add up to the published sizes.
  CHECK_THAT(db().model("llama-2-7b").linear_params() + 2 * 32000.0 * 4096, WithinRel(6.74e9, 0.01));
}

TEST_CASE("finetune: --params gets the shape rule's shape", "[planner]") {
  FinetuneRequest r;
  r.params = 7e9;
  r.tokens = 1e8;
  r.hardware = "a100-sxm4-80gb";
  const FinetuneResult res = plan_finetune(db(), r);
  CHECK(res.shape_derived);
  CHECK(res.shape.hidden % 128 == 0);
  CHECK_THAT(res.shape.params, WithinRel(7e9, 0.005));
  CHECK_THAT(res.shape.linear_params(), WithinRel(7e9, 0.15));
}

TEST_CASE("finetune: bad requests are refused by name", "[planner]") {
  FinetuneRequest r = request("llama-2-7b", 1e8, "a100-sxm4-80gb");
  r.lora_rank = 0;
  CHECK_THROWS_WITH(plan_finetune(db(), r), Catch::StartsWith("lora_rank: "));
  r.lora_rank = 100000;
  CHECK_THROWS_WITH(plan_finetune(db(), r),
                    Catch::StartsWith("lora_rank: ") && Catch::Contains("hidden size"));
  CHECK_THROWS_WITH(plan_finetune(db(), request("llama-9", 1e8, "a100-sxm4-80gb")),
                    Catch::Contains("model: 'llama-9'"));
  FinetuneRequest huge = request("llama-3.1-405b", 1e8, "l4");
  huge.seq_len = 1000000;
  CHECK_THROWS_WITH(plan_finetune(db(), huge), Catch::Contains("no method fits"));
  r = request("llama-2-7b", 1e8, "a100-sxm4-80gb");
  r.global_batch = 0;
  CHECK_THROWS_WITH(plan_finetune(db(), r), Catch::StartsWith("global_batch: "));
  r.global_batch = 8;
  r.micro_batch = 16;
  r.search_micro_batch = false;
  CHECK_THROWS_WITH(plan_finetune(db(), r),
                    Catch::StartsWith("micro_batch: ") && Catch::Contains("global batch"));
  r = request("llama-2-7b", 1e8, "a100-sxm4-80gb");
  r.gpus = 4;
  r.deadline_hours = 2;
  CHECK_THROWS_WITH(plan_finetune(db(), r), Catch::StartsWith("deadline_hours: "));
}

TEST_CASE("advisor: a High pre-training plan gets at least 4 recomputed alternatives, one lower in energy",
          "[planner]") {
  ForecastInput in;
  in.params = 7e9;
  in.tokens = 1.4e11;
  in.hardware = "h100-sxm5-80gb";
  const Forecast f = forecast(db(), in);
  REQUIRE(f.tier == EpsTier::kHigh);
  const Advice a = advise_training(db(), scaleplan::laws::preset("besiroglu2024"), {in, f, 0, ""}, 10.0);
  REQUIRE(a.recommendations.size() >= 4);
  bool lower = false;
  for (const auto& r : a.recommendations) {
    lower |= r.energy_kwh < f.energy_kwh && r.kind != "open-model";
    CHECK(r.co2_kg >= 0);
  }
  CHECK(lower);
  CHECK(a.recommendations.back().offset_cost.value() == Approx(f.co2_kg / 1000 * 10));
}

TEST_CASE("advisor: lower tiers get the EPS measures and no invented alternatives", "[planner]") {
  ForecastInput in;
  in.params = 1e8;
  in.tokens = 2e9;
  in.hardware = "a100-sxm4-80gb";
  const Forecast f = forecast(db(), in);
  REQUIRE(f.tier != EpsTier::kHigh);
  const Advice a =
      advise_training(db(), scaleplan::laws::preset("besiroglu2024"), {in, f, 0, ""}, std::nullopt);
  CHECK(a.recommendations.empty());
  CHECK_FALSE(a.measures.empty());
}

TEST_CASE("advisor: over-training and serving are flagged with their recomputed costs", "[planner]") {
  ForecastInput in;
  in.params = 7e9;
  in.tokens = 2e12;  // ~14x the compute-optimal tokens
  in.hardware = "h100-sxm5-80gb";
  const Forecast f = forecast(db(), in);
  const Advice a =
      advise_training(db(), scaleplan::laws::preset("besiroglu2024"), {in, f, 0, ""}, std::nullopt);
  bool over = false;
  for (const auto& r : a.recommendations) over |= r.kind == "over-training" && r.energy_kwh < f.energy_kwh;
  CHECK(over);
  const Advice served =
      advise_training(db(), scaleplan::laws::preset("besiroglu2024"), {in, f, 1e12, ""}, std::nullopt);
  bool quant = false;
  for (const auto& r : served.recommendations) quant |= r.kind == "quantised-inference";
  CHECK(quant);
}

TEST_CASE("advisor: a High fine-tuning run is offered LoRA and QLoRA instead of full", "[planner]") {
  FinetuneRequest r = request("llama-2-70b", 5e9, "a100-sxm4-80gb");
  r.methods = {Method::kFull};
  const FinetuneResult res = plan_finetune(db(), r);
  REQUIRE(res.methods.front().tier == EpsTier::kHigh);
  const Advice a = advise_finetune(db(), r, res, std::nullopt);
  bool lora = false;
  for (const auto& x : a.recommendations) {
    lora |= x.kind == "method" && x.energy_kwh < res.methods.front().energy_kwh;
    // An alternative method is planned within the run's own wall clock.
    if (x.kind == "method") CHECK(*x.wall_days <= res.methods.front().forecast.wall_days * (1 + 1e-6));
    // A memory measure's figures are taken on the run's own GPUs: 8-bit
    // AdamW halves the 12 bytes of state per parameter.
    if (x.kind == "optimizer" && x.title == "use adamw-8bit") {
      CHECK_THAT(*x.freed_gb_per_gpu, WithinRel(res.methods.front().memory.optimizer_gb / 2, 0.01));
    }
  }
  CHECK(lora);
}

TEST_CASE("finetune: a given MFU sets the time, and the tokens per second shown agree with it", "[planner]") {
  FinetuneRequest r = request("llama-2-7b", 1e8, "h100-sxm5-80gb");
  r.methods = {Method::kFull};
  r.mfu = 0.3;
  const MethodResult m = plan_finetune(db(), r).methods.front();
  CHECK(m.step.mfu == 0.3);
  CHECK_THAT(m.step.tokens_per_s * m.forecast.wall_days * 86400, WithinRel(1e8, 1e-9));
  CHECK_THAT(m.forecast.gpu_hours * 3600 * 989.4e12 * 0.3, WithinRel(m.flops, 1e-6));  // H100 SXM dense BF16
}
