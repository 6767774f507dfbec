// Plan scopes, budgets held by every accelerator, and the default deadline.
#include <catch2/catch.hpp>

#include "laws/allocation.h"
#include "laws/presets.h"
#include "planning/plan.h"
#include "support_db.h"
#include "support_laws.h"

using scaleplan::testing::default_law;

using namespace scaleplan::planner;
using scaleplan::testing::embedded_db;

namespace {}  // namespace

TEST_CASE("a kWh budget holds every listed accelerator, each at its own best loss", "[planner][plan]") {
  PlanRequest r;
  r.budget_kwh = 100000;
  r.hardware = {"all"};
  const Plan p = make_plan(embedded_db(), default_law(), r);
  CHECK(p.best.energy_kwh <= 100000 * 1.001);
  REQUIRE(p.alternatives.size() >= 3);
  for (const auto& a : p.alternatives) {
    INFO(a.training.hardware_id);
    CHECK(a.energy_kwh <= 100000 * 1.001);
    CHECK(a.loss >= p.best.loss - 1e-9);  // the best reaches the lowest loss
  }
}

TEST_CASE("with inference the plan's total is training x overhead + inference, and so is Chinchilla's",
          "[planner][plan]") {
  PlanRequest r;
  r.target_loss = 2.1;
  r.inference_tokens = 2e12;
  r.experiment_overhead = 1.5;
  const Plan p = make_plan(embedded_db(), default_law(), r);
  const PlanOption& b = p.best;
  REQUIRE(b.inference);
  CHECK(b.energy_kwh == Approx(b.training.energy_kwh * 1.5 + b.inference->energy_kwh));
  CHECK(b.co2_kg == Approx(b.training.co2_kg * 1.5 + b.inference->co2_kg));
  CHECK(b.experiments.energy_kwh == Approx(b.training.energy_kwh * 0.5));
  // Chinchilla in the same scope: its training at the plan's kWh per
  // training FLOP x overhead, plus 2 N T at the plan's kWh per serving FLOP.
  const auto c = scaleplan::laws::min_compute_for_loss(default_law(), p.target_loss);
  const double expected = c.flops * b.training.energy_kwh / b.training_flops * 1.5 +
                          2 * c.params * 2e12 * b.inference->energy_kwh / b.inference_flops;
  CHECK(p.chinchilla_energy_kwh == Approx(expected));
  CHECK(p.chinchilla_energy_kwh >= b.energy_kwh * (1 - 1e-9));  // the plan minimises that same total
}

TEST_CASE("with no count or deadline a 7B plan on h100-sxm5-80gb finishes within the assumed 30 days",
          "[planner][plan]") {
  PlanRequest r;
  r.target_params = 7e9;
  r.hardware = {"h100-sxm5-80gb"};
  const Plan p = make_plan(embedded_db(), default_law(), r);
  CHECK(p.deadline_assumed);
  CHECK(*p.deadline_days == kDefaultDeadlineDays);
  CHECK(p.best.training.wall_days <= 30 * (1 + 1e-9));
  const int g = p.best.training.gpus;
  CHECK((g < kGpusPerNode || g % kGpusPerNode == 0));
  // The fewest whole nodes: one node fewer misses the deadline.
  if (g > kGpusPerNode) {
    ForecastInput in;
    in.params = p.best.params;
    in.tokens = p.best.tokens;
    in.hardware = "h100-sxm5-80gb";
    in.gpus = g - kGpusPerNode;
    CHECK(forecast(embedded_db(), in).wall_days > 30);
  }
}

TEST_CASE("a deadline no count can meet is refused with the fastest found", "[planner][plan]") {
  PlanRequest r;
  r.target_params = 70e9;
  r.hardware = {"a100-sxm4-80gb"};
  r.deadline_days = 0.01;
  CHECK_THROWS_WITH(make_plan(embedded_db(), default_law(), r),
                    Catch::Contains("--deadline-days") && Catch::Contains("days"));
}
