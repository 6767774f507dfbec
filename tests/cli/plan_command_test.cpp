// End-to-end: scaleplan plan.
#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "support.h"

using Catch::Matchers::WithinRel;
using nlohmann::json;
using scaleplan::testing::run_scaleplan;

TEST_CASE("plan --json gives the plan with its alternatives and tier", "[cli]") {
  auto r = run_scaleplan(
      {"plan", "--target-loss", "2.2", "--hardware", "h100-sxm5-80gb,a100-sxm4-80gb", "--json"});
  REQUIRE(r.exit_code == 0);
  const json d = json::parse(r.out);
  for (const char* key : {"params", "tokens", "flops", "loss", "hardware", "gpus", "wall_days", "gpu_hours",
                          "energy_kwh", "co2_kg", "eps_tier", "alternatives"}) {
    INFO(key);
    CHECK(d.contains(key));
  }
  CHECK(d["alternatives"].size() == 1);
  CHECK(d["alternatives"][0].contains("energy_kwh"));
  CHECK(d["alternatives"][0]["energy_kwh"].get<double>() >= d["energy_kwh"].get<double>());
  CHECK_THAT(d["loss"].get<double>(), WithinRel(2.2, 1e-9));
}

TEST_CASE("plan with inference tokens reports inference and total FLOPs", "[cli]") {
  auto r = run_scaleplan({"plan", "--target-params", "13B", "--law", "hoffmann2022-unrounded",
                          "--inference-tokens", "2T", "--json"});
  REQUIRE(r.exit_code == 0);
  const json d = json::parse(r.out);
  CHECK_THAT(d["params"].get<double>(), WithinRel(7.1e9, 0.03));
  CHECK_THAT(d["total_flops"].get<double>(),
             WithinRel(d["flops"].get<double>() + d["inference_flops"].get<double>(), 1e-12));
}

TEST_CASE("plan refuses contradictions and impossible goals with one line", "[cli]") {
  scaleplan::testing::check_refusals({
      {{"plan", "--target-loss", "2.2", "--budget-kwh", "100"}, "one goal"},
      {{"plan", "--target-loss", "2.2", "--gpus", "8", "--deadline-days", "3"}, "--deadline-days"},
      {{"plan", "--target-loss", "1.5"}, "irreducible"},
      {{"plan", "--budget-kwh", "0.0001"}, "least sensible plan"},
      {{"plan", "--target-loss", "2.2", "--hardware", "h100-sxm5-80g"}, "did you mean"},
      {{"plan", "--target-loss", "2.2", "--minimize", "cost"}, "--minimize"},
      {{"plan", "--target-loss", "-2"}, "--target-loss"},
      {{"plan", "--target-loss", "2.2", "--experiment-overhead", "0.5"}, "--experiment-overhead"},
      {{"plan"}, "give a goal"},
  });
}
