// Libraries name the input a problem is in as a field ("inference_hardware");
// only the CLI knows the flag the user typed (--inference-hardware): the
// binary's side of tests/planning/error_fields_test.cpp.
#include <catch2/catch.hpp>

#include "support.h"

using scaleplan::testing::run_scaleplan;

TEST_CASE("the CLI shows a library field as the flag the user typed", "[errors]") {
  const auto inference = run_scaleplan(
      {"plan", "--target-params", "7B", "--inference-tokens", "1T", "--inference-hardware", "zzz"});
  CHECK(inference.exit_code == 1);
  CHECK(inference.out.empty());
  CHECK(inference.err.rfind("scaleplan: error: --inference-hardware: 'zzz' is not a known accelerator", 0) ==
        0);

  const auto gpus = run_scaleplan({"plan", "--target-params", "70B", "--hardware", "h100", "--gpus", "8"});
  CHECK(gpus.exit_code == 1);
  CHECK(gpus.err.rfind("scaleplan: error: --gpus: 8 x h100-sxm5-80gb cannot hold", 0) == 0);

  const auto where = run_scaleplan({"fit", scaleplan::testing::test_data_path("isoflops_points.csv"),
                                    "--method", "isoflop", "--group-by", "no_such_column"});
  CHECK(where.exit_code == 1);
  CHECK(where.err.rfind("scaleplan: error: --group-by: ", 0) == 0);
}

TEST_CASE("a zero or negative value of a field with a domain is refused with that domain, not size examples",
          "[errors]") {
  for (const char* days : {"0", "-3"}) {
    const auto r = run_scaleplan({"plan", "--target-params", "7B", "--deadline-days", days});
    CHECK(r.exit_code == 1);
    CHECK(r.err == std::string("scaleplan: error: --deadline-days: '") + days +
                       "' is outside its domain; expected a value from 0.01 to 3650 days\n");
  }
}
