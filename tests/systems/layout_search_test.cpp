// The layout search: the fastest fitting layout, published MFU of large
// runs, the goodput and batch-size defaults, and refused layouts.
#include <catch2/catch.hpp>
#include <cmath>

#include "support_systems.h"
#include "systems/layout_search.h"
#include "systems/shape.h"

using scaleplan::testing::gpt_shape;

using namespace scaleplan;
using namespace scaleplan::planner;

namespace {

System accelerator_system(const char* id) { return system_for(testing::embedded_db().accelerator(id)); }

double best_mfu(const char* hardware, const hardware_db::ModelShape& shape, int seq, double batch_seqs,
                int gpus, std::optional<int> tp = {}, std::optional<int> pp = {}) {
  const System sys = accelerator_system(hardware);
  Workload w{shape, seq, batch_seqs, default_stack(sys), Training{}};
  SearchOptions o;
  o.gpus = gpus;
  o.tensor_parallel = tp;
  o.pipeline_parallel = pp;
  const SearchResult r = search_layouts(sys, w, o);
  REQUIRE_FALSE(r.best.empty());
  INFO(r.best.front().layout.describe());
  return r.best.front().time.mfu;
}

}  // namespace

TEST_CASE("search: the layout chosen for 175B on 1,024 A100s fits and matches an exhaustive search",
          "[planner][search]") {
  const System sys = accelerator_system("a100-sxm4-80gb");
  Workload w{gpt_shape(96, 12288, 96), 2048, 1536, default_stack(sys), Training{}};
  SearchOptions o;
  o.gpus = 1024;
  o.top = 1;
  const SearchResult pruned = search_layouts(sys, w, o);
  const SearchResult all = search_layouts_exhaustive(sys, w, o);
  REQUIRE_FALSE(pruned.best.empty());
  const LayoutResult& best = pruned.best.front();
  CHECK(best.fits);
  CHECK(best.memory.total_bytes() <= sys.memory_bytes);
  CHECK(best.layout.gpus() == 1024);
  CHECK(best.time.step_s <= all.best.front().time.step_s * (1 + 1e-12));
  CHECK(all.evaluated > pruned.evaluated);
  // An independent check of the winner: re-evaluated alone it gives the same time.
  CHECK(evaluate_layout(sys, w, best.layout).time.step_s == Approx(best.time.step_s));
}

// Published steady-state MFU (model FLOPs over peak) of large runs, with the
// published TP x PP where the papers give them.
TEST_CASE("search: MFU within 5 points of MegaScale, Nemotron-4, Llama 3.1, TinyLlama and PaLM",
          "[planner][search]") {
  const auto& db = testing::embedded_db();
  // Jiang et al. 2024 (MegaScale), 175B on 12,288 GPUs, batch 6,144 x 2,048, TP 8, PP 8: 55.2%.
  CHECK(best_mfu("a100-sxm4-80gb", gpt_shape(96, 12288, 96), 2048, 6144, 12288, 8, 8) ==
        Approx(0.552).margin(0.05));
  // NVIDIA 2024, Nemotron-4 340B Table 2: TP 8, PP 12, seq 4,096; batch 768/1,536/2,304 on 1,536/3,072/6,144
  // H100.
  const auto nemotron = gpt_shape(96, 18432, 96, 256000, 73728, 8);
  CHECK(best_mfu("h100-sxm5-80gb", nemotron, 4096, 768, 1536, 8, 12) == Approx(0.424).margin(0.05));
  CHECK(best_mfu("h100-sxm5-80gb", nemotron, 4096, 1536, 3072, 8, 12) == Approx(0.423).margin(0.05));
  CHECK(best_mfu("h100-sxm5-80gb", nemotron, 4096, 2304, 6144, 8, 12) == Approx(0.410).margin(0.05));
  // Dubey et al. 2024, Llama 3 Table 4: 405B, 16M tokens per step of 8,192: 38-43% on 8,192-16,384 H100.
  const double llama_8k = best_mfu("h100-sxm5-80gb", db.model("llama-3.1-405b"), 8192, 2048, 8192);
  CHECK(llama_8k > 0.38 - 0.05);
  CHECK(llama_8k < 0.43 + 0.05);
  // Zhang et al. 2024, TinyLlama 1.1B on 16 A100-40GB, 2M-token batches: ~56%.
  CHECK(best_mfu("a100-sxm4-40gb", db.model("tinyllama-1.1b"), 2048, 1024, 16) == Approx(0.56).margin(0.05));
  // Chowdhery et al. 2022 (PaLM), Table 3 and Sec. 4: 540B (118 layers of 18,432, 48 heads, multi-query,
  // SwiGLU MLP of 4d, 256k vocabulary) on 6,144 TPU v4 chips, 2,048 sequences of 2,048, no pipeline: 46.2%.
  const auto palm = gpt_shape(118, 18432, 48, 256000, 73728, 1, true);
  CHECK(best_mfu("tpu-v4", palm, 2048, 2048, 6144, {}, 1) == Approx(0.462).margin(0.05));
  CHECK(best_mfu("tpu-v4", palm, 2048, 2048, 6144) == Approx(0.462).margin(0.05));
}

