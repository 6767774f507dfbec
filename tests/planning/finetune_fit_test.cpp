// Fine-tuning's GPU policy: the fewest GPUs that hold the run, its layout
// searched as pre-training's is, and the methods compared like for like.
#include <catch2/catch.hpp>

#include "planning/finetune.h"
#include "support_db.h"
#include "support_finetune.h"

using namespace scaleplan::planner;
using scaleplan::testing::embedded_db;

using scaleplan::testing::finetune_request;
using scaleplan::testing::method_of;

namespace {

FinetuneResult plan(const char* model, double tokens, const char* hardware) {
  return plan_finetune(embedded_db(), finetune_request(model, tokens, hardware));
}

}  // namespace

TEST_CASE("QLoRA of LLaMA 65B fits one 48 GB RTX A6000 by default (Dettmers et al. 2023)",
          "[planner][finetune]") {
  // "finetune a 65B parameter model on a single 48GB GPU" (QLoRA abstract).
  const auto res = plan("llama-65b", 2e7, "rtx-a6000");
  const MethodResult& q = method_of(res, Method::kQlora);
  REQUIRE(q.fits);
  CHECK(q.gpus == 1);
  CHECK(q.memory.total_gb() <= 48 * 1.073741824);
}

// The training state alone bounds the count from below: 16 bytes a parameter
// of AdamW mixed precision over 48 GiB cards is 21.4 cards for 69B. The
// formula-era planner once took 1,832 of them (full) and 64 for QLoRA.
TEST_CASE("fine-tuning 70B on 48 GB cards takes GPUs near the state's bound, not ten times it",
          "[planner][finetune]") {
  for (const char* model : {"llama-65b", "llama-2-70b"}) {
    INFO(model);
    const auto res = plan(model, 1e7, "rtx-a6000");
    const double bound = 16 * res.shape.params / (48 * 1.073741824e9);
    for (const MethodResult& m : res.methods) {
      INFO(method_name(m.method));
      REQUIRE(m.fits);
      if (m.method == Method::kFull) {
        CHECK(m.gpus >= bound);
        CHECK(m.gpus <= bound + 8);
      }
      if (m.method == Method::kQlora) CHECK(m.gpus == 1);
      if (m.method == Method::kLora) CHECK(m.gpus <= 4);  // bf16 weights: 2 x 69B over 48 GiB is 2.7 cards
    }
  }
}

TEST_CASE("an 80 GB card never takes more GPUs than the 40 GB card of its family, nor QLoRA more than LoRA",
          "[planner][finetune]") {
  for (const char* model : {"llama-2-7b", "llama-2-13b", "llama-2-70b", "llama-3.1-8b"}) {
    INFO(model);
    const auto small = plan(model, 1e7, "a100-sxm4-40gb");
    const auto large = plan(model, 1e7, "a100-sxm4-80gb");
    for (Method m : {Method::kFull, Method::kLora, Method::kQlora}) {
      INFO(method_name(m));
      CHECK(method_of(large, m).gpus <= method_of(small, m).gpus);
    }
    for (const auto* res : {&small, &large})
      CHECK(method_of(*res, Method::kQlora).gpus <= method_of(*res, Method::kLora).gpus);
  }
}

TEST_CASE("the methods are compared at one micro-batch", "[planner][finetune]") {
  const auto res = plan("llama-2-13b", 1e7, "a100-sxm4-80gb");
  for (const auto& m : res.methods) CHECK(m.micro_batch == res.methods.front().micro_batch);
  // At one micro-batch QLoRA's 4-bit base needs less memory than LoRA's bf16 one.
  CHECK(method_of(res, Method::kQlora).memory.total_gb() < method_of(res, Method::kLora).memory.total_gb());
}

