// End-to-end: scaleplan validate, on the shipped datasets and on a user's CSV.
#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "support.h"
#include "support_files.h"

using nlohmann::json;
using scaleplan::testing::run_scaleplan;

TEST_CASE("validate scores every shipped dataset and prints its errors", "[cli]") {
  auto r = run_scaleplan({"validate", "--json"});
  REQUIRE(r.exit_code == 0);
  const json d = json::parse(r.out);
  REQUIRE(d["datasets"].size() >= 3);
  REQUIRE(d["scores"].size() >= 3);
  for (const auto& s : d["scores"]) {
    CHECK(s["cases"].get<size_t>() == s["runs"].size());
    CHECK(s["median_abs_error_pct"].get<double>() >= 0);
    CHECK(s["bias"].get<double>() > 0);
  }
  auto text = run_scaleplan({"validate"});
  REQUIRE(text.exit_code == 0);
  CHECK_THAT(text.out, Catch::Contains("korthikanti2022_table5: s per step"));
  CHECK_THAT(text.out, Catch::Contains("printed range covers"));
}

TEST_CASE("validate takes a user's CSV as a file or as text, and refuses a bad one in one line", "[cli]") {
  const std::string csv =
      "run,layers,hidden,heads,hardware,gpus,seq_len,global_batch,tp,pp,micro_batch,step_s\n"
      "mine,32,4096,32,h100-sxm5-80gb,8,4096,64,1,1,1,3.0\n";
  const auto dir = scaleplan::testing::temp_dir("validate-command");
  const std::string path = scaleplan::testing::write_file(dir, "validate_command_test.csv", csv);
  auto file = run_scaleplan({"validate", path, "--cases", "--json"});
  REQUIRE(file.exit_code == 0);
  auto text = run_scaleplan({"validate", "--runs-csv", csv, "--cases", "--json"});
  REQUIRE(text.exit_code == 0);
  const json a = json::parse(file.out), b = json::parse(text.out);
  CHECK(a["scores"][0]["runs"][0]["predicted"] == b["scores"][0]["runs"][0]["predicted"]);
  CHECK(a["scores"][0]["runs"][0]["measured"].get<double>() == 3.0);

  scaleplan::testing::write_file(
      dir, "validate_command_test.csv",
      "run,hardware,gpus,seq_len,params,tokens,gpu_hours\nx,h100,0,2048,7e9,1e11,5\n");
  scaleplan::testing::check_refusals({{{"validate", path}, "validate_command_test.csv:2:3: column 'gpus'"}});
}