TEST_CASE("search: goodput loses Llama 3's interruption rate times 10 minutes, on top of g0",
          "[planner][search]") {
  // 419 interruptions in 54 days on 16,384 GPUs; 10 minutes lost each.
  const double failures = 419.0 / (54 * 24) * (10.0 / 60);
  CHECK(goodput_for(16384).value == Approx(kGoodputBase / (1 + failures)));
  CHECK(goodput_for(16384).value / kGoodputBase == Approx(0.949).margin(0.002));
  CHECK(goodput_for(8).value == Approx(kGoodputBase).margin(1e-4));
  CHECK(goodput_for(1024).low < goodput_for(1024).value);
  CHECK(goodput_for(1024).high > goodput_for(1024).value);
}

TEST_CASE("search: the default global batch is DeepSeek LLM's 0.292 C^0.3271 tokens", "[planner][search]") {
  // Recomputed from eq. 1 of DeepSeek-AI 2024.
  CHECK(batch_law_tokens(1e21) == Approx(0.2920 * std::pow(1e21, 0.3271)));
  CHECK(batch_law_tokens(3e23) > batch_law_tokens(1e21));
}

TEST_CASE("search: refuses layouts that cannot exist, naming the constraint", "[planner][search]") {
  const System sys = accelerator_system("h100-sxm5-80gb");
  Workload w{gpt_shape(80, 8192, 64), 4096, 512, default_stack(sys), Training{}};
  SearchOptions o;
  o.gpus = 64;
  o.tensor_parallel = 16;
  CHECK_THROWS_WITH(search_layouts(sys, w, o), Catch::Contains("--tp") && Catch::Contains("beyond one node"));
  o.tensor_parallel = 8;
  o.pipeline_parallel = 3;
  CHECK_THROWS_WITH(search_layouts(sys, w, o), Catch::StartsWith("gpus: ") && Catch::Contains("TP x PP"));
  o.pipeline_parallel = 1;
  o.micro_batch = 128;
  CHECK_THROWS_WITH(search_layouts(sys, w, o), Catch::Contains("--global-batch-tokens"));
  Workload odd{gpt_shape(80, 8192, 64), 4096, 512, default_stack(sys), Training{}};
  odd.shape.heads = odd.shape.kv_heads = 12;
  SearchOptions o2;
  o2.gpus = 64;
  o2.tensor_parallel = 8;
  CHECK_THROWS_WITH(search_layouts(sys, odd, o2), Catch::Contains("heads"));
}

TEST_CASE("search: refuses a pinned degree of 0 or a ZeRO stage past 3 by the option's name",
          "[planner][search]") {
  const System sys = accelerator_system("h100-sxm5-80gb");
  const Workload w{gpt_shape(32, 4096, 32), 2048, 512, default_stack(sys), Training{}};
  const auto refusal = [&](auto pin, int value) {
    SearchOptions o;
    o.gpus = 8;
    o.*pin = value;
    try {
      search_layouts(sys, w, o);
    } catch (const std::exception& e) {
      return std::string(e.what());
    }
    return std::string("accepted");
  };
  CHECK(refusal(&SearchOptions::tensor_parallel, 0) == "tp: 0 must be a whole count of at least 1");
  CHECK(refusal(&SearchOptions::pipeline_parallel, -2) == "pp: -2 must be a whole count of at least 1");
  CHECK(refusal(&SearchOptions::micro_batch, 0) == "micro_batch: 0 must be a whole count of at least 1");
  CHECK(refusal(&SearchOptions::virtual_pipeline, 0) ==
        "virtual_stages: 0 must be a whole count of at least 1");
  CHECK(refusal(&SearchOptions::zero_stage, 4) == "zero: 4 is not a ZeRO stage; expected 0, 1, 2 or 3");
  CHECK(refusal(&SearchOptions::zero_stage, 3) == "accepted");
}

TEST_CASE("search: a model too large for the accelerators says how much memory the leanest layout needs",
          "[planner][search]") {
  const System sys = accelerator_system("a100-sxm4-40gb");
  Workload w{gpt_shape(128, 25600, 160), 2048, 64, default_stack(sys), Training{}};
  SearchOptions o;
  o.gpus = 8;
  const SearchResult r = search_layouts(sys, w, o);
  CHECK(r.best.empty());
  CHECK_THAT(r.why_none, Catch::Contains("no layout fits") && Catch::Contains("GiB"));
}
