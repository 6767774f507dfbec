// cli::run in process (the tests, a program embedding the command line)
// parses each command's App again for every call on a thread. A call must
// answer as a fresh process does, whatever the calls before it set, refused
// or not.
#include <CLI/CLI.hpp>
#include <algorithm>
#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>
#include <string>
#include <utility>
#include <vector>

#include <sstream>

#include "api/command.h"
#include "run.h"
#include "support.h"

namespace {

// The request through cli::run in this process, on this thread's App.
nlohmann::ordered_json in_process(const std::string& command, const std::vector<std::string>& flags,
                                  int* exit_code = nullptr) {
  std::vector<std::string> args = {command};
  args.insert(args.end(), flags.begin(), flags.end());
  args.push_back("--json");
  std::ostringstream out, err;
  const int code = scaleplan::cli::run(args, out, err);
  if (exit_code) *exit_code = code;
  return code == 0 ? nlohmann::ordered_json::parse(out.str()) : nlohmann::ordered_json();
}

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

TEST_CASE(
    "A command line run in process answers as a fresh process whatever the runs before it on the thread set",
    "[run]") {
  struct Step {
    std::string command;
    nlohmann::json options;          // the same request as the API's fields
    std::vector<std::string> flags;  // the request on the command line
  };
  // Each pair: a call that sets options (a region, a law, a flag, pins),
  // then one that leaves them at their defaults.
  const std::vector<Step> steps = {
      {"plan",
       {{"target_params", "1B"}, {"hardware", "a100-sxm4-80gb"}, {"region", "FR"}, {"law", "hoffmann2022"}},
       {"--target-params", "1B", "--hardware", "a100-sxm4-80gb", "--region", "FR", "--law", "hoffmann2022"}},
      {"plan",
       {{"target_params", "1B"}, {"hardware", "a100-sxm4-80gb"}},
       {"--target-params", "1B", "--hardware", "a100-sxm4-80gb"}},
      {"finetune",
       {{"params", "7B"}, {"tokens", "1B"}, {"hardware", "a100-sxm4-80gb"}, {"recompute", true}},
       {"--params", "7B", "--tokens", "1B", "--hardware", "a100-sxm4-80gb", "--recompute"}},
      {"finetune",
       {{"params", "7B"}, {"tokens", "1B"}, {"hardware", "a100-sxm4-80gb"}},
       {"--params", "7B", "--tokens", "1B", "--hardware", "a100-sxm4-80gb"}},
      {"layout",
       {{"params", "7B"}, {"hardware", "h100"}, {"gpus", 64}, {"tp", 2}, {"zero", 3}},
       {"--params", "7B", "--hardware", "h100", "--gpus", "64", "--tp", "2", "--zero", "3"}},
      {"layout",
       {{"params", "7B"}, {"hardware", "h100"}, {"gpus", 64}},
       {"--params", "7B", "--hardware", "h100", "--gpus", "64"}},
  };
  for (int round = 0; round < 2; ++round) {
    for (const Step& s : steps) {
      INFO("round " << round << ": " << s.command << " " << s.options.dump());
      const auto answer = in_process(s.command, s.flags);
      CHECK(answer == fresh(s.command, s.flags));
      CHECK(answer == scaleplan::api::run(s.command, s.options).document);
    }
    // A refused call leaves nothing behind either.
    int code = 0;
    in_process("plan", {"--target-params", "1B", "--hardware", "a100-sxm4-80gb", "--pue", "0.5"}, &code);
    CHECK(code == 1);
  }
}

TEST_CASE("Thousands of calls on a thread keep its App's memory bounded", "[run]") {
  // CLI11 2.1 appends each parsed option to a list that clear() keeps.
  size_t most = 0;
  for (int i = 0; i < 2500; ++i) {
    in_process("tokens", {"--params", "7B"});
    most = std::max(most, scaleplan::cli::app_for("tokens").get_subcommand("tokens")->parse_order().size());
  }
  CHECK(most > 0);
  CHECK(most <= 1000 * 3);  // params and --json, at most 1,000 parses
}
