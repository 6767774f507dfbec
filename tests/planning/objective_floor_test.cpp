// The advisor plans other accelerators in the order of a cheap lower bound
// of their objective and stops at the first bound above the best found. The
// bound must never exceed the full plan's objective, and the accelerator it
// recommends must be the one planning every accelerator would pick.
#include <algorithm>
#include <catch2/catch.hpp>
#include <optional>
#include <string>
#include <vector>

#include "planning/advisor.h"
#include "planning/plan.h"
#include "support_db.h"
#include "support_laws.h"

using namespace scaleplan::planner;
using scaleplan::testing::default_law;
using scaleplan::testing::embedded_db;

namespace {

bool usable(const scaleplan::hardware_db::Accelerator& a) { return a.tdp_w && a.mfu_typical && a.memory_gb; }

std::vector<PlanRequest> requests() {
  std::vector<PlanRequest> out;
  auto add = [&](double loss, const char* hw, auto&& change) {
    PlanRequest r;
    r.target_loss = loss;
    r.hardware = {hw};
    change(r);
    out.push_back(r);
  };
  add(2.2, "h100-sxm5-80gb", [](PlanRequest&) {});
  add(2.05, "a100-sxm4-80gb", [](PlanRequest&) {});
  add(2.4, "l4", [](PlanRequest& r) { r.region = "FR"; });
  add(2.1, "b200", [](PlanRequest& r) { r.minimize = Objective::kCo2; });
  add(2.2, "mi300x", [](PlanRequest& r) { r.inference_tokens = 1e12; });
  add(2.2, "h100-sxm5-80gb", [](PlanRequest& r) { r.gpus = 64; });
  add(2.3, "gaudi3", [](PlanRequest& r) { r.deadline_days = 7; });
  add(2.2, "h100-sxm5-80gb", [](PlanRequest& r) {
    r.experiment_overhead = 1.5;
    r.unique_tokens = 1e11;
  });
  // Small parts cannot hold even the capped model in 30 days: refusals.
  add(2.03, "h200-sxm-141gb", [](PlanRequest& r) { r.max_params = 5e9; });
  return out;
}

}  // namespace

TEST_CASE("An accelerator's objective floor never exceeds its full plan's objective", "[planner][advisor]") {
  std::vector<double> ratios;  // floor / full
  for (const PlanRequest& r : requests()) {
    const Plan p = make_plan(embedded_db(), default_law(), r);
    for (const auto& acc : embedded_db().accelerators()) {
      if (!usable(acc)) continue;
      INFO(r.hardware.front() << " target " << *r.target_loss << ", on " << acc.id);
      double full = 0;
      try {
        full = objective_of(r, plan_option(embedded_db(), default_law(), r, acc.id, p.target_loss));
      } catch (const PlanError&) {
        continue;  // refused in full: the advisor says why, whatever its floor
      }
      const double floor = objective_floor(embedded_db(), default_law(), r, acc.id, p.target_loss);
      CHECK(floor <= full);
      ratios.push_back(floor / full);
    }
  }
  REQUIRE(ratios.size() > 100);
  // A floor near zero would skip nothing.
  std::sort(ratios.begin(), ratios.end());
  CHECK(ratios.front() > 0.2);  // tens of thousands of GPUs lose most to communication
  CHECK(ratios[ratios.size() / 2] > 0.5);
}

TEST_CASE("The advisor recommends the accelerator that planning every one of them would choose",
          "[planner][advisor]") {
  int high = 0;
  size_t refusals = 0;
  for (const PlanRequest& r : requests()) {
    const Plan p = make_plan(embedded_db(), default_law(), r);
    INFO(r.hardware.front() << " target " << *r.target_loss);
    // Every other usable accelerator, planned in full, in the database's order.
    std::optional<std::string> best_id;
    double best = 0;
    for (const auto& acc : embedded_db().accelerators()) {
      if (!usable(acc) || acc.id == r.hardware.front()) continue;
      try {
        const double v = objective_of(r, plan_option(embedded_db(), default_law(), r, acc.id, p.target_loss));
        if (!best_id || v < best) best_id = acc.id, best = v;
      } catch (const PlanError&) {
      }
    }
    REQUIRE(best_id);
    const Advice a = advise_plan(embedded_db(), default_law(), r, p, std::nullopt);
    const bool saves = best < objective_of(r, p.best) * (1 - kMinSavingPct / 100);
    int named = 0;
    for (const auto& rec : a.recommendations) {
      if (rec.kind != "hardware") continue;
      CHECK(rec.title == "train on " + *best_id);
      ++named;
    }
    // Accelerators planned and refused are listed in the database's order.
    std::vector<size_t> refused_at;
    const auto& accelerators = embedded_db().accelerators();
    for (const auto& line : a.not_listed) {
      for (size_t i = 0; i < accelerators.size(); ++i) {
        if (line.rfind("train on " + accelerators[i].id + ": ", 0) == 0) refused_at.push_back(i);
      }
    }
    CHECK(std::is_sorted(refused_at.begin(), refused_at.end()));
    refusals += refused_at.size();
    for (const auto& line : a.not_listed) {
      const bool compared =
          line.find(": costs ") != std::string::npos || line.find(": saves only ") != std::string::npos;
      if (line.rfind("train on ", 0) == 0 && compared) {
        CHECK(line.rfind("train on " + *best_id + ":", 0) == 0);
        ++named;
      }
    }
    if (p.best.tier != EpsTier::kHigh) continue;  // the advisor speaks to High plans only
    CHECK(named == 1);
    if (saves) CHECK(a.recommendations.size() > 0);
    ++high;
  }
  CHECK(high >= 5);
  CHECK(refusals >= 3);
}
