// End-to-end: forecast, hardware, regions, tier, and tokens --hardware.
#include <catch2/catch.hpp>
#include <fstream>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "support.h"

using Catch::Matchers::WithinRel;
using nlohmann::json;
using scaleplan::testing::run_scaleplan;

TEST_CASE("forecast --json reproduces LLaMA-65B's published energy and carbon", "[cli]") {
  auto r = run_scaleplan({"forecast", "--params", "65.2B", "--tokens", "1.4T", "--hardware", "a100-sxm4-80gb",
                          "--gpu-hours", "1022362", "--accounting", "tdp", "--pue", "1.1",
                          "--carbon-intensity", "385", "--json"});
  REQUIRE(r.exit_code == 0);
  const json d = json::parse(r.out);
  CHECK_THAT(d["energy_kwh"].get<double>(), WithinRel(449e3, 0.01));
  CHECK_THAT(d["co2_operational_kg"].get<double>(), WithinRel(173e3, 0.01));
  for (const char* key : {"flops", "gpu_hours", "wall_days", "energy_kwh", "co2_kg", "co2_operational_kg",
                          "co2_embodied_kg", "eps_tier", "range", "assumptions"}) {
    INFO(key);
    CHECK(d.contains(key));
  }
  CHECK(d["eps_tier"] == "High");
  CHECK(d["range"]["energy_kwh"].size() == 2);
  CHECK(d["assumptions"].size() > 3);
}

TEST_CASE("forecast reads CodeCarbon-style inputs for TeenyTinyLlama within 20% of the measured energy",
          "[cli]") {
  auto r =
      run_scaleplan({"forecast", "--params", "468239360", "--tokens", "9.8B", "--hardware", "a100-sxm4-40gb",
                     "--gpus", "1", "--gpu-hours", "280.5", "--region", "DE", "--pue", "1.0", "--json"});
  REQUIRE(r.exit_code == 0);
  CHECK_THAT(json::parse(r.out)["energy_kwh"].get<double>(), WithinRel(112.97, 0.20));
}

TEST_CASE("forecast and tokens size the cluster for --deadline-days, and refuse it beside --gpus", "[cli]") {
  const std::vector<std::string> run = {"--params", "7B", "--tokens", "1.4T", "--hardware", "h100-sxm5-80gb"};
  auto with = [&](std::vector<std::string> more) {
    std::vector<std::string> args = {"forecast"};
    args.insert(args.end(), run.begin(), run.end());
    args.insert(args.end(), more.begin(), more.end());
    args.push_back("--json");
    return run_scaleplan(args);
  };
  const auto sized = with({"--deadline-days", "10"});
  REQUIRE(sized.exit_code == 0);
  const json d = json::parse(sized.out);
  const int gpus = d["gpus"].get<int>();
  CHECK(d["wall_days"].get<double>() <= 10);
  // The fewest: one node fewer, forecast on its own, misses the ten days.
  const auto fewer = with({"--gpus", std::to_string(gpus - 8)});
  REQUIRE(fewer.exit_code == 0);
  CHECK(json::parse(fewer.out)["wall_days"].get<double>() > 10);
  // A deadline 3x longer needs fewer GPUs.
  CHECK(json::parse(with({"--deadline-days", "30"}).out)["gpus"].get<int>() < gpus);

  const auto both = with({"--deadline-days", "10", "--gpus", "8"});
  CHECK(both.exit_code == 1);
  CHECK_THAT(both.err, Catch::Contains("--deadline-days") && Catch::Contains("--gpus"));
  const auto tokens = run_scaleplan(
      {"tokens", "--params", "7B", "--hardware", "h100-sxm5-80gb", "--deadline-days", "10", "--json"});
  REQUIRE(tokens.exit_code == 0);
  CHECK(json::parse(tokens.out)["forecast"]["wall_days"].get<double>() <= 10);
  const auto alone = run_scaleplan({"tokens", "--params", "7B", "--deadline-days", "10"});
  CHECK(alone.exit_code == 1);
  CHECK_THAT(alone.err, Catch::Contains("--deadline-days needs --hardware"));
}

