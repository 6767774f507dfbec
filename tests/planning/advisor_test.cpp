// The advisor's recommendations: one recomputed change each, never worse
// than the plan, never a worse-ranked accelerator, offsets in tonnes.
#include <catch2/catch.hpp>
#include <cmath>
#include <optional>

#include "laws/presets.h"
#include "planning/advisor.h"
#include "planning/advisor_json.h"
#include "planning/plan.h"
#include "support_db.h"
#include "support_laws.h"
#include "systems/number_text.h"

using scaleplan::testing::default_law;

using namespace scaleplan::planner;
using scaleplan::testing::embedded_db;

namespace {

double objective(const Plan& p) { return p.best.energy_kwh; }

}  // namespace

TEST_CASE(
    "no recommendation of an all-hardware plan raises the objective, names a ranked accelerator or saves < "
    "1%",
    "[planner][advisor]") {
  for (double target : {2.0, 2.1, 2.3}) {
    PlanRequest r;
    r.target_loss = target;
    r.hardware = {"all"};
    INFO("target " << target);
    const Plan p = make_plan(embedded_db(), default_law(), r);
    const Advice a = advise_plan(embedded_db(), default_law(), r, p, std::nullopt);
    for (const auto& rec : a.recommendations) {
      INFO(rec.title);
      CHECK(rec.kind != "hardware");  // every usable accelerator was ranked, the best chosen
      if (rec.category != Category::kSaving) continue;
      if (rec.kind == "region") {  // a CO2 lever: the same energy, judged by its CO2
        CHECK(rec.energy_kwh <= objective(p) * (1 + 1e-9));
        CHECK(rec.co2_saving_pct >= kMinSavingPct);
        continue;
      }
      CHECK(rec.energy_kwh < objective(p));
      CHECK(rec.objective_saving_pct >= kMinSavingPct);
      CHECK(rec.objective_saving_pct == Approx((1 - rec.energy_kwh / objective(p)) * 100));
    }
  }
}

TEST_CASE("a one-accelerator plan recommends another only when it beats the plan under the same GPU policy",
          "[planner][advisor]") {
  for (const auto& acc : embedded_db().accelerators()) {
    if (!acc.tdp_w || !acc.mfu_typical || !acc.memory_gb) continue;
    PlanRequest r;
    r.target_loss = 2.1;
    r.hardware = {acc.id};
    INFO(acc.id);
    Plan p;
    try {
      p = make_plan(embedded_db(), default_law(), r);
    } catch (const PlanError& e) {
      CHECK_THAT(e.what(), Catch::Contains("cannot"));  // a stated bound, not a crash
      continue;
    }
    const Advice a = advise_plan(embedded_db(), default_law(), r, p, std::nullopt);
    for (const auto& rec : a.recommendations) {
      INFO(rec.title);
      if (rec.category != Category::kSaving) continue;
      if (rec.kind == "region") {  // a CO2 lever: the same energy, judged by its CO2
        CHECK(rec.energy_kwh <= objective(p) * (1 + 1e-9));
        CHECK(rec.co2_saving_pct >= kMinSavingPct);
        continue;
      }
      CHECK(rec.energy_kwh < 0.99 * objective(p) * (1 + 1e-12));
      if (rec.kind == "hardware") {
        // The recommended accelerator, planned alone, ranks above this one.
        const std::string other = rec.title.substr(rec.title.rfind(' ') + 1);
        CHECK(plan_option(embedded_db(), default_law(), r, other, p.target_loss).energy_kwh < objective(p));
        CHECK(rec.wall_days.value() <= kDefaultDeadlineDays * (1 + 1e-9));
      }
    }
  }
}

TEST_CASE("offsets are co2_kg / 1000 tonnes for a 20 kt and a 2 t plan", "[planner][advisor]") {
  for (double budget_kg : {2e7, 2e3}) {
    PlanRequest r;
    r.budget_co2_kg = budget_kg;
    r.minimize = Objective::kCo2;
    const Plan p = make_plan(embedded_db(), default_law(), r);
    INFO("budget " << budget_kg << " kg, plan " << p.best.co2_kg << " kg");
    CHECK(p.best.co2_kg <= budget_kg * 1.001);
    CHECK(p.best.co2_kg >= budget_kg * 0.9);
    const Advice a = advise_plan(embedded_db(), default_law(), r, p, 25.0);
    REQUIRE(!a.recommendations.empty());
    const Recommendation& off = a.recommendations.back();
    REQUIRE(off.category == Category::kOffset);
    CHECK(std::fabs(*off.offset_tonnes - p.best.co2_kg / 1000) <= 1e-9 * std::max(1.0, p.best.co2_kg / 1000));
    CHECK(*off.offset_credits == std::ceil(p.best.co2_kg / 1000));
    CHECK(*off.offset_cost == Approx(25.0 * p.best.co2_kg / 1000));
  }
}

