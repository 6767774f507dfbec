// End-to-end: scaleplan finetune, models, and recommendations in plan.
#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "support.h"

using nlohmann::json;
using scaleplan::testing::run_scaleplan;

TEST_CASE("finetune --json lists each method with its budget and marks the cheapest", "[cli]") {
  auto r = run_scaleplan(
      {"finetune", "--model", "llama-2-7b", "--tokens", "100M", "--hardware", "a100-sxm4-80gb", "--json"});
  REQUIRE(r.exit_code == 0);
  const json d = json::parse(r.out);
  REQUIRE(d["methods"].size() == 3);
  int cheapest = 0;
  for (const auto& m : d["methods"]) {
    for (const char* key : {"method", "fits", "gpus", "memory_gb_per_gpu", "flops", "gpu_hours", "energy_kwh",
                            "co2_kg", "eps_tier"}) {
      INFO(key);
      CHECK(m.contains(key));
    }
    cheapest += m["cheapest"].get<bool>();
  }
  CHECK(cheapest == 1);
}

TEST_CASE("a High plan carries recommendations in its JSON", "[cli]") {
  auto r = run_scaleplan({"plan", "--target-params", "7B", "--offset-price", "20", "--json"});
  REQUIRE(r.exit_code == 0);
  const json d = json::parse(r.out);
  REQUIRE(d["eps_tier"] == "High");
  CHECK(d["recommendations"].size() >= 4);
  for (const auto& rec : d["recommendations"]) {
    // A memory measure leaves the footprint as it was, and carries none.
    CHECK(rec.contains("energy_kwh") == (rec["category"] != "memory"));
    CHECK(rec.contains("eps_tier") == (rec["category"] != "memory"));
    CHECK(rec.contains("why"));
  }
}

TEST_CASE("models lists the catalogue", "[cli]") {
  auto r = run_scaleplan({"models", "--json"});
  REQUIRE(r.exit_code == 0);
  CHECK(json::parse(r.out)["models"].size() >= 25);
}

TEST_CASE("finetune refuses bad input with one line", "[cli]") {
  const std::vector<std::string> base = {"finetune", "--tokens", "100M", "--hardware", "a100-sxm4-80gb"};
  auto with = [&](std::vector<std::string> extra) {
    auto a = base;
    a.insert(a.end(), extra.begin(), extra.end());
    return a;
  };
  scaleplan::testing::check_refusals({
      {with({"--model", "llama-9b"}), "--model"},
      {with({"--model", "llama-2-7b", "--methods", "full,dora"}), "dora"},
      {with({"--model", "llama-2-7b", "--lora-rank", "0"}), "--lora-rank"},
      {with({"--model", "llama-2-7b", "--lora-rank", "9000"}), "hidden size"},
      {with({"--model", "llama-2-7b", "--seq-len", "0"}), "--seq-len"},
      {with({"--model", "llama-2-7b", "--micro-batch", "-1"}), "--micro-batch"},
      {with({"--model", "llama-2-7b", "--optimizer", "lion"}), "--optimizer"},
      {with({"--model", "llama-2-7b", "--params", "7B"}), "one of --model and --params"},
      {with({"--model", "llama-3.1-405b", "--seq-len", "1000000"}), "no method fits"},
  });
}