TEST_CASE("tier answers with the EPS tier", "[cli]") {
  struct Case {
    const char *kwh, *co2, *tier;
  } cases[] = {{"1600", "600", "High"},
               {"1600", "400", "Intermediate"},
               {"0.05", "0.01", "Low"},
               {"0.2", "0.01", "Intermediate"}};
  for (const Case& c : cases) {
    auto r = run_scaleplan({"tier", "--kwh", c.kwh, "--co2-kg", c.co2, "--json"});
    REQUIRE(r.exit_code == 0);
    CHECK(json::parse(r.out)["eps_tier"] == c.tier);
  }
}

TEST_CASE("forecast explains each tier by its own thresholds, not High's", "[cli]") {
  struct Case {
    const char *params, *tokens, *gpu_hours, *says;
  } cases[] = {{"10M", "10M", "0.01", "< 0.1 kWh and"},
               {"1B", "20B", "100", "not both under Low's 0.1 kWh and 0.05 kg"},
               {"7B", "140B", "10000", "> 1,500 kWh and"}};
  for (const Case& c : cases) {
    INFO(c.params);
    auto r = run_scaleplan({"forecast", "--params", c.params, "--tokens", c.tokens, "--hardware",
                            "h100-sxm5-80gb", "--gpus", "8", "--gpu-hours", c.gpu_hours});
    REQUIRE(r.exit_code == 0);
    CHECK_THAT(r.out, Catch::Contains(c.says));
  }
}

TEST_CASE("tier spells EPS out and cites the framework in its help, table and JSON", "[cli]") {
  const std::string paper = "Crossing the principle-practice gap in AI ethics with ethical problem-solving";
  CHECK_THAT(run_scaleplan({"tier", "--help"}).out, Catch::Contains("EPS (Ethical Problem Solving)"));
  CHECK_THAT(run_scaleplan({"tier", "--kwh", "1", "--co2-kg", "1"}).out, Catch::Contains(paper));
  const json d = json::parse(run_scaleplan({"tier", "--kwh", "1", "--co2-kg", "1", "--json"}).out);
  CHECK_THAT(d["source"].get<std::string>(),
             Catch::Contains("Ethical Problem Solving") && Catch::Contains(paper) && Catch::Contains("2024"));
}

TEST_CASE("hardware and regions list the database and a user file overrides it", "[cli]") {
  auto list = run_scaleplan({"hardware", "list", "--json"});
  REQUIRE(list.exit_code == 0);
  CHECK(json::parse(list.out)["accelerators"].size() >= 23);
  auto show = run_scaleplan({"hardware", "show", "tpu-v5e", "--json"});
  REQUIRE(show.exit_code == 0);
  CHECK(json::parse(show.out)["accelerator"]["tdp_w"].is_null());
  auto regions = run_scaleplan({"regions", "--search", "aws:", "--json"});
  REQUIRE(regions.exit_code == 0);
  CHECK(json::parse(regions.out)["regions"].size() >= 20);
  CHECK(json::parse(regions.out)["regions"][0]["old"] == true);

  const auto dir = scaleplan::testing::temp_dir("hwdb");
  const std::string db = (dir / "db.json").string();
  std::ofstream(db) << R"({"accelerators": [{"id": "tpu-v5e", "tdp_w": 200}]})";
  auto env = run_scaleplan({"hardware", "show", "tpu-v5e", "--json"}, {"SCALEPLAN_HARDWARE_DB=" + db});
  REQUIRE(env.exit_code == 0);
  CHECK(json::parse(env.out)["accelerator"]["tdp_w"] == 200);
  auto flag = run_scaleplan({"forecast", "--params", "1B", "--tokens", "20B", "--hardware", "tpu-v5e",
                             "--hardware-db", db, "--json"});
  CHECK(flag.exit_code == 0);
}

