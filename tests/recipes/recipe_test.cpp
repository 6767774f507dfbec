#include <catch2/catch.hpp>

#include <cmath>

#include "laws/presets.h"
#include "recipes/plan_recipe.h"
#include "recipes/recipe.h"
#include "support_db.h"
#include "support_laws.h"
#include "systems/layout_search.h"

using scaleplan::testing::default_law;

using namespace scaleplan::planner;
using Catch::Matchers::Contains;
using Catch::Matchers::WithinRel;

using scaleplan::testing::db;

namespace {

RecipeRequest request(double params, double tokens, int gpus) {
  RecipeRequest r;
  r.shape.params = params;
  r.tokens = tokens;
  r.hardware = "h100-sxm5-80gb";
  r.gpus = gpus;
  return r;
}

// The invariants every recipe keeps, whatever its size.
void check_consistent(const Recipe& r, int gpus, double memory_gb) {
  const Layout& l = r.layout.parallel;
  CHECK(l.tensor_parallel * l.pipeline_parallel * l.data_parallel == gpus);
  CHECK(l.global_batch_sequences() ==
        static_cast<long long>(l.micro_batch) * l.data_parallel * l.num_micro_batches);
  CHECK(r.global_batch_tokens == static_cast<double>(l.global_batch_sequences()) * r.seq_len);
  // Whole micro-batches per replica: the batch is the target rounded to one step of micro_batch x DP.
  CHECK(std::abs(r.global_batch_tokens - r.batch_tokens_target) <=
        0.5 * l.micro_batch * l.data_parallel * r.seq_len + r.seq_len);
  // Trained tokens within half a step of the plan.
  CHECK(std::abs(r.trained_tokens - r.tokens) <= 0.5 * r.global_batch_tokens);
  // Datasheet "80 GB" is 80 GiB of HBM, which the layout model holds to.
  CHECK(r.layout.memory.total_bytes() / 1e9 <= memory_gb * 1.073741824);
  CHECK(r.shape.layers % l.pipeline_parallel == 0);
  CHECK(r.shape.kv_heads % l.tensor_parallel == 0);
  CHECK(l.sequence_parallel() == (l.tensor_parallel > 1));
  CHECK((r.hyperparams.in_fitted_range || !r.notes.empty()));
}

}  // namespace

TEST_CASE("recipe: DeepSeek LLM 7B's shape on 512 H100s keeps batch, steps and layout consistent",
          "[planner][recipe]") {
  RecipeRequest r = request(6.9e9, 2e12, 512);
  r.shape.layers = 30;
  r.shape.hidden = 4096;
  r.shape.heads = 32;
  r.shape.kv_heads = 32;
  r.shape.ffn = 11008;
  r.shape.vocab = 102400;
  const Recipe rec = make_recipe(db(), default_law(), r);
  check_consistent(rec, 512, 80);
  CHECK_THAT(rec.shape.params, WithinRel(6.91e9, 0.002));
  CHECK_THAT(rec.peak_lr, WithinRel(4.2e-4, 0.10));
  CHECK_THAT(rec.final_lr, WithinRel(0.1 * rec.peak_lr, 1e-12));
  // 7B fits a GPU with ZeRO-1 over 512 replicas: little model parallelism.
  CHECK(rec.layout.parallel.tensor_parallel * rec.layout.parallel.pipeline_parallel <= 2);
  CHECK_FALSE(rec.hyperparams.in_fitted_range);
  CHECK_THAT(rec.notes.front(), Contains("outside the fitted range"));
}

