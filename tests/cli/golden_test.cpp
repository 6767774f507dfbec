// Golden output: the human text of one realistic case per command, compared
// byte for byte with tests/cli/golden/<name>.txt. After a deliberate change
// to the output, refresh them with
//   UPDATE_GOLDEN=1 ctest -R golden   (then read every diff before committing)
#include <catch2/catch.hpp>

#include "golden.h"

namespace {

using scaleplan::testing::check_against_golden;
using scaleplan::testing::portable;
using scaleplan::testing::run_scaleplan;
using scaleplan::testing::test_data_path;

void check_golden(const std::string& name, const std::vector<std::string>& args) {
  INFO(name);
  const auto r = run_scaleplan(args);
  REQUIRE(r.exit_code == 0);
  REQUIRE(r.err.empty());
  check_against_golden(name + ".txt", portable(r.out));
}

}  // namespace

TEST_CASE("golden: every command's human output matches its reviewed text", "[cli][golden]") {
  const std::string log = test_data_path("teenytinyllama/emissions-460m.csv");
  check_golden("tokens", {"tokens", "--params", "7B"});
  check_golden("loss", {"loss", "--params", "70B", "--tokens", "1.4T"});
  check_golden("allocate", {"allocate", "--flops", "5.76e23"});
  check_golden("laws", {"laws"});
  check_golden("fit", {"fit", test_data_path("isoflops_points.csv"), "--method", "isoflop"});
  check_golden("forecast",
               {"forecast", "--params", "65.2B", "--tokens", "1.4T", "--hardware", "a100", "--gpus", "2048"});
  check_golden("hardware", {"hardware", "list"});
  check_golden("hardware-show", {"hardware", "show", "h100"});
  check_golden("regions", {"regions", "--search", "europe"});
  check_golden("tier", {"tier", "--kwh", "1600", "--co2-kg", "600"});
  check_golden("plan", {"plan", "--target-params", "7B", "--hardware", "h100"});
  check_golden("calibrate", {"calibrate", log, "--params", "468239360", "--tokens", "9.8e9", "--hardware",
                             "a100-sxm4-40gb"});
  check_golden("finetune", {"finetune", "--model", "llama-2-7b", "--tokens", "100M", "--hardware", "a100"});
  check_golden("models", {"models"});
  check_golden("recipe",
               {"recipe", "--params", "7B", "--tokens", "2T", "--hardware", "h100", "--gpus", "512"});
  check_golden("layout", {"layout", "--params", "7B", "--hardware", "h100", "--gpus", "64"});
}
