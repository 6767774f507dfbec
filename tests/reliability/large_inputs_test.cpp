// Large inputs load without trouble: a user hardware-db file of 10,000
// accelerators and a runs CSV of 100,000 rows (load times: make bench).
#include <catch2/catch.hpp>
#include <fstream>

#include "hardware_db/database.h"
#include "laws/csv.h"
#include "laws/runs.h"
#include "support.h"

TEST_CASE("large inputs: 10,000 user accelerators merge over the database", "[reliability]") {
  nlohmann::json doc;
  doc["accelerators"] = nlohmann::json::array();
  for (int i = 0; i < 10000; ++i) {
    doc["accelerators"].push_back({{"id", "acc-" + std::to_string(i)},
                                   {"name", "Accelerator " + std::to_string(i)},
                                   {"peak_tflops", {{"bf16", 100 + i % 900}}},
                                   {"memory_gb", 80},
                                   {"tdp_w", 500},
                                   {"mfu", {{"low", 0.2}, {"typical", 0.4}, {"high", 0.5}}},
                                   {"source", "generated"}});
  }
  const auto path = scaleplan::testing::temp_dir("bigdb") / "db.json";
  std::ofstream(path) << doc.dump();
  const auto db = scaleplan::hardware_db::Database::load(path.string());
  CHECK(db.accelerators().size() == 10000 + 23);
  CHECK(*db.accelerator("acc-9999").bf16_tflops == 100 + 9999 % 900);
}

TEST_CASE("large inputs: a runs CSV of 100,000 rows loads", "[reliability]") {
  std::string csv = "params,tokens,loss\n";
  for (int i = 0; i < 100000; ++i) {
    csv += std::to_string(1e7 * (1 + i % 100)) + "," + std::to_string(1e9 * (1 + i % 37)) + ",3." +
           std::to_string(i % 1000) + "\n";
  }
  const auto runs = scaleplan::laws::load_runs(scaleplan::laws::parse_csv(csv, "big.csv"));
  CHECK(runs.runs.size() == 100000);
}
