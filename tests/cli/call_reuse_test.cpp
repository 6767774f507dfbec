// In-process callers (the server, the Python module) parse each command's
// App again for every call on a thread. A call must answer as a fresh
// process does, whatever the calls before it set, refused or not.
#include <CLI/CLI.hpp>
#include <algorithm>
#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>
#include <string>
#include <utility>
#include <vector>

#include "run.h"
#include "support.h"

using scaleplan::cli::call;
using scaleplan::cli::RequestError;

namespace {

// The same request through a fresh process.
nlohmann::ordered_json fresh(const std::string& command, const std::vector<std::string>& flags) {
  std::vector<std::string> args = {command};
  args.insert(args.end(), flags.begin(), flags.end());
  args.push_back("--json");
  const auto r = scaleplan::testing::run_scaleplan(args);
  REQUIRE(r.exit_code == 0);
  return nlohmann::ordered_json::parse(r.out);
}

}  // namespace

TEST_CASE("A call answers as a fresh process whatever the calls before it on the thread set", "[run]") {
  struct Step {
    std::string command;
    nlohmann::json options;
    std::vector<std::string> flags;  // the same request on the command line
  };
  // Each pair: a call that sets options (a region, a law, a flag, pins),
  // then one that leaves them at their defaults.
  const std::vector<Step> steps = {
      {"plan",
       {{"target_params", "1B"}, {"hardware", "a100-sxm4-80gb"}, {"region", "FR"}, {"law", "hoffmann2022"}},
       {"--target-params", "1B", "--hardware", "a100-sxm4-80gb", "--region", "FR", "--law", "hoffmann2022"}},
      {"plan", {{"target_params", "1B"}, {"hardware", "a100-sxm4-80gb"}},
       {"--target-params", "1B", "--hardware", "a100-sxm4-80gb"}},
      {"finetune",
       {{"params", "7B"}, {"tokens", "1B"}, {"hardware", "a100-sxm4-80gb"}, {"recompute", true}},
       {"--params", "7B", "--tokens", "1B", "--hardware", "a100-sxm4-80gb", "--recompute"}},
      {"finetune", {{"params", "7B"}, {"tokens", "1B"}, {"hardware", "a100-sxm4-80gb"}},
       {"--params", "7B", "--tokens", "1B", "--hardware", "a100-sxm4-80gb"}},
      {"layout", {{"params", "7B"}, {"hardware", "h100"}, {"gpus", 64}, {"tp", 2}, {"zero", 3}},
       {"--params", "7B", "--hardware", "h100", "--gpus", "64", "--tp", "2", "--zero", "3"}},
      {"layout", {{"params", "7B"}, {"hardware", "h100"}, {"gpus", 64}},
       {"--params", "7B", "--hardware", "h100", "--gpus", "64"}},
  };
  for (int round = 0; round < 2; ++round) {
    for (const Step& s : steps) {
      INFO("round " << round << ": " << s.command << " " << s.options.dump());
      CHECK(call(s.command, s.options) == fresh(s.command, s.flags));
    }
    // A refused call leaves nothing behind either.
    CHECK_THROWS_AS(call("plan", {{"target_params", "1B"}, {"hardware", "a100-sxm4-80gb"}, {"pue", 0.5}}),
                    RequestError);
  }
}

TEST_CASE("Thousands of calls on a thread keep its App's memory bounded", "[run]") {
  // CLI11 2.1 appends each parsed option to a list that clear() keeps.
  size_t most = 0;
  for (int i = 0; i < 2500; ++i) {
    call("tokens", {{"params", "7B"}});
    most = std::max(most, scaleplan::cli::app_for("tokens").get_subcommand("tokens")->parse_order().size());
  }
  CHECK(most > 0);
  CHECK(most <= 1000 * 3);  // params and --json, at most 1,000 parses
}
