// End-to-end: scaleplan fit on files, its law file, and its refusals.
#include <catch2/catch.hpp>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>

#include "support.h"

using scaleplan::testing::write_file;

using Catch::Matchers::WithinRel;
using nlohmann::json;
using scaleplan::testing::run_scaleplan;
namespace fs = std::filesystem;

namespace {

// 12 runs from a known law, as a CSV.
std::string good_runs() {
  std::string csv = "params,tokens,loss\n";
  for (double n : {1e8, 4e8, 1.6e9}) {
    for (double d : {2e9, 8e9, 3.2e10, 1.28e11}) {
      const double l = 1.8 + 480 / std::pow(n, 0.35) + 2000 / std::pow(d, 0.37);
      csv += std::to_string(n) + "," + std::to_string(d) + "," + std::to_string(l) + "\n";
    }
  }
  return csv;
}

}  // namespace

TEST_CASE("fit --output writes a law that tokens --law reads", "[cli]") {
  const auto dir = scaleplan::testing::temp_dir("fit-ok");
  const std::string runs = write_file(dir, "runs.csv", good_runs());
  const std::string law = (dir / "mine.json").string();
  auto r = run_scaleplan({"fit", runs, "--output", law, "--bootstrap", "100", "--seed", "3", "--json"});
  REQUIRE(r.exit_code == 0);
  const json doc = json::parse(r.out);
  CHECK_THAT(doc["parameters"]["alpha"].get<double>(), WithinRel(0.35, 1e-3));
  CHECK(doc["points_used"] == 12);
  CHECK(doc["starts"] == 4500);
  CHECK(doc["ci95"].contains("E"));
  const json written = json::parse(std::ifstream(law));
  CHECK(written["uncertainty"]["replicates"].size() == 100);
  CHECK(written["fit"]["data"]["sha256"].get<std::string>().size() == 64);
  auto t = run_scaleplan({"tokens", "--params", "1B", "--law", law, "--json"});
  REQUIRE(t.exit_code == 0);
  CHECK(json::parse(t.out)["law"] == "mine");
}

TEST_CASE("fit reads Epoch's Chinchilla extraction with no column mapping", "[cli][shared]") {
  const std::string path = scaleplan::testing::test_data_path("svg_extracted_data.csv");
  auto r = run_scaleplan({"fit", path, "--max-loss", "3.44", "--json"});
  REQUIRE(r.exit_code == 0);
  const json doc = json::parse(r.out);
  CHECK(doc["points_used"] == 240);
  CHECK(doc["dropped"].size() == 5);
  CHECK_THAT(doc["parameters"]["E"].get<double>(), WithinRel(1.8172, 0.002));
  CHECK_THAT(doc["huber_cost"].get<double>(), WithinRel(0.00101827, 1e-4));
}