TEST_CASE("recipe: sizes from 125M to 70B give consistent recipes on their GPUs", "[planner][recipe]") {
  for (auto [params, tokens, gpus] : {std::tuple{125e6, 2.5e9, 1}, std::tuple{1e9, 20e9, 8},
                                      std::tuple{7e9, 1.4e11, 64}, std::tuple{70e9, 1.4e12, 1024}}) {
    INFO(params);
    const Recipe rec = make_recipe(db(), default_law(), request(params, tokens, gpus));
    check_consistent(rec, gpus, 80);
    CHECK(rec.params == params);
    CHECK_THAT(rec.shape.params, WithinRel(params, 0.01));
    CHECK(rec.forecast.gpus == gpus);
    CHECK(rec.tokens_per_s > 0);
    CHECK_THAT(rec.loss, WithinRel(scaleplan::laws::loss(default_law(), params, tokens), 1e-12));
  }
}

TEST_CASE("recipe: a 70B model needs model parallelism, tensor parallelism within a node",
          "[planner][recipe]") {
  const Recipe rec = make_recipe(db(), default_law(), request(70e9, 1.4e12, 1024));
  // 70B x 2 bytes of bf16 weights alone is 140 GB: no single GPU holds them.
  CHECK(rec.layout.parallel.tensor_parallel * rec.layout.parallel.pipeline_parallel >= 2);
  CHECK(rec.layout.parallel.tensor_parallel <= 8);
  CHECK(rec.layout.memory.total_bytes() / 1e9 >
        140.0 / (rec.layout.parallel.tensor_parallel * rec.layout.parallel.pipeline_parallel));
}

TEST_CASE("recipe: the layout is the fastest Megatron-runnable one the throughput model finds",
          "[planner][recipe]") {
  const Recipe rec = make_recipe(db(), default_law(), request(70e9, 1.4e12, 1024));
  const System sys = system_for(db().accelerator("h100-sxm5-80gb"));
  Workload w;
  w.shape = rec.shape;
  w.seq_len = rec.seq_len;
  w.global_batch_seqs = std::round(rec.batch_tokens_target / rec.seq_len);
  w.stack = default_stack(sys);
  SearchOptions o;
  o.gpus = 1024;
  o.zero_stage = 1;
  o.top = 64;
  const SearchResult all = search_layouts_exhaustive(sys, w, o);
  double fastest_even = 0;
  for (const auto& candidate : all.best) {
    if (rec.shape.layers % candidate.layout.pipeline_parallel == 0) {
      fastest_even = candidate.time.step_s;
      break;
    }
  }
  REQUIRE(fastest_even > 0);
  CHECK_THAT(rec.layout.time.step_s, WithinRel(fastest_even, 1e-9));
}

TEST_CASE("recipe: given batch and learning rate replace the law's", "[planner][recipe]") {
  RecipeRequest r = request(1e9, 2e10, 8);
  r.global_batch_tokens = 1 << 20;
  r.peak_lr = 3e-4;
  r.schedule = Schedule::kCosine;
  const Recipe rec = make_recipe(db(), default_law(), r);
  CHECK(rec.global_batch_tokens ==
        1 << 20);  // 256 sequences of 4096: 8 replicas x micro-batch x accumulation
  CHECK(rec.peak_lr == 3e-4);
  CHECK_THAT(rec.final_lr, WithinRel(3e-5, 1e-12));
  CHECK(rec.steps == std::llround(2e10 / (1 << 20)));
}

TEST_CASE("recipe: a plan's GPU count too small for the layout is raised, with a note", "[planner][recipe]") {
  RecipeRequest r = request(70e9, 1.4e12, 8);
  CHECK_THROWS_WITH(make_recipe(db(), default_law(), r), Contains("cannot hold"));
  r.raise_gpus_to_fit = true;
  const Recipe rec = make_recipe(db(), default_law(), r);
  CHECK(rec.forecast.gpus > 8);
  check_consistent(rec, rec.forecast.gpus, 80);
  CHECK_THAT(rec.notes.front(), Contains("8 GPUs cannot hold"));
}

