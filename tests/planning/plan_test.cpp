#include <catch2/catch.hpp>

#include "support_db.h"
#include "support_laws.h"

#include "laws/presets.h"
#include "planning/plan.h"

using namespace scaleplan::planner;
using Catch::Matchers::WithinRel;
using scaleplan::laws::preset;

using scaleplan::testing::db;

namespace {}  // namespace

TEST_CASE("plan: on one accelerator without inference it is the least-compute point of the iso-loss curve",
          "[planner]") {
  const auto& law = preset("besiroglu2024");
  PlanRequest r;
  r.target_loss = 2.1;
  const Plan p = make_plan(db(), law, r);
  const auto closed = scaleplan::laws::min_compute_for_loss(law, 2.1);
  CHECK_THAT(p.best.params, WithinRel(closed.params, 1e-3));
  CHECK_THAT(p.best.tokens, WithinRel(closed.tokens, 1e-3));
  CHECK_THAT(p.best.loss, WithinRel(2.1, 1e-9));
}

TEST_CASE("plan: Sardana and Frankle's 13B-quality model serving 2T tokens is about 7.1B and 16% cheaper",
          "[planner]") {
  const auto& law = preset("hoffmann2022-unrounded");
  PlanRequest r;
  r.target_params = 13e9;  // the loss of the compute-optimal 13B model
  r.inference_tokens = 2e12;
  const Plan p = make_plan(db(), law, r);
  CHECK_THAT(p.target_loss, WithinRel(2.0238, 1e-3));
  CHECK_THAT(p.best.params, WithinRel(7.1e9, 0.03));
  const double chinchilla_total = p.chinchilla.flops + 2 * p.chinchilla.params * 2e12;
  const double saving = 1 - (p.best.training_flops + p.best.inference_flops) / chinchilla_total;
  CHECK_THAT(saving, WithinRel(0.16, 0.1));
}

TEST_CASE("plan: the loss a kWh budget reaches costs that budget when planned for", "[planner]") {
  const auto& law = preset("besiroglu2024");
  PlanRequest dual;
  dual.budget_kwh = 50000;
  const Plan d = make_plan(db(), law, dual);
  CHECK_THAT(d.best.energy_kwh, WithinRel(50000, 1e-3));
  PlanRequest primal;
  primal.target_loss = d.target_loss;
  CHECK_THAT(make_plan(db(), law, primal).best.energy_kwh, WithinRel(50000, 1e-3));
}

TEST_CASE("plan: budgets in CO2eq and FLOPs reach the loss the budget buys", "[planner]") {
  const auto& law = preset("besiroglu2024");
  PlanRequest flops;
  flops.budget_flops = 1e23;
  const Plan f = make_plan(db(), law, flops);
  CHECK_THAT(f.target_loss, WithinRel(scaleplan::laws::compute_optimal(law, 1e23).loss, 1e-6));
  PlanRequest co2;
  co2.budget_co2_kg = 20000;
  // Within the budget, and close to it: under the default deadline the GPU
  // count moves in whole nodes and the modelled MFU with it, so the cost is
  // a step function of the loss and the best plan can stop short of a step.
  const double kg = make_plan(db(), law, co2).best.co2_kg;
  CHECK(kg <= 20000 * (1 + 1e-9));
  CHECK_THAT(kg, WithinRel(20000, 0.02));
}

TEST_CASE("plan: impossible goals are refused with the bound", "[planner]") {
  const auto& law = preset("besiroglu2024");
  PlanRequest floor;
  floor.target_loss = 1.8;
  CHECK_THROWS_WITH(make_plan(db(), law, floor), Catch::Contains("irreducible loss 1.81686"));
  PlanRequest tiny;
  tiny.budget_kwh = 0.001;
  CHECK_THROWS_WITH(make_plan(db(), law, tiny),
                    Catch::Contains("least sensible plan") && Catch::Contains("needs"));
  PlanRequest capped;
  capped.target_loss = 2.0;
  capped.max_params = 1e9;
  CHECK_THROWS_WITH(make_plan(db(), law, capped), Catch::Contains("largest allowed model"));
}

TEST_CASE("plan: a size cap moves the plan to the cap with more tokens", "[planner]") {
  const auto& law = preset("besiroglu2024");
  PlanRequest r;
  r.target_loss = 2.1;
  r.max_params = 5e9;
  const Plan p = make_plan(db(), law, r);
  CHECK_THAT(p.best.params, WithinRel(5e9, 1e-6));
  CHECK_THAT(scaleplan::laws::loss(law, p.best.params, p.best.tokens), WithinRel(2.1, 1e-9));
  CHECK(p.best.tokens > p.chinchilla.tokens);
}

