// Large inputs load without trouble: a runs CSV of 100,000 rows (load
// times: make bench).
#include <catch2/catch.hpp>
#include <string>

#include "laws/csv.h"
#include "laws/runs.h"

TEST_CASE("large inputs: a runs CSV of 100,000 rows loads", "[reliability]") {
  std::string csv = "params,tokens,loss\n";
  for (int i = 0; i < 100000; ++i) {
    csv += std::to_string(1e7 * (1 + i % 100)) + "," + std::to_string(1e9 * (1 + i % 37)) + ",3." +
           std::to_string(i % 1000) + "\n";
  }
  const auto runs = scaleplan::laws::load_runs(scaleplan::laws::parse_csv(csv, "big.csv"));
  CHECK(runs.runs.size() == 100000);
}