TEST_CASE("hardware list ID keeps the accelerators whose id, family or name holds it, any case", "[cli]") {
  auto h100 = run_scaleplan({"hardware", "list", "h100", "--json"});
  REQUIRE(h100.exit_code == 0);
  std::vector<std::string> ids;
  const json doc = json::parse(h100.out);
  for (const auto& a : doc["accelerators"]) ids.push_back(a["id"]);
  CHECK(ids == std::vector<std::string>{"h100-sxm5-80gb", "h100-pcie-80gb"});
  auto amd = run_scaleplan({"hardware", "list", "amd"});
  CHECK(amd.exit_code == 0);
  CHECK_THAT(amd.out, Catch::Contains("mi300x") && !Catch::Contains("h100"));
  auto none = run_scaleplan({"hardware", "list", "zzz"});
  CHECK(none.exit_code == 1);
  CHECK(none.err ==
        "scaleplan: error: id: no accelerator matches 'zzz'; expected part of an id, family or name "
        "(`scaleplan hardware list`)\n");
  CHECK(none.out.empty());
}

TEST_CASE("tokens --hardware adds a forecast with its tier", "[cli]") {
  auto r = run_scaleplan({"tokens", "--params", "7B", "--hardware", "h100-sxm5-80gb", "--json"});
  REQUIRE(r.exit_code == 0);
  const json d = json::parse(r.out);
  CHECK(d["forecast"]["eps_tier"] == "High");
  CHECK_THAT(d["forecast"]["flops"].get<double>(), WithinRel(d["flops"].get<double>(), 1e-12));
}

TEST_CASE("forecast commands refuse bad input with one line", "[cli]") {
  const auto dir = scaleplan::testing::temp_dir("fc-bad");
  const std::string not_json = (dir / "db.json").string();
  std::ofstream(not_json) << "accelerators: []";
  const std::string neg = (dir / "neg.json").string();
  std::ofstream(neg) << R"({"accelerators": [{"id": "h100-sxm5-80gb", "tdp_w": -700}]})";
  const std::vector<std::string> base = {"forecast", "--params", "7B", "--tokens", "1T"};
  auto with = [&](std::vector<std::string> extra) {
    std::vector<std::string> a = base;
    a.insert(a.end(), extra.begin(), extra.end());
    return a;
  };
  scaleplan::testing::check_refusals({
      {with({"--hardware", "h100-sxm-80gb"}), "did you mean 'h100-sxm5-80gb'"},
      {with({"--hardware", "h100-sxm5-80gb", "--region", "Germny"}), "did you mean 'Germany'"},
      {with({"--hardware", "h100-sxm5-80gb", "--mfu", "1.5"}), "--mfu"},
      {with({"--hardware", "h100-sxm5-80gb", "--mfu", "0"}), "--mfu"},
      {with({"--hardware", "h100-sxm5-80gb", "--gpus", "0"}), "--gpus"},
      {with({"--hardware", "h100-sxm5-80gb", "--gpus", "2.5"}), "--gpus"},
      {with({"--hardware", "h100-sxm5-80gb", "--gpu-hours", "-3"}), "--gpu-hours"},
      {with({"--hardware", "h100-sxm5-80gb", "--pue", "0.9"}), "--pue"},
      {with({"--hardware", "h100-sxm5-80gb", "--carbon-intensity", "-5"}), "--carbon-intensity"},
      {with({"--hardware", "h100-sxm5-80gb", "--region", "DE", "--carbon-intensity", "300"}), "--region"},
      {with({"--hardware", "h100-sxm5-80gb", "--accounting", "magic"}), "--accounting"},
      {with({"--hardware", "h100-sxm5-80gb", "--hardware-db", not_json}), "not valid JSON"},
      {with({"--hardware", "h100-sxm5-80gb", "--hardware-db", neg}), "tdp_w"},
      {with({"--hardware", "tpu-v5p"}), "--power-w"},
      {{"forecast", "--params", "7B", "--hardware", "h100-sxm5-80gb"}, "--tokens"},
      {{"tier", "--kwh", "-1", "--co2-kg", "3"}, "--kwh"},
      {{"hardware", "show", "z100"}, "z100"},
      {{"regions", "--search", "atlantis"}, "atlantis"},
  });
}
