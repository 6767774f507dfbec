// Step time and memory of given layouts against published measurements on
// A100-80GB with Megatron-LM of 2021-22 (unfused attention, gradient
// all-reduce after the backward pass).
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

// Korthikanti et al. 2022, Table 3 (configurations) and Table 5 (iteration
// times, sequence length 2048, micro-batch 1, tensor parallel 8).
TEST_CASE("layout: Korthikanti et al. 2022 Table 5 iteration times within 15%", "[planner][layout]") {
  struct Case {
    const char* name;
    int layers, hidden, heads, pp, gpus, batch;
    double selective_s, full_s;
  };
  const Case cases[] = {{"22B", 48, 6144, 64, 1, 8, 4, 1.10, 1.42},
                        {"175B", 96, 12288, 96, 8, 64, 64, 13.75, 18.13},
                        {"530B", 105, 20480, 128, 35, 280, 280, 37.83, 49.05},
                        {"1T", 128, 25600, 160, 64, 512, 512, 71.49, 94.42}};
  const System sys = a100();
  for (const Case& c : cases) {
    CAPTURE(c.name);
    Workload w{gpt_shape(c.layers, c.hidden, c.heads), 2048, static_cast<double>(c.batch), kMegatron2022,
               Training{}};
    Layout l;
    l.tensor_parallel = 8;
    l.pipeline_parallel = c.pp;
    l.data_parallel = c.gpus / (8 * c.pp);
    l.micro_batch = c.pp == 1 ? c.batch : 1;
    l.num_micro_batches = c.batch / (l.data_parallel * l.micro_batch);
    l.zero_stage = 0;
    REQUIRE(layout_problem(sys, w, l).empty());
    l.recompute = Recompute::kSelective;
    const LayoutResult sel = evaluate_layout(sys, w, l);
    CHECK(sel.fits);
    CHECK(sel.time.step_s == Approx(c.selective_s).epsilon(0.15));
    l.recompute = Recompute::kFull;
    CHECK(evaluate_layout(sys, w, l).time.step_s == Approx(c.full_s).epsilon(0.15));
  }
}

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

// Narayanan et al. 2021, Table 1: weak scaling with full recompute,
// achieved TFLOP/s per GPU (hardware FLOPs of eq. 3); TP and PP as
// published, the rest searched, the plain 1F1B schedule.
TEST_CASE("layout: Narayanan et al. 2021 Table 1 per-GPU throughput within 15%", "[planner][layout]") {
  struct Case {
    const char* name;
    int heads, hidden, layers, tp, pp, gpus, batch;
    double tflops;
  };
  const Case cases[] = {
      {"1.7B", 24, 2304, 24, 1, 1, 32, 512, 137},          {"3.6B", 32, 3072, 30, 2, 1, 64, 512, 138},
      {"7.5B", 32, 4096, 36, 4, 1, 128, 512, 142},         {"18.4B", 48, 6144, 40, 8, 1, 256, 1024, 135},
      {"39.1B", 64, 8192, 48, 8, 2, 512, 1536, 138},       {"76.1B", 80, 10240, 60, 8, 4, 1024, 1792, 140},
      {"145.6B", 96, 12288, 80, 8, 8, 1536, 2304, 148},    {"310.1B", 128, 16384, 96, 8, 16, 1920, 2160, 155},
      {"529.6B", 128, 20480, 105, 8, 35, 2520, 2520, 163}, {"1T", 160, 25600, 128, 8, 64, 3072, 3072, 163}};
  const System sys = a100();
  int within = 0;
  for (const Case& c : cases) {
    Workload w{gpt_shape(c.layers, c.hidden, c.heads), 2048, static_cast<double>(c.batch), kMegatron2022,
               Training{}};
    SearchOptions o;
    o.gpus = c.gpus;
    o.tensor_parallel = c.tp;
    o.pipeline_parallel = c.pp;
    o.virtual_pipeline = 1;
    o.zero_stage = 0;
    o.recompute = Recompute::kFull;
    const SearchResult r = search_layouts(sys, w, o);
    REQUIRE_FALSE(r.best.empty());
    const double tflops = r.best.front().time.hfu * 312;
    const double error = tflops / c.tflops - 1;
    INFO(c.name << ": " << tflops << " TFLOP/s modelled vs " << c.tflops << " published");
    CHECK(std::abs(error) < 0.20);
    within += std::abs(error) <= 0.15;
  }
  CHECK(within >= 8);
}

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