TEST_CASE("a deadline buys the fewest GPUs that meet it", "[planner][finetune]") {
  FinetuneRequest r = finetune_request("llama-2-7b", 1e9, "a100-sxm4-80gb");
  r.methods = {Method::kLora};
  const auto alone = plan_finetune(embedded_db(), r).methods.front();
  REQUIRE(alone.forecast.wall_days * 24 > 10);
  r.deadline_hours = 10;
  const auto fast = plan_finetune(embedded_db(), r).methods.front();
  CHECK(fast.forecast.wall_days * 24 <= 10);
  CHECK(fast.gpus > alone.gpus);
  r.deadline_hours.reset();
  r.gpus = fast.gpus == 1 ? 1 : fast.gpus - 1;  // one fewer misses it
  if (fast.gpus > 1) {
    r.gpus = fast.gpus <= 8 ? fast.gpus - 1 : fast.gpus - 8;
    CHECK(plan_finetune(embedded_db(), r).methods.front().forecast.wall_days * 24 > 10);
  }
}

TEST_CASE("full fine-tuning on 16 RTX 4090s pays for PCIe and runs slower per token than on 16 A100s",
          "[planner][finetune]") {
  FinetuneRequest r;
  r.model = "llama-2-7b";
  r.tokens = 1e8;
  r.methods = {Method::kFull};
  r.gpus = 16;
  r.hardware = "rtx-4090";
  const auto geforce = plan_finetune(embedded_db(), r).methods.front();
  r.hardware = "a100-sxm4-80gb";
  const auto a100 = plan_finetune(embedded_db(), r).methods.front();
  REQUIRE(geforce.fits);
  CHECK(geforce.step.tp_comm_s + geforce.step.pp_comm_s + geforce.step.dp_exposed_s > 0);
  CHECK(geforce.step.tokens_per_s < a100.step.tokens_per_s);
}

TEST_CASE("when nothing fits the refusal says how far it looked", "[planner][finetune]") {
  FinetuneRequest r = finetune_request("llama-3.1-405b", 1e8, "l4");
  r.seq_len = 1000000;
  CHECK_THROWS_WITH(plan_finetune(embedded_db(), r),
                    Catch::Contains("no layout on up to") && Catch::Contains("GiB"));
}

TEST_CASE("a time sharded with ZeRO-3 over several GPUs says it is a lower bound", "[planner][finetune]") {
  const auto res = plan("llama-2-70b", 1e7, "a100-sxm4-80gb");
  const MethodResult& full = method_of(res, Method::kFull);
  REQUIRE(full.layout.zero_stage == 3);
  CHECK_THAT(time_caveat(full), Catch::Contains("lower bound"));
  CHECK(time_caveat(method_of(res, Method::kQlora)).empty());  // one GPU: nothing gathered
}

TEST_CASE("a fine-tune the fewest GPUs would run for months is sized for the default 30 days, and says so",
          "[planner][finetune]") {
  FinetuneRequest r = finetune_request("llama-2-7b", 5e10, "h100-sxm5-80gb");
  r.methods = {Method::kLora};
  const MethodResult m = plan_finetune(embedded_db(), r).methods.front();
  CHECK(m.deadline_assumed);
  CHECK(m.gpus > 1);
  CHECK(m.forecast.wall_days <= 30 * (1 + 1e-9));
  // Where no count can (16 sequences a step cap data parallelism), it says that instead.
  r.tokens = 1e15;
  const MethodResult capped = plan_finetune(embedded_db(), r).methods.front();
  CHECK(capped.deadline_missed);
  CHECK_FALSE(capped.deadline_assumed);
}

TEST_CASE("a global batch larger than the run, or examples beyond the token domain, are refused",
          "[planner][finetune]") {
  FinetuneRequest r = finetune_request("llama-2-7b", 1e6, "h100-sxm5-80gb");
  r.global_batch = 1000;
  CHECK_THROWS_WITH(plan_finetune(embedded_db(), r),
                    Catch::StartsWith("global_batch: ") && Catch::Contains("at least one optimizer step"));
  r.global_batch = 16;
  r.tokens = 0;
  r.examples = 1e15;
  CHECK_THROWS_WITH(plan_finetune(embedded_db(), r),
                    Catch::StartsWith("examples: ") && Catch::Contains("1e18"));
}
