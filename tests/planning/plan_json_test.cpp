// The plan's JSON writer and the reader calibrate uses, as a round trip
// through text: what plan_json writes, read_final_run reads back, for the
// final training run and not the plan's total.
#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "support_db.h"

#include "footprint/forecast_json.h"
#include "laws/presets.h"
#include "planning/plan_json.h"
#include "systems/errors.h"

using namespace scaleplan::planner;
using Catch::Matchers::WithinRel;

namespace {

// A plan whose total differs from its final run: three times the run in
// experiments, and a year of serving.
Plan plan_with_scopes(PlanRequest& r) {
  r.target_params = 7e9;
  r.experiment_overhead = 3;
  r.inference_tokens = 1e12;
  return make_plan(scaleplan::testing::embedded_db(), scaleplan::laws::preset("besiroglu2024"), r);
}

// The document as a file holds it: written, then parsed back from text.
nlohmann::json through_text(const nlohmann::ordered_json& doc) { return nlohmann::json::parse(doc.dump(2)); }

}  // namespace

TEST_CASE("plan json: the reader gets back the final run's figures the writer wrote, not the total",
          "[planner]") {
  PlanRequest r;
  const Plan p = plan_with_scopes(r);
  nlohmann::ordered_json doc = {{"command", "plan"}};
  doc.update(plan_json(p, r));
  const FinalRunFigures f = read_final_run(through_text(doc), "plan.json");
  CHECK(f.from_plan);
  const Forecast& run = p.best.training;
  CHECK_THAT(f.gpu_hours, WithinRel(run.gpu_hours, 1e-12));
  CHECK_THAT(f.energy_kwh, WithinRel(run.energy_kwh, 1e-12));
  CHECK_THAT(f.co2_operational_kg, WithinRel(run.co2_operational_kg, 1e-12));
  CHECK_THAT(f.co2_embodied_kg, WithinRel(run.co2_embodied_kg, 1e-12));
  // The total is the run x 3 plus serving: reading it instead would be > 3x off.
  CHECK(p.best.energy_kwh > 3 * run.energy_kwh);
}

TEST_CASE("plan json: a plan is recognised by its total even without the command name", "[planner]") {
  PlanRequest r;
  const Plan p = plan_with_scopes(r);
  const FinalRunFigures f = read_final_run(through_text(plan_json(p, r)), "plan.json");
  CHECK(f.from_plan);
  CHECK_THAT(f.energy_kwh, WithinRel(p.best.training.energy_kwh, 1e-12));
}

TEST_CASE("plan json: a forecast document is read as the run itself", "[planner]") {
  PlanRequest r;
  const Forecast& run = plan_with_scopes(r).best.training;
  const FinalRunFigures f = read_final_run(through_text(forecast_json(run)), "forecast.json");
  CHECK_FALSE(f.from_plan);
  CHECK_THAT(f.gpu_hours, WithinRel(run.gpu_hours, 1e-12));
  CHECK_THAT(f.co2_embodied_kg, WithinRel(run.co2_embodied_kg, 1e-12));
}

TEST_CASE("plan json: a key the writer no longer writes is an error naming it, not a zero", "[planner]") {
  PlanRequest r;
  const Plan p = plan_with_scopes(r);
  nlohmann::json doc = through_text(plan_json(p, r));
  doc["training"].erase("co2_embodied_kg");
  CHECK_THROWS_AS(read_final_run(doc, "plan.json"), PlanError);
  CHECK_THROWS_WITH(read_final_run(doc, "plan.json"),
                    Catch::Matchers::Contains("plan.json has no number 'training.co2_embodied_kg'"));
}
