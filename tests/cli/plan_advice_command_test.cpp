// End-to-end: plan scopes, the default deadline, and calibrate reading what
// plan --json wrote, compared like for like.
#include <catch2/catch.hpp>
#include <fstream>
#include <nlohmann/json.hpp>

#include "support.h"

using nlohmann::json;
using scaleplan::testing::run_scaleplan;

TEST_CASE("the default 7B plan on h100-sxm5-80gb finishes within 30 days and says 30 days was assumed",
          "[cli]") {
  auto r = run_scaleplan({"plan", "--target-params", "7B", "--hardware", "h100-sxm5-80gb", "--json"});
  REQUIRE(r.exit_code == 0);
  const json d = json::parse(r.out);
  CHECK(d["wall_days"].get<double>() <= 30);
  CHECK(d["deadline_days"].get<double>() == 30);
  CHECK(d["deadline_assumed"].get<bool>());
  auto h = run_scaleplan({"plan", "--target-params", "7B", "--hardware", "h100-sxm5-80gb"});
  REQUIRE(h.exit_code == 0);
  CHECK_THAT(h.out, Catch::Contains("30 days") && Catch::Contains("assumed"));
}

TEST_CASE("with inference tokens the plan's JSON total is training x overhead + inference, Chinchilla's too",
          "[cli]") {
  auto r = run_scaleplan(
      {"plan", "--target-loss", "2.1", "--inference-tokens", "2T", "--experiment-overhead", "2", "--json"});
  REQUIRE(r.exit_code == 0);
  const json d = json::parse(r.out);
  const double training = d["training"]["energy_kwh"], inference = d["inference"]["energy_kwh"];
  CHECK(d["total"]["energy_kwh"].get<double>() == Approx(training * 2 + inference));
  CHECK(d["energy_kwh"].get<double>() == Approx(training * 2 + inference));
  CHECK(d["experiments"]["energy_kwh"].get<double>() == Approx(training));
  CHECK_THAT(d["chinchilla_optimal"]["covers"].get<std::string>(), Catch::Contains("inference"));
  CHECK(d["chinchilla_optimal"]["energy_kwh"].get<double>() >=
        d["total"]["energy_kwh"].get<double>() * (1 - 1e-9));
  auto h = run_scaleplan(
      {"plan", "--target-loss", "2.1", "--inference-tokens", "2T", "--experiment-overhead", "2"});
  REQUIRE(h.exit_code == 0);
  CHECK_THAT(h.out,
             Catch::Contains("inference") && Catch::Contains("total") && Catch::Contains("experiments"));
}

TEST_CASE("calibrate compares operational CO2 with the TeenyTinyLlama-460m log's 41.3 kg, embodied apart",
          "[cli]") {
  const std::string log = scaleplan::testing::test_data_path("teenytinyllama/emissions-460m.csv");
  auto r = run_scaleplan({"calibrate", log, "--params", "468239360", "--tokens", "9.8e9", "--hardware",
                          "a100-sxm4-40gb", "--json"});
  REQUIRE(r.exit_code == 0);
  const json d = json::parse(r.out);
  CHECK(d["co2_kg"].get<double>() == Approx(41.29).epsilon(0.001));
  // The same run forecast independently: 1 GPU in Germany at the log's PUE.
  auto f = run_scaleplan({"forecast", "--params", "468239360", "--tokens", "9.8e9", "--hardware",
                          "a100-sxm4-40gb", "--gpus", "1", "--region", "DEU", "--pue", "1.0", "--json"});
  REQUIRE(f.exit_code == 0);
  const json fd = json::parse(f.out);
  CHECK(d["forecast"]["co2_kg"].get<double>() == Approx(fd["co2_operational_kg"].get<double>()));
  CHECK(d["forecast"]["co2_embodied_kg"].get<double>() == Approx(fd["co2_embodied_kg"].get<double>()));
  CHECK(d["forecast"]["error_pct"]["co2_kg"].get<double>() ==
        Approx((fd["co2_operational_kg"].get<double>() / 41.2894194 - 1) * 100).epsilon(1e-4));
}

TEST_CASE("calibrate reads a plan written by plan --json and compares its final training run", "[cli]") {
  const auto dir = scaleplan::testing::temp_dir("plan-calib");
  const std::string plan_file = (dir / "plan.json").string();
  auto p = run_scaleplan({"plan", "--target-params", "468239360", "--hardware", "a100-sxm4-40gb", "--gpus",
                          "1", "--experiment-overhead", "3", "--json"});
  REQUIRE(p.exit_code == 0);
  std::ofstream(plan_file) << p.out;
  const json pd = json::parse(p.out);
  const std::string log = scaleplan::testing::test_data_path("teenytinyllama/emissions-460m.csv");
  auto r = run_scaleplan({"calibrate", log, "--params", "468239360", "--tokens", "9.8e9", "--hardware",
                          "a100-sxm4-40gb", "--plan", plan_file, "--json"});
  REQUIRE(r.exit_code == 0);
  const json d = json::parse(r.out);
  // The final run, not the total with 3x experiments, restated for the
  // log's facility (PUE 1) and grid (its own emissions / energy).
  const json& t = pd["training"];
  CHECK(d["plan"]["gpu_hours"].get<double>() == Approx(t["gpu_hours"].get<double>()));
  const double it_kwh = t["energy_kwh"].get<double>() / t["pue"].get<double>() * d["pue"].get<double>();
  CHECK(d["plan"]["energy_kwh"].get<double>() == Approx(it_kwh));
  CHECK(d["plan"]["co2_kg"].get<double>() == Approx(it_kwh * d["grid_gco2_per_kwh"].get<double>() / 1000));
  CHECK_THAT(d["plan"]["restated"].get<std::string>(), Catch::Contains("PUE 1.58"));
}

TEST_CASE("finetune reports the configuration that makes QLoRA 65B fit one RTX A6000", "[cli]") {
  auto r = run_scaleplan({"finetune", "--params", "65B", "--tokens", "50M", "--methods", "qlora",
                          "--hardware", "rtx-a6000", "--json"});
  REQUIRE(r.exit_code == 0);
  const json m = json::parse(r.out)["methods"][0];
  CHECK(m["fits"].get<bool>());
  CHECK(m["gpus"].get<int>() == 1);
  CHECK(m["configuration"]["recompute"].get<std::string>() != "none");
}

TEST_CASE("a deadline no count can meet is one line naming the bound", "[cli]") {
  scaleplan::testing::check_refusals({
      {{"plan", "--target-params", "70B", "--hardware", "a100-sxm4-80gb", "--deadline-days", "0.01"},
       "--deadline-days"},
  });
}
