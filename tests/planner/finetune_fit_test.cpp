// Fine-tuning searches micro-batch, recompute and GPU count until it fits.
#include <catch2/catch.hpp>

#include "planning/finetune.h"
#include "support.h"

using namespace scaleplan::planner;
using scaleplan::testing::embedded_db;

TEST_CASE("QLoRA of a 65B model fits one 48 GB RTX A6000 by default, with recompute (Dettmers et al. 2023)",
          "[planner][finetune]") {
  FinetuneRequest r;
  r.params = 65e9;
  r.tokens = 5e7;
  r.hardware = "rtx-a6000";
  r.methods = {Method::kQlora};
  const auto res = plan_finetune(embedded_db(), r);
  const MethodResult& m = res.methods.front();
  REQUIRE(m.fits);
  CHECK(m.gpus == 1);
  CHECK(m.recompute);
  CHECK(m.config_changed);
  CHECK(m.memory.total_gb() <= 48);
  CHECK(m.micro_batch * m.gradient_accumulation == r.micro_batch);  // the global batch is kept
}

TEST_CASE("LoRA and QLoRA of llama-2-70b on A100-80GB are feasible by default", "[planner][finetune]") {
  FinetuneRequest r;
  r.model = "llama-2-70b";
  r.tokens = 1e8;
  r.hardware = "a100-sxm4-80gb";
  r.methods = {Method::kLora, Method::kQlora};
  const auto res = plan_finetune(embedded_db(), r);
  for (const auto& m : res.methods) {
    INFO(method_name(m.method));
    CHECK(m.fits);
    CHECK(m.memory.total_gb() <= 80 * 1.073741824);  // a datasheet "80 GB" is 80 GiB
  }
}

TEST_CASE("settings that fit are kept: no recompute energy where none is needed", "[planner][finetune]") {
  FinetuneRequest r;
  r.model = "llama-2-7b";
  r.tokens = 1e8;
  r.hardware = "a100-sxm4-80gb";
  r.methods = {Method::kLora};
  const auto m = plan_finetune(embedded_db(), r).methods.front();
  CHECK(m.fits);
  CHECK_FALSE(m.recompute);
  CHECK(m.micro_batch == 4);
  CHECK_FALSE(m.config_changed);
}

TEST_CASE("when nothing fits the refusal names the smallest requirement", "[planner][finetune]") {
  FinetuneRequest r;
  r.model = "llama-3.1-405b";
  r.tokens = 1e8;
  r.hardware = "l4";
  r.seq_len = 131072;
  CHECK_THROWS_WITH(plan_finetune(embedded_db(), r),
                    Catch::Contains("needs at least") && Catch::Contains("GiB"));
}
