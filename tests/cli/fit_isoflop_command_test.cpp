// End-to-end: scaleplan fit --method isoflop, its law in tokens, allocate
// and plan, grouped fits, and the refusals.
#include <catch2/catch.hpp>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>

#include "support.h"

using scaleplan::testing::write_file;

using Catch::Matchers::WithinRel;
using nlohmann::json;
using scaleplan::testing::check_refusals;
using scaleplan::testing::run_scaleplan;
namespace fs = std::filesystem;

namespace {

const std::string kLlama3 = std::string(SCALEPLAN_TEST_DATA) + "/isoflops_points.csv";
const std::string kPorian = std::string(SCALEPLAN_TEST_DATA) + "/porian2024_isoflop_points.csv";

}  // namespace

TEST_CASE("fit --method isoflop writes a law that tokens, allocate and plan use with intervals", "[cli]") {
  const auto dir = scaleplan::testing::temp_dir("isoflop-law");
  const std::string law = (dir / "llama3.json").string();
  auto r = run_scaleplan({"fit", kLlama3, "--method", "isoflop", "--seed", "5", "--output", law, "--json"});
  REQUIRE(r.exit_code == 0);
  const json fit = json::parse(r.out);
  CHECK(fit["form"] == "isoflop");
  CHECK(fit["budgets_used"] == 10);
  const json file = json::parse(std::ifstream(law));
  CHECK(file["fit"]["settings"]["seed"] == 5);
  CHECK(file["fit"]["settings"]["method"] == "isoflop");
  CHECK(file["uncertainty"]["replicates"].size() == 200);

  // allocate walks the frontier: N = a C^b from the fit's own constants.
  r = run_scaleplan({"allocate", "--flops", "1e22", "--law", law, "--json"});
  REQUIRE(r.exit_code == 0);
  const json alloc = json::parse(r.out);
  const double a = file["parameters"]["N_coef"], b = file["parameters"]["N_exponent"];
  CHECK_THAT(alloc["params"].get<double>(), WithinRel(a * std::pow(1e22, b), 1e-9));
  CHECK_THAT(6 * alloc["params"].get<double>() * alloc["tokens"].get<double>(), WithinRel(1e22, 1e-9));

  r = run_scaleplan({"tokens", "--params", "7B", "--law", law, "--json"});
  REQUIRE(r.exit_code == 0);
  CHECK(json::parse(r.out)["tokens_per_param"].get<double>() > 10);

  r = run_scaleplan({"plan", "--target-loss", "0.72", "--law", law, "--json"});
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  const json plan = json::parse(r.out);
  CHECK(plan["intervals"]["replicates_used"].get<int>() > 100);
}

TEST_CASE("fit --group-by fits Porian et al.'s set-ups apart and writes one law each", "[cli]") {
  const auto dir = scaleplan::testing::temp_dir("isoflop-groups");
  const std::string out = (dir / "porian.json").string();
  auto r = run_scaleplan({"fit", kPorian, "--method", "isoflop", "--bootstrap", "0", "--group-by",
                          "dataset,hparams,warmup,decay,param_count,loss_split", "--output", out});
  REQUIRE(r.exit_code == 0);
  CHECK(r.out.find("G10") != std::string::npos);
  int laws = 0;
  for (const auto& e : fs::directory_iterator(dir)) laws += e.path().extension() == ".json";
  CHECK(laws == 10);

  r = run_scaleplan({"fit", kPorian, "--method", "isoflop", "--bootstrap", "0", "--where", "dataset=owt2",
                     "--where", "decay=const", "--json"});
  REQUIRE(r.exit_code == 0);
  CHECK(json::parse(r.out)["points_used"].get<int>() > 50);
}

TEST_CASE("fit reports 5 significant figures by default and --digits on request", "[cli]") {
  auto r = run_scaleplan({"fit", kLlama3, "--method", "isoflop", "--bootstrap", "0"});
  REQUIRE(r.exit_code == 0);
  CHECK(r.out.find("0.53678") != std::string::npos);
  r = run_scaleplan({"fit", kLlama3, "--method", "isoflop", "--bootstrap", "0", "--digits", "2"});
  CHECK(r.out.find("0.54") != std::string::npos);
}

TEST_CASE("fit --method isoflop refuses data it cannot profile, writing nothing", "[cli]") {
  const auto dir = scaleplan::testing::temp_dir("isoflop-bad");
  const std::string one_budget =
      write_file(dir, "one.csv", "flops,params,loss\n1e20,1e8,3.1\n1e20,3e8,3.0\n1e20,1e9,3.05\n");
  const std::string edges = write_file(dir, "edges.csv",
                                       "flops,params,loss\n1e20,1e8,3.3\n1e20,3e8,3.2\n1e20,1e9,3.1\n"
                                       "1e21,1e8,3.2\n1e21,3e8,3.1\n1e21,1e9,3.0\n");
  const std::string out = (dir / "never.json").string();
  check_refusals({
      {{"fit", one_budget, "--method", "isoflop", "--output", out}, "1 compute budget"},
      {{"fit", edges, "--method", "isoflop", "--output", out}, "no compute budget has 3 or more points"},
      {{"fit", kLlama3, "--method", "isoflop", "--group-by", "setup", "--output", out}, "--group-by"},
      {{"fit", kPorian, "--method", "isoflop", "--where", "dataset=c4", "--output", out}, "selects none"},
      {{"fit", kLlama3, "--method", "sideways"}, "--method"},
      {{"fit", kLlama3, "--method", "isoflop", "--digits", "0"}, "--digits"},
  });
  CHECK_FALSE(fs::exists(out));
}
