// Large inputs load without trouble: a user hardware-db file of 10,000
// accelerators (load times: make bench; the large runs CSV is in
// tests/laws/large_runs_test.cpp).
#include <catch2/catch.hpp>
#include <fstream>

#include "hardware_db/database.h"
#include "support_files.h"

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
  const auto dir = scaleplan::testing::temp_dir("bigdb");
  const auto path = dir / "db.json";
  std::ofstream(path) << doc.dump();
  const auto db = scaleplan::hardware_db::Database::load(path.string());
  CHECK(db.accelerators().size() == 10000 + 23);
  CHECK(*db.accelerator("acc-9999").bf16_tflops == 100 + 9999 % 900);
}