TEST_CASE("recipe: impossible requests are refused by name", "[planner][recipe]") {
  RecipeRequest small_batch = request(125e6, 1e12, 1024);
  small_batch.global_batch_tokens = 4096.0 * 100;
  CHECK_THROWS_WITH(make_recipe(db(), default_law(), small_batch),
                    Contains("fewer than one per data-parallel replica"));
  RecipeRequest heads = request(7e9, 1e11, 8);
  heads.shape.hidden = 4096;
  heads.shape.heads = 30;
  CHECK_THROWS_WITH(make_recipe(db(), default_law(), heads),
                    Catch::StartsWith("heads: 30 heads do not divide"));
  CHECK_THROWS_WITH(make_recipe(db(), default_law(), request(405e9, 1e12, 8)), Contains("cannot hold"));
  RecipeRequest both = request(7e9, 1e11, 8);
  both.shape.model = "llama-2-7b";
  CHECK_THROWS_WITH(make_recipe(db(), default_law(), both), Catch::StartsWith("model: "));
  RecipeRequest preset = request(7e9, 1e11, 8);
  preset.hyperparams = "none";
  CHECK_THROWS_WITH(make_recipe(db(), default_law(), preset), Catch::StartsWith("hyperparams: "));
}

TEST_CASE("recipe: the Hugging Face config and Megatron arguments describe the same shape",
          "[planner][recipe]") {
  const Recipe rec = make_recipe(db(), default_law(), request(7e9, 1.4e11, 64));
  const auto c = hf_llama_config(rec);
  CHECK(c["architectures"][0] == "LlamaForCausalLM");
  CHECK(c["num_hidden_layers"] == rec.shape.layers);
  const std::string args = megatron_args(rec);
  CHECK_THAT(args, Contains("--num-layers " + std::to_string(rec.shape.layers) + "\n"));
  CHECK_THAT(args, Contains("--ffn-hidden-size " + std::to_string(rec.shape.ffn) + "\n"));
  RecipeRequest pythia;
  pythia.shape.model = "pythia-1b";
  pythia.tokens = 3e11;
  pythia.gpus = 8;
  const Recipe gelu = make_recipe(db(), default_law(), pythia);
  CHECK_THROWS_WITH(hf_llama_config(gelu), Contains("not a Llama architecture"));
}

TEST_CASE("recipe: a plan's recipe trains the plan's N and D on its accelerators, grid and MFU",
          "[planner][recipe]") {
  PlanRequest req;
  req.target_params = 1e9;
  req.region = "FR";
  req.pue = 1.2;
  const Plan plan = make_plan(db(), default_law(), req);
  const PlanOption& best = plan.best;
  const Recipe rec = recipe_for_plan(db(), default_law(), req, best);
  CHECK_THAT(rec.params, WithinRel(best.params, 0.02));
  CHECK(rec.tokens == best.tokens);
  CHECK(rec.forecast.hardware_id == best.training.hardware_id);
  CHECK(rec.forecast.gpus == best.training.gpus);
  CHECK(rec.forecast.mfu == best.training.mfu);
  CHECK(rec.forecast.grid_id == best.training.grid_id);
  CHECK(rec.forecast.pue == 1.2);
  CHECK(rec.shape_derived);
  check_consistent(rec, rec.forecast.gpus, 80);
}

TEST_CASE("recipe: a plan's GPU count that holds ZeRO-3 state but not the layout is raised, with a note",
          "[planner][recipe]") {
  PlanRequest req;
  req.target_params = 175e9;
  req.gpus = 48;  // holds 175B sharded (ZeRO-3); the ZeRO-1 layout needs more
  const Plan plan = make_plan(db(), default_law(), req);
  REQUIRE(plan.best.training.gpus == *req.gpus);
  const Recipe rec = recipe_for_plan(db(), default_law(), req, plan.best);
  CHECK(rec.forecast.gpus > *req.gpus);
  check_consistent(rec, rec.forecast.gpus, 80);
  CHECK_THAT(rec.notes.front(), Contains("48 GPUs cannot hold the model with a ZeRO-1 layout"));
}