TEST_CASE("fit refuses bad input with one line and leaves no file behind", "[cli]") {
  const auto dir = scaleplan::testing::temp_dir("fit-bad");
  const std::string good = write_file(dir, "good.csv", good_runs());
  const std::string out = (dir / "law.json").string();
  std::string few = "params,tokens,loss\n";
  for (int i = 1; i <= 5; ++i) few += std::to_string(i) + "e9,2e10,3\n";
  std::string one_size = "params,tokens,loss\n";
  for (int i = 1; i <= 12; ++i) one_size += "1e9," + std::to_string(i) + "e10,3\n";
  // Loss rising with N and D: the fit ends at a negative exponent.
  std::string rising = "params,tokens,loss\n";
  for (double n : {1e8, 3e8, 1e9, 3e9, 1e10}) {
    for (double d : {1e9, 1e10, 1e11, 1e12}) {
      rising += std::to_string(n) + "," + std::to_string(d) + "," +
                std::to_string(2 + 0.1 * std::log10(n) + 0.1 * std::log10(d)) + "\n";
    }
  }
  std::ifstream before(good);
  const std::string good_before(std::istreambuf_iterator<char>(before), {});
  scaleplan::testing::check_refusals({
      {{"fit", write_file(dir, "nocol.csv", "params,loss\n1,2\n"), "-o", out}, "columns found"},
      {{"fit", write_file(dir, "cell.csv", "params,tokens,loss\n1e9,2e10,abc\n"), "-o", out}, "cell.csv:2:3"},
      {{"fit", write_file(dir, "neg.csv", "params,tokens,loss\n-1e9,2e10,3\n"), "-o", out}, "positive"},
      {{"fit", write_file(dir, "nan.csv", "params,tokens,loss\n1e9,nan,3\n"), "-o", out}, "nan.csv:2:2"},
      {{"fit", write_file(dir, "empty.csv", ""), "-o", out}, "empty"},
      {{"fit", write_file(dir, "header.csv", "params,tokens,loss\n"), "-o", out}, "0 usable points"},
      {{"fit", write_file(dir, "dup.csv", "params,tokens,loss,Loss\n1,2,3,4\n"), "-o", out}, "duplicate"},
      {{"fit", write_file(dir, "few.csv", few), "-o", out}, "at least 10"},
      {{"fit", write_file(dir, "one.csv", one_size), "-o", out}, "same model size"},
      {{"fit",
        write_file(dir, "garbage.csv",
                   std::string("\x7f"
                               "ELF\0\x01\x02",
                               7)),
        "-o", out},
       "garbage.csv"},
      {{"fit", good, "-o", good}, "input"},
      {{"fit", good, "-o", "/nonexistent-dir/law.json"}, "/nonexistent-dir/law.json"},
      {{"fit", (dir / "absent.csv").string()}, "absent.csv"},
      {{"fit", good, "--estimator", "l2"}, "huber-mle"},
      {{"fit", good, "--huber-delta", "-1"}, "--huber-delta"},
      {{"fit", good, "--bootstrap", "-5"}, "--bootstrap"},
      {{"fit", good, "--columns", "size"}, "--columns"},
      {{"fit", good, "--max-loss", "abc"}, "--max-loss"},
      {{"fit", good, "--seed", "-1"}, "--seed: '-1' is not a whole number"},
      // --quiet: a slow (sanitized) fit reports progress on stderr.
      {{"fit", write_file(dir, "rising.csv", rising), "-o", out, "--quiet"},
       "--output: the fitted law: parameters.alpha: -"},
      {{"fit", good, "--seed", " 7"}, "--seed"},
  });
  CHECK_FALSE(fs::exists(out));
  std::ifstream again(good);
  CHECK(std::string(std::istreambuf_iterator<char>(again), {}) == good_before);
  // No temporary files were left in the folder either.
  for (const auto& entry : fs::directory_iterator(dir)) {
    CHECK(entry.path().filename().string().find(".tmp.") == std::string::npos);
  }
}

TEST_CASE("fit shows progress on stderr when it runs long, even off a terminal, and --quiet silences it",
          "[cli][data]") {
  const std::string path = scaleplan::testing::test_data_path("svg_extracted_data.csv");
  // The threshold (2 s) set to zero, so the test does not depend on speed.
  auto r = run_scaleplan({"fit", path, "--max-loss", "3.44", "--json"}, {"SCALEPLAN_PROGRESS_AFTER_S=0"});
  REQUIRE(r.exit_code == 0);
  const json doc = json::parse(r.out);
  CHECK(doc["points_used"] == 240);
  const std::string starts = std::to_string(doc["starts_run"].get<int>());
  CHECK_THAT(r.err, Catch::Contains("fit: grid " + starts + "/" + starts + " after"));
  r = run_scaleplan({"fit", path, "--max-loss", "3.44", "--json", "--quiet"},
                    {"SCALEPLAN_PROGRESS_AFTER_S=0"});
  REQUIRE(r.exit_code == 0);
  CHECK(r.err.empty());
}