TEST_CASE("8-bit AdamW is a memory measure with what it frees, never a 0% energy saving",
          "[planner][advisor]") {
  PlanRequest r;
  r.target_params = 7e9;
  const Plan p = make_plan(embedded_db(), default_law(), r);
  const Advice a = advise_plan(embedded_db(), default_law(), r, p, std::nullopt);
  bool found = false;
  for (const auto& rec : a.recommendations) {
    if (rec.kind != "optimizer") continue;
    found = true;
    CHECK(rec.category == Category::kMemory);
    // 6 of 16 bytes per parameter, sharded over the plan's GPUs.
    CHECK(*rec.freed_gb_per_gpu == Approx(p.best.params * 6 / p.best.training.gpus / 1e9));
    CHECK_FALSE(rec.enables.empty());
  }
  CHECK(found);
  // Its JSON carries no footprint of its own: a 0 kWh, Low-tier row among
  // the savings read as a free fix.
  for (const auto& j : advice_json(a)) {
    if (j["category"] != "memory") continue;
    CHECK_FALSE(j.contains("energy_kwh"));
    CHECK_FALSE(j.contains("eps_tier"));
    CHECK(j.contains("freed_gb_per_gpu"));
  }
}

TEST_CASE("reusing an open model is costed as continued training, never zero", "[planner][advisor]") {
  PlanRequest r;
  r.target_params = 7e9;
  const Plan p = make_plan(embedded_db(), default_law(), r);
  const Advice a = advise_plan(embedded_db(), default_law(), r, p, std::nullopt);
  bool found = false;
  for (const auto& rec : a.recommendations) {
    if (rec.kind != "open-model") continue;
    found = true;
    // At least the forward and backward passes of the smallest catalogue
    // model on kReuseTokens: 6 x 1e8 params x 1e9 tokens, far above zero.
    CHECK(rec.energy_kwh > 1);
    CHECK(rec.co2_kg > 0);
    CHECK_THAT(rec.why, Catch::Contains("same data and tokenizer"));
  }
  bool listed_or_explained = found;
  for (const auto& s : a.not_listed) listed_or_explained |= s.find("start from") != std::string::npos;
  CHECK(listed_or_explained);
}

TEST_CASE("the region recommendation moves the grid alone, listed by its CO2 whatever is given",
          "[planner][advisor]") {
  struct Case {
    std::optional<double> pue, carbon_intensity;
    double inference_tokens;
    const char* title_start;
  };
  // The energy objective (the default) with the user's own PUE or grid
  // intensity: the measure once vanished here, saving no energy.
  const Case cases[] = {{std::nullopt, std::nullopt, 0, "train in "},
                        {1.1, std::nullopt, 0, "train in "},
                        {std::nullopt, 400.0, 0, "train in "},
                        {std::nullopt, std::nullopt, 1e12, "train and serve in "}};
  for (const Case& c : cases) {
    INFO("pue " << c.pue.value_or(0) << " intensity " << c.carbon_intensity.value_or(0));
    PlanRequest r;
    r.target_params = 7e9;
    r.pue = c.pue;
    r.carbon_intensity = c.carbon_intensity;
    r.inference_tokens = c.inference_tokens;
    const Plan p = make_plan(embedded_db(), default_law(), r);
    const Advice a = advise_plan(embedded_db(), default_law(), r, p, std::nullopt);
    const Recommendation* region = nullptr;
    for (const auto& rec : a.recommendations)
      if (rec.kind == "region") region = &rec;
    REQUIRE(region != nullptr);
    CHECK(region->title.rfind(c.title_start, 0) == 0);
    CHECK_THAT(region->why, Catch::Contains("same PUE " + number_text(p.best.training.pue)));
    // Same facility, same GPUs: the energy is the plan's to rounding.
    CHECK(region->energy_kwh == Approx(p.best.total.energy_kwh).epsilon(1e-9));
    CHECK(region->co2_saving_pct >= kMinSavingPct);
  }
}
