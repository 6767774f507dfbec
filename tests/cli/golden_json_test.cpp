// Golden JSON: the --json document of one realistic case per command,
// compared with tests/cli/golden/<name>.json, so a renamed key or a changed
// figure shows in review instead of reaching a script that reads it. Keys,
// their order, strings and integers must be equal; a floating-point number
// may differ in its last bits (1e-9 relative), as a fit's optimum does
// between GCC's Release build and clang's sanitizer build (and with it the
// counts of the fit's search path). After a
// deliberate change, refresh them with
//   UPDATE_GOLDEN=1 ctest -R golden   (then read every diff before committing)
#include <algorithm>
#include <catch2/catch.hpp>
#include <cmath>
#include <nlohmann/json.hpp>

#include "golden.h"

namespace {

using scaleplan::testing::check_against_golden;
using scaleplan::testing::portable;
using scaleplan::testing::read_all;
using scaleplan::testing::replace_all;
using scaleplan::testing::run_scaleplan;
using scaleplan::testing::temp_dir;
using scaleplan::testing::test_data_path;

// The first place where `got` and `want` differ (a JSON pointer and both
// values), or "" when they are the same document up to float rounding.
std::string first_difference(const nlohmann::ordered_json& got, const nlohmann::ordered_json& want,
                             const std::string& at = "") {
  const auto differs = [&] { return at + ": " + got.dump() + " instead of " + want.dump(); };
  // The fit's counts of its search path (how many starts ran, were abandoned
  // early or reached the optimum) follow the same last bits: their type is
  // pinned, their value is not.
  for (const char* counter : {"/iterations", "/starts_run", "/starts_at_best", "/starts_abandoned"}) {
    if (at.ends_with(counter)) return got.is_number_integer() && want.is_number_integer() ? "" : differs();
  }
  if (got.is_number_float() && want.is_number_float()) {
    const double g = got.get<double>(), w = want.get<double>();
    return std::fabs(g - w) <= 1e-9 * std::max(std::fabs(g), std::fabs(w)) ? "" : differs();
  }
  if (got.type() != want.type() || got.size() != want.size()) return differs();
  if (got.is_object()) {
    for (auto g = got.begin(), w = want.begin(); g != got.end(); ++g, ++w) {
      if (g.key() != w.key()) return at + ": key " + g.key() + " instead of " + w.key();
      if (auto d = first_difference(g.value(), w.value(), at + "/" + g.key()); !d.empty()) return d;
    }
    return "";
  }
  if (got.is_array()) {
    for (size_t i = 0; i < got.size(); ++i) {
      if (auto d = first_difference(got[i], want[i], at + "/" + std::to_string(i)); !d.empty()) return d;
    }
    return "";
  }
  return got == want ? "" : differs();
}

void check_json_golden(const std::string& file_name, const std::string& got) {
  const auto file = std::filesystem::path(SCALEPLAN_GOLDEN_DIR) / file_name;
  if (scaleplan::testing::updating_golden() || !std::filesystem::exists(file)) {
    check_against_golden(file_name, got);
    return;
  }
  const std::string want = read_all(file);
  if (got == want) return;
  const auto want_doc = nlohmann::ordered_json::parse(want, nullptr, false);
  REQUIRE_FALSE(want_doc.is_discarded());
  const std::string difference = first_difference(nlohmann::ordered_json::parse(got), want_doc);
  INFO(file_name << difference);
  CHECK(difference.empty());
}

// Runs `args` with --json; the document must parse, name its schema version
// and match the golden file.
std::string check_golden_json(const std::string& name, std::vector<std::string> args,
                              const std::string& temp_folder = "") {
  INFO(name);
  args.emplace_back("--json");
  const auto r = run_scaleplan(args);
  REQUIRE(r.exit_code == 0);
  REQUIRE(r.err.empty());
  const auto doc = nlohmann::json::parse(r.out, nullptr, false);
  REQUIRE_FALSE(doc.is_discarded());
  REQUIRE(doc.is_object());
  CHECK(doc.contains("schema_version"));
  std::string got = portable(r.out);
  if (!temp_folder.empty()) replace_all(got, temp_folder, "<tmp>/");
  check_json_golden(name + ".json", got);
  return r.out;
}

}  // namespace

TEST_CASE("golden: every command's JSON document matches its reviewed text", "[cli][golden]") {
  check_golden_json("tokens", {"tokens", "--params", "7B"});
  check_golden_json("loss", {"loss", "--params", "70B", "--tokens", "1.4T"});
  check_golden_json("allocate", {"allocate", "--flops", "5.76e23"});
  check_golden_json("laws", {"laws"});
  check_golden_json("fit-parametric",
                    {"fit", test_data_path("svg_extracted_data.csv"), "--max-loss", "3.44", "--quiet"});
  check_golden_json("fit", {"fit", test_data_path("isoflops_points.csv"), "--method", "isoflop"});
  check_golden_json("forecast", {"forecast", "--params", "65.2B", "--tokens", "1.4T", "--hardware", "a100",
                                 "--gpus", "2048"});
  check_golden_json("hardware", {"hardware", "list"});
  check_golden_json("hardware-show", {"hardware", "show", "h100"});
  check_golden_json("regions", {"regions", "--search", "europe"});
  check_golden_json("tier", {"tier", "--kwh", "1600", "--co2-kg", "600"});
  check_golden_json("finetune",
                    {"finetune", "--model", "llama-2-7b", "--tokens", "100M", "--hardware", "a100"});
  check_golden_json("models", {"models"});
  check_golden_json("recipe",
                    {"recipe", "--params", "7B", "--tokens", "2T", "--hardware", "h100", "--gpus", "512"});
  check_golden_json("layout", {"layout", "--params", "7B", "--hardware", "h100", "--gpus", "64"});
}

TEST_CASE("golden: plan's JSON carries its recommendations, scopes and alternatives", "[cli][golden]") {
  // A High-tier run, so the document lists recommendations and measures.
  check_golden_json("plan", {"plan", "--target-params", "7B", "--hardware", "h100"});
  // A budget, two accelerators, experiments and serving: the document's
  // budget, alternatives and per-scope blocks.
  check_golden_json("plan-budget",
                    {"plan", "--budget-kwh", "50000", "--hardware", "h100-sxm5-80gb,a100-sxm4-80gb",
                     "--inference-tokens", "2T", "--experiment-overhead", "2"});
}

TEST_CASE("golden: calibrate's JSON, alone and against a plan written by plan --json", "[cli][golden]") {
  const std::string log = test_data_path("teenytinyllama/emissions-460m.csv");
  const std::vector<std::string> calibrate = {"calibrate", log,     "--params",   "468239360",
                                              "--tokens",  "9.8e9", "--hardware", "a100-sxm4-40gb"};
  check_golden_json("calibrate", calibrate);
  // The plan for the logged run's model (TeenyTinyLlama 460m) on its GPU.
  const std::string plan =
      check_golden_json("plan-460m", {"plan", "--target-params", "468239360", "--hardware", "a100-sxm4-40gb",
                                      "--gpus", "1", "--experiment-overhead", "3"});
  const auto dir = temp_dir("golden-json");
  const std::string plan_file = (dir / "plan.json").string();
  std::ofstream(plan_file, std::ios::binary) << plan;
  auto with_plan = calibrate;
  with_plan.insert(with_plan.end(), {"--plan", plan_file});
  check_golden_json("calibrate-plan", with_plan, dir.string() + "/");
  std::filesystem::remove_all(dir);
}
