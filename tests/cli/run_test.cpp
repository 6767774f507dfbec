// cli::run and cli::call: the command line as a function, which the Python
// module and the server use. They must answer exactly as the binary does.
#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>
#include <sstream>

#include "run.h"
#include "support.h"

using scaleplan::cli::call;
using scaleplan::cli::RequestError;
using scaleplan::cli::to_args;

TEST_CASE("A call returns the same document as the binary's --json", "[run]") {
  const auto doc = call("plan", {{"target_loss", 2.1}, {"hardware", {"h100-sxm5-80gb", "b200"}}});
  const auto binary = scaleplan::testing::run_scaleplan(
      {"plan", "--target-loss", "2.1", "--hardware", "h100-sxm5-80gb,b200", "--json"});
  REQUIRE(binary.exit_code == 0);
  CHECK(doc == nlohmann::ordered_json::parse(binary.out));
}

TEST_CASE("A refused call raises the CLI's one-line message", "[run]") {
  const auto binary = scaleplan::testing::run_scaleplan({"tokens", "--params", "seven", "--json"});
  REQUIRE(binary.exit_code == 1);
  try {
    call("tokens", {{"params", "seven"}});
    FAIL("expected a RequestError");
  } catch (const RequestError& e) {
    CHECK("scaleplan: error: " + std::string(e.what()) + "\n" == binary.err);
  }
}

TEST_CASE("Options become flags: snake case to kebab case, true as a flag, lists joined", "[run]") {
  const nlohmann::json options = {
      {"target_loss", 2.5}, {"hardware", {"a", "b"}}, {"full_grid", true},    {"quiet", false},
      {"gpus", 8},          {"region", nullptr},      {"law", "hoffmann2022"}};
  const auto args = to_args("plan", options, {"runs.csv"});
  const std::vector<std::string> expected = {
      "plan", "runs.csv", "--full-grid",  "--gpus",        "8",  "--hardware",
      "a,b",  "--law",    "hoffmann2022", "--target-loss", "2.5"};
  CHECK(args == expected);
}

TEST_CASE("Numbers keep every digit on their way to the command line", "[run]") {
  const auto args = to_args("loss", {{"params", 6.9e9 + 0.125}});
  CHECK(std::stod(args.back()) == 6.9e9 + 0.125);
}

TEST_CASE("Options that are not flags are refused before anything runs", "[run]") {
  CHECK_THROWS_AS(to_args("plan", {{"hardware", {{"nested", 1}}}}), RequestError);
  CHECK_THROWS_AS(to_args("plan", {{"--gpus", 8}}), RequestError);
  CHECK_THROWS_AS(to_args("plan", nlohmann::json::array({1, 2})), RequestError);
  CHECK_THROWS_AS(to_args("plan", {{"shape", {{"layers", 2}}}}), RequestError);
}

TEST_CASE("An unknown command through run gives exit code 1 and one line", "[run]") {
  std::ostringstream out, err;
  CHECK(scaleplan::cli::run({"frobnicate"}, out, err) == 1);
  CHECK(out.str().empty());
  CHECK(err.str().find("unknown command 'frobnicate'") != std::string::npos);
}

TEST_CASE("An option given no value is blamed on itself, not on --json", "[run]") {
  try {
    call("tokens", {{"params", true}});
    FAIL("expected a RequestError");
  } catch (const RequestError& e) {
    CHECK(std::string(e.what()).find("--json") == std::string::npos);
  }
}
