// End-to-end: the binary's stdout, stderr and exit code for tokens, loss,
// allocate and laws.
#include <catch2/catch.hpp>
#include <fstream>
#include <nlohmann/json.hpp>

#include "support.h"

using Catch::Matchers::WithinRel;
using nlohmann::json;
using scaleplan::testing::run_scaleplan;

TEST_CASE("tokens --params 70B --json gives about 1.286e12 tokens under the default law", "[cli]") {
  auto r = run_scaleplan({"tokens", "--params", "70B", "--json"});
  REQUIRE(r.exit_code == 0);
  CHECK(r.err.empty());
  const json doc = json::parse(r.out);
  CHECK(doc["schema_version"] == 1);
  CHECK(doc["law"] == "besiroglu2024");
  CHECK_THAT(doc["tokens"].get<double>(), WithinRel(1.286e12, 1e-3));
  CHECK(doc["params"].get<double>() == 70e9);
  CHECK_THAT(doc["tokens_per_param"].get<double>(), WithinRel(18.37, 1e-3));
  CHECK_THAT(doc["flops"].get<double>(), WithinRel(6 * 70e9 * 1.2858e12, 1e-3));
  CHECK(doc.contains("loss"));
}

TEST_CASE("tokens: the human table shows the law, its caveat and the 20-tokens rule", "[cli]") {
  auto r = run_scaleplan({"tokens", "--params", "7B"});
  REQUIRE(r.exit_code == 0);
  CHECK_THAT(r.out, Catch::Contains("7.00B") && Catch::Contains("20 tokens/param") &&
                        Catch::Contains("besiroglu2024") && Catch::Contains("caveat"));
}

TEST_CASE("tokens --target-loss gives the tokens that reach it", "[cli]") {
  auto r = run_scaleplan({"tokens", "--params", "1B", "--target-loss", "2.6", "--json"});
  REQUIRE(r.exit_code == 0);
  CHECK_THAT(json::parse(r.out)["loss"].get<double>(), WithinRel(2.6, 1e-9));
}

TEST_CASE("loss with unique tokens reproduces Muennighoff's test vector", "[cli]") {
  auto r = run_scaleplan({"loss", "--params", "6.34B", "--tokens", "242B", "--unique-tokens", "25B", "--law",
                          "muennighoff2023", "--json"});
  REQUIRE(r.exit_code == 0);
  const json doc = json::parse(r.out);
  CHECK(std::fabs(doc["loss"].get<double>() - 2.2256440890) < 1e-8);
  CHECK(doc["unique_tokens"].get<double>() == 25e9);
}

TEST_CASE("allocate splits a FLOP budget at about 18.3 tokens per parameter", "[cli]") {
  auto r = run_scaleplan({"allocate", "--flops", "5.88e23", "--json"});
  REQUIRE(r.exit_code == 0);
  const json doc = json::parse(r.out);
  CHECK_THAT(doc["tokens_per_param"].get<double>(), WithinRel(18.3, 0.01));
}

TEST_CASE("laws lists every preset and --version and --help answer", "[cli]") {
  auto r = run_scaleplan({"laws", "--json"});
  REQUIRE(r.exit_code == 0);
  const json doc = json::parse(r.out);
  CHECK(doc["laws"].size() >= 5);
  auto v = run_scaleplan({"--version"});
  CHECK(v.exit_code == 0);
  CHECK_THAT(v.out, Catch::Contains("scaleplan"));
  for (const char* cmd : {"tokens", "loss", "allocate", "laws"}) {
    auto h = run_scaleplan({cmd, "--help"});
    INFO(cmd);
    CHECK(h.exit_code == 0);
    CHECK_THAT(h.out, Catch::Contains("Example"));
  }
}

TEST_CASE("bad input: one line on stderr, exit 1, nothing on stdout", "[cli]") {
  const auto dir = scaleplan::testing::temp_dir("cli-bad");
  const std::string not_json = (dir / "not.json").string();
  std::ofstream(not_json) << "E = 1.8";
  const std::string no_beta = (dir / "nobeta.json").string();
  std::ofstream(no_beta) << R"({"form":"chinchilla","parameters":{"E":1.8,"A":400,"B":400,"alpha":0.3}})";
  const std::string neg = (dir / "neg.json").string();
  std::ofstream(neg)
      << R"({"form":"chinchilla","parameters":{"E":1.8,"A":400,"B":400,"alpha":-0.3,"beta":0.3}})";

  scaleplan::testing::check_refusals({
      {{"tokens", "--params", "seven"}, "seven"},
      {{"tokens", "--params", "0"}, "--params"},
      {{"tokens", "--params", "-7B"}, "-7B"},
      {{"tokens", "--params", "nan"}, "nan"},
      {{"tokens", "--params", "inf"}, "inf"},
      {{"tokens", "--params", "7Q"}, "7Q"},
      {{"loss", "--params", "7B", "--tokens", "0"}, "--tokens"},
      {{"allocate", "--flops", "1e999"}, "--flops"},
      {{"tokens", "--params", "7B", "--law", "chinchila"}, "besiroglu2024"},
      {{"tokens", "--params", "7B", "--law", not_json}, "not valid JSON"},
      {{"tokens", "--params", "7B", "--law", no_beta}, "parameters.beta"},
      {{"tokens", "--params", "7B", "--law", neg}, "alpha"},
      {{"tokens", "--params", "7B", "--target-loss", "1.9"}, "1.99834"},
      {{"loss", "--params", "7B", "--tokens", "1T", "--unique-tokens", "1B", "--law", "kaplan2020"},
       "Kaplan"},
      {{"tokens"}, "--params"},
      {{"frobnicate"}, "frobnicate"},
  });
}

TEST_CASE("loss and tokens carry the law's range warning far outside its runs, and none inside", "[cli]") {
  const auto far = run_scaleplan({"loss", "--params", "7B", "--tokens", "1000", "--json"});
  REQUIRE(far.exit_code == 0);
  CHECK_THAT(json::parse(far.out)["law_range_warning"].get<std::string>(), Catch::Contains("outside"));
  const auto near = run_scaleplan({"loss", "--params", "7B", "--tokens", "1.4T", "--json"});
  REQUIRE(near.exit_code == 0);
  CHECK_FALSE(json::parse(near.out).contains("law_range_warning"));
  const auto text = run_scaleplan({"tokens", "--params", "1T"});
  CHECK_THAT(text.out, Catch::Contains("warning: besiroglu2024 was fitted on"));
}
