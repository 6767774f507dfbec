// Memory and the description of given layouts, against Korthikanti et
// al.'s closed forms on A100-80GB with Megatron-LM of 2021-22.
#include <catch2/catch.hpp>

#include "support_systems.h"
#include "systems/layout_search.h"
#include "systems/shape.h"

using scaleplan::testing::gpt_shape;

using namespace scaleplan;
using namespace scaleplan::planner;

namespace {

constexpr Stack kMegatron2022{false, false};

System a100() { return system_for(testing::embedded_db().accelerator("a100-sxm4-80gb")); }

}  // namespace

// Korthikanti et al. 2022 eq. 4: with sequence parallelism and selective
// recompute the first stage holds s b h L x 34 / t bytes of activations.
TEST_CASE("layout: activation memory follows Korthikanti's 34 s b h L / t", "[planner][layout]") {
  const System sys = a100();
  Workload w{gpt_shape(96, 12288, 96), 2048, 64, kMegatron2022, Training{}};
  Layout l;
  l.tensor_parallel = 8;
  l.pipeline_parallel = 8;
  l.data_parallel = 1;
  l.num_micro_batches = 64;
  l.recompute = Recompute::kSelective;
  const double expected = 2048.0 * 12288 * 96 * 34 / 8;
  CHECK(layout_memory(sys, w, l).activations_bytes == Approx(expected).epsilon(1e-9));
  // AdamW state of the busiest stage: 16 bytes per parameter without ZeRO.
  l.zero_stage = 0;
  const LayoutMemory m = layout_memory(sys, w, l);
  const double stage_params = (12.0 * 12288 * 12288 * 12 + 51200.0 * 12288) / 8;
  CHECK(m.weights_bytes + m.gradients_bytes + m.optimizer_bytes == Approx(16 * stage_params).epsilon(0.01));
}

// The published iteration times and TFLOP/s (Korthikanti et al. 2022 Table 5,
// Narayanan et al. 2021 Table 1) are scored from validation/*.csv in
// tests/planning/validate_test.cpp, with the layouts as published.

TEST_CASE("layout: a layout describes itself as the README and Megatron users write it",
          "[planner][layout]") {
  Layout l;
  l.tensor_parallel = 8, l.pipeline_parallel = 4, l.data_parallel = 32, l.micro_batch = 1,
  l.num_micro_batches = 16, l.virtual_pipeline = 2;
  l.recompute = Recompute::kSelective, l.zero_stage = 1;
  CHECK(l.describe() == "TP8 PP4 DP32 mb1 x16 v2 selective ZeRO-1");
  l.virtual_pipeline = 1, l.recompute = Recompute::kNone, l.zero_stage = 3;
  CHECK(l.describe() == "TP8 PP4 DP32 mb1 x16 none ZeRO-3");
}

// Shah et al. 2024 (FlashAttention-3), Fig. 5: FlashAttention-2's causal
// forward pass with head dim 128 runs at 333 TFLOP/s on an H100 SXM5 at
// sequence 8192 (2 s^2 d FLOPs per head with the causal mask). Selective
// recomputation repeats exactly that forward attention, once per layer.
TEST_CASE("layout: attention on an H100 runs at FlashAttention-2's measured rate", "[planner][layout]") {
  const System sys = system_for(testing::embedded_db().accelerator("h100-sxm5-80gb"));
  REQUIRE_FALSE(sys.attention_rates.empty());
  Workload w{gpt_shape(32, 4096, 32), 8192, 1, default_stack(sys), Training{}};
  Layout l;
  l.zero_stage = 0;
  const double none_s = evaluate_layout(sys, w, l).time.step_s;
  l.recompute = Recompute::kSelective;
  const double selective_s = evaluate_layout(sys, w, l).time.step_s;
  const double forward_attention_s = 32 * (2.0 * 32 * 8192.0 * 8192 * 128) / 333e12;
  CHECK(selective_s - none_s == Approx(forward_attention_s).epsilon(1e-6));
  // Between measured lengths the rate lies between its neighbours' (319
  // TFLOP/s at 4096, 333 at 8192).
  w.seq_len = 6144;
  const double at_6144 = evaluate_layout(sys, w, l).time.step_s - [&] {
    Layout n = l;
    n.recompute = Recompute::kNone;
    return evaluate_layout(sys, w, n).time.step_s;
  }();
  const double flops_6144 = 32 * (2.0 * 32 * 6144.0 * 6144 * 128);
  CHECK(at_6144 < flops_6144 / 319e12);
  CHECK(at_6144 > flops_6144 / 333e12);
}