TEST_CASE("plan: across accelerators the least energy wins and the others are listed", "[planner]") {
  PlanRequest r;
  r.target_loss = 2.2;
  r.hardware = {"all"};
  const Plan p = make_plan(db(), preset("besiroglu2024"), r);
  REQUIRE(p.alternatives.size() >= 15);
  for (const auto& a : p.alternatives) CHECK(a.energy_kwh >= p.best.energy_kwh);
  CHECK_FALSE(p.skipped.empty());  // TPU v5e/v5p have no published power
  r.minimize = Objective::kCo2;
  const Plan c = make_plan(db(), preset("besiroglu2024"), r);
  for (const auto& a : c.alternatives) CHECK(a.co2_kg >= c.best.co2_kg);
}

TEST_CASE("plan: a deadline picks the fewest GPUs that meet it", "[planner]") {
  PlanRequest r;
  r.target_params = 7e9;
  r.deadline_days = 30;
  const Plan p = make_plan(db(), preset("besiroglu2024"), r);
  CHECK(p.best.training.wall_days <= 30);
  const int gpus = p.best.training.gpus;
  CHECK(p.best.training.gpu_hours / (gpus - (gpus > 8 ? 8 : 1)) / 24 > 30);
  r.deadline_days = 1e-6;
  CHECK_THROWS_WITH(make_plan(db(), preset("besiroglu2024"), r), Catch::Contains("--deadline-days"));
  PlanRequest few;
  few.target_params = 70e9;
  few.gpus = 2;
  CHECK_THROWS_WITH(make_plan(db(), preset("besiroglu2024"), few), Catch::Contains("needs at least"));
}

TEST_CASE("plan: unique tokens make repeated epochs count less and are reported", "[planner]") {
  PlanRequest r;
  r.target_loss = 2.3;
  r.unique_tokens = 20e9;
  const Plan p = make_plan(db(), preset("besiroglu2024"), r);
  PlanRequest plain;
  plain.target_loss = 2.3;
  const Plan q = make_plan(db(), preset("besiroglu2024"), plain);
  CHECK(p.best.tokens / 20e9 > 1);  // epochs
  CHECK(p.best.training_flops > q.best.training_flops);
}

TEST_CASE("plan: experiment overhead multiplies the final run", "[planner]") {
  PlanRequest r;
  r.target_loss = 2.2;
  r.experiment_overhead = 1.5;
  const Plan p = make_plan(db(), preset("besiroglu2024"), r);
  CHECK_THAT(p.best.energy_kwh, WithinRel(1.5 * p.best.training.energy_kwh, 1e-12));
}

TEST_CASE("plan: a law with bootstrap replicates gives intervals around the plan", "[planner]") {
  auto law = preset("besiroglu2024");
  scaleplan::laws::Uncertainty u;
  for (double f : {0.97, 0.99, 1.0, 1.01, 1.03})
    u.replicates.push_back({law.E * f, law.A, law.B, law.alpha, law.beta});
  law.uncertainty = u;
  PlanRequest r;
  r.target_loss = 2.2;
  const Plan p = make_plan(db(), law, r);
  REQUIRE(p.params_ci);
  CHECK(p.params_ci->low < p.best.params);
  CHECK(p.params_ci->high > p.best.params);
}

TEST_CASE("plan: contradictory requests are refused by name", "[planner]") {
  PlanRequest r;
  r.target_loss = 2.2;
  r.budget_kwh = 100;
  CHECK_THROWS_WITH(make_plan(db(), preset("besiroglu2024"), r), Catch::Contains("one goal"));
  PlanRequest g;
  g.target_loss = 2.2;
  g.gpus = 8;
  g.deadline_days = 10;
  CHECK_THROWS_WITH(make_plan(db(), preset("besiroglu2024"), g), Catch::Contains("--deadline-days"));
  PlanRequest none;
  CHECK_THROWS_WITH(make_plan(db(), preset("besiroglu2024"), none), Catch::Contains("give a goal"));
}

TEST_CASE("plan: serving on a part with no published TDP names --inference-hardware, not --power-w",
          "[planner][plan]") {
  PlanRequest r;
  r.target_params = 7e9;
  r.hardware = {"h100-sxm5-80gb"};
  r.inference_tokens = 1e12;
  r.inference_hardware = "tpu-v5e";  // no published TDP
  try {
    make_plan(scaleplan::testing::embedded_db(), scaleplan::testing::default_law(), r);
    FAIL("expected a refusal");
  } catch (const PlanError& e) {
    CHECK(e.field() == "inference_hardware");  // --power-w would also set the H100's power
    CHECK_THAT(e.detail(), Catch::Contains("tpu-v5e") && Catch::Contains("--hardware-db"));
  }
}
