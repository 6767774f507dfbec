// cli::run: the command line as a function, and the API under it. The
// command line and the API answer the same documents; a refusal names the
// field in the API and the flag on the command line.
#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>
#include <sstream>

#include "api/command.h"
#include "run.h"
#include "support.h"

namespace {

std::string api_refusal(const std::string& command, const nlohmann::json& inputs) {
  try {
    scaleplan::api::run(command, inputs);
  } catch (const scaleplan::Error& e) {
    return e.what();
  }
  FAIL("expected a refusal");
  return "";
}

}  // namespace

TEST_CASE("The API answers the same document as the binary's --json", "[run]") {
  const auto doc =
      scaleplan::api::run("plan", {{"target_loss", 2.1}, {"hardware", {"h100-sxm5-80gb", "b200"}}});
  const auto binary = scaleplan::testing::run_scaleplan(
      {"plan", "--target-loss", "2.1", "--hardware", "h100-sxm5-80gb,b200", "--json"});
  REQUIRE(binary.exit_code == 0);
  CHECK(doc.document == nlohmann::ordered_json::parse(binary.out));
}

TEST_CASE("A refusal names the field in the API and the same field as its flag on the command line",
          "[run]") {
  const auto binary = scaleplan::testing::run_scaleplan({"tokens", "--params", "seven", "--json"});
  REQUIRE(binary.exit_code == 1);
  const std::string message = api_refusal("tokens", {{"params", "seven"}});
  CHECK_THAT(message, Catch::StartsWith("params: 'seven' is not a number"));
  CHECK("scaleplan: error: --" + message + "\n" == binary.err);
}

TEST_CASE("The API refuses what is no field of the command, naming it and listing the fields", "[run]") {
  const std::string message = api_refusal("plan", {{"target_params", "7B"}, {"colour", "red"}});
  CHECK_THAT(message,
             Catch::StartsWith("colour: not a field of this command") && Catch::Contains("target_params"));
  CHECK_THAT(api_refusal("tokens", {{"params", true}}), Catch::StartsWith("params: expected a number"));
  CHECK_THAT(api_refusal("plan", {{"hardware", {{"nested", 1}}}}), Catch::StartsWith("hardware: expected"));
  CHECK_THAT(api_refusal("plan", nlohmann::json::array({1, 2})), Catch::Contains("JSON object"));
  CHECK_THAT(api_refusal("frobnicate", nlohmann::json::object()), Catch::Contains("unknown command"));
}

TEST_CASE("The API reads numbers and human quantities alike, and keeps every digit", "[run]") {
  const auto exact = scaleplan::api::run("loss", {{"params", 6.9e9 + 0.125}, {"tokens", 1.4e12}}).document;
  CHECK(exact["params"].get<double>() == 6.9e9 + 0.125);
  const auto human = scaleplan::api::run("loss", {{"params", "7B"}, {"tokens", "1.4T"}}).document;
  const auto number = scaleplan::api::run("loss", {{"params", 7e9}, {"tokens", 1.4e12}}).document;
  CHECK(human == number);
}

TEST_CASE("An unknown command through run gives exit code 1 and one line", "[run]") {
  std::ostringstream out, err;
  CHECK(scaleplan::cli::run({"frobnicate"}, out, err) == 1);
  CHECK(out.str().empty());
  CHECK(err.str().find("unknown command 'frobnicate'") != std::string::npos);
}
