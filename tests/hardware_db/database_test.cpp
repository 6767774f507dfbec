#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>
#include <functional>
#include <regex>

#include "hardware_db/database.h"
#include "support_files.h"

using namespace scaleplan::hardware_db;

TEST_CASE("database: the embedded data holds the 23 reference accelerators with sources", "[hardware_db]") {
  const Database db = Database::embedded();
  for (const char* id :
       {"v100-sxm2-32gb", "a100-sxm4-40gb", "a100-sxm4-80gb", "a100-pcie-80gb", "h100-sxm5-80gb",
        "h100-pcie-80gb", "h200-sxm-141gb", "b200",           "gb200",          "l4",
        "l40s",           "a10g",           "rtx-a6000",      "rtx-3090",       "rtx-4090",
        "mi250x",         "mi300x",         "mi325x",         "tpu-v4",         "tpu-v5e",
        "tpu-v5p",        "gaudi2",         "gaudi3"}) {
    INFO(id);
    const Accelerator& a = db.accelerator(id);
    CHECK_FALSE(a.source.empty());
    CHECK(a.training_peak_tflops());
  }
  // Spec-sheet values (NVIDIA A100 and H100 datasheets).
  CHECK(*db.accelerator("a100-sxm4-80gb").bf16_tflops == 312);
  CHECK(*db.accelerator("h100-sxm5-80gb").tdp_w == 700);
  // Unknown stays unknown: Google publishes no TPU v5e power.
  CHECK_FALSE(db.accelerator("tpu-v5e").tdp_w);
}

TEST_CASE("database: grids cover the world, 50+ countries and 60+ cloud regions with years",
          "[hardware_db]") {
  const Database db = Database::embedded();
  int countries = 0, clouds = 0;
  for (const GridRegion& g : db.grids()) {
    countries += g.scope == GridScope::kCountry;
    clouds += g.scope == GridScope::kCloudRegion;
    CHECK_FALSE(g.source.empty());
  }
  CHECK(countries >= 50);
  CHECK(clouds >= 60);
  CHECK(db.world().gco2_per_kwh == 475);
  CHECK(db.region("DE").id == db.region("DEU").id);
  CHECK(db.region("germany").alpha2 == "DE");
  CHECK(db.region("AWS:US-EAST-1").provider == "aws");
  CHECK(db.region("aws:us-east-1").is_old());  // eGRID 2016
  CHECK_FALSE(db.region("gcp:europe-west1").is_old());
  CHECK(db.pue("industry-average").pue == 1.58);
  CHECK(db.pue("aws").pue == 1.15);
}

// GCP and AWS name regions <area>-<compass point><n> (us-east1,
// eu-west-1): a misspelt compass point is a region nobody can type.
TEST_CASE("database: every cloud region has the id its provider uses", "[hardware_db]") {
  const std::regex gcp(
      "[a-z]+-(north|south|east|west|central|northeast|northwest|southeast|southwest)[0-9]+");
  const std::regex aws(
      "[a-z]{2}(-gov)?-(north|south|east|west|central|northeast|northwest|southeast|southwest)-[0-9]");
  for (const GridRegion& g : Database::embedded().grids()) {
    if (g.scope != GridScope::kCloudRegion) continue;
    INFO(g.id);
    CHECK_FALSE(g.region.empty());
    CHECK(g.id == g.provider + ":" + g.region);
    if (g.provider == "gcp") CHECK(std::regex_match(g.region, gcp));
    if (g.provider == "aws") CHECK(std::regex_match(g.region, aws));
  }
  CHECK(Database::embedded().region("gcp:me-central1").name == "Doha, Qatar");
  CHECK(Database::embedded().region("scaleway:fr-par").name == "Paris (Paris, France)");
}

TEST_CASE("database: unknown ids suggest the nearest", "[hardware_db]") {
  const Database db = Database::embedded();
  CHECK_THROWS_WITH(db.accelerator("h100-sxm-80gb"), Catch::Contains("did you mean 'h100-sxm5-80gb'"));
  CHECK_THROWS_WITH(db.region("Germny"), Catch::Contains("did you mean 'Germany'"));
}

TEST_CASE("database: a 60,000-character id is refused in one short line, not echoed whole", "[hardware_db]") {
  const Database db = Database::embedded();
  const std::string huge(60000, 'x');
  for (const auto& lookup : {std::function<void()>([&] { db.region(huge); }),
                             std::function<void()>([&] { db.accelerator(huge); })}) {
    try {
      lookup();
      FAIL("a 60,000-character id was accepted");
    } catch (const scaleplan::Error& e) {
      CHECK(std::string(e.what()).size() < 400);
      CHECK_THAT(e.what(), Catch::Contains("(60000 characters)"));
    }
  }
}

TEST_CASE("database: a user file adds accelerators and overrides fields of known ones", "[hardware_db]") {
  Database db = Database::embedded();
  db.merge_json(nlohmann::json::parse(R"({"accelerators": [
      {"id": "a100-sxm4-40gb", "mfu": {"typical": 0.3}},
      {"id": "my-asic", "name": "My ASIC", "peak_tflops": {"bf16": 100}, "tdp_w": 200, "source": "our lab"}]})"),
                "mine.json");
  CHECK(*db.accelerator("a100-sxm4-40gb").mfu_typical == 0.3);
  CHECK(*db.accelerator("a100-sxm4-40gb").tdp_w == 400);  // untouched fields stay
  CHECK(db.accelerator("a100-sxm4-40gb").origin == "mine.json");
  CHECK(*db.accelerator("my-asic").bf16_tflops == 100);
}

TEST_CASE("database: bad user files are refused naming the file and the key", "[hardware_db]") {
  Database db = Database::embedded();
  using nlohmann::json;
  CHECK_THROWS_WITH(
      db.merge_json(json::parse(R"({"accelerators": [{"id": "a100-sxm4-40gb", "tdp_w": -5}]})"), "u.json"),
      Catch::Contains("u.json") && Catch::Contains("tdp_w") && Catch::Contains("-5"));
  CHECK_THROWS_WITH(
      db.merge_json(json::parse(R"({"accelerators": [{"id": "new", "name": "x", "source": "s"}]})"),
                    "u.json"),
      Catch::Contains("peak_tflops.bf16"));
  CHECK_THROWS_WITH(db.merge_json(json::parse(R"({"accelerators": [{"name": "x"}]})"), "u.json"),
                    Catch::Contains("accelerators[0].id"));
  CHECK_THROWS_WITH(
      db.merge_json(
          json::parse(
              R"({"grids": [{"id": "x", "scope": "country", "name": "X", "gco2_per_kwh": "a lot", "source": "s"}]})"),
          "g.json"),
      Catch::Contains("gco2_per_kwh"));
  CHECK_THROWS_WITH(db.merge_json(json::parse(R"({"things": []})"), "t.json"), Catch::Contains("t.json"));
  // Attention rates: equal-length lists, increasing lengths, rates under the peak.
  auto attention = [&](const std::string& body) {
    return db.merge_json(
        json::parse(
            R"({"accelerators": [{"id": "a100-sxm4-80gb", "attention": {"kernel": "k", "source": "s", )" +
            body + "}}]}"),
        "u.json");
  };
  CHECK_THROWS_WITH(
      attention(R"("seq_len": [1024, 2048], "forward_tflops": [100], "backward_tflops": [90, 95])"),
      Catch::Contains("u.json") && Catch::Contains("the same length"));
  CHECK_THROWS_WITH(
      attention(R"("seq_len": [2048, 1024], "forward_tflops": [100, 110], "backward_tflops": [90, 95])"),
      Catch::Contains("attention.seq_len: is not increasing"));
  CHECK_THROWS_WITH(attention(R"("seq_len": [2048], "forward_tflops": [400], "backward_tflops": [90])"),
                    Catch::Contains("above the part's peak"));
  CHECK_THROWS_WITH(attention(R"("seq_len": [2048], "forward_tflops": [-1], "backward_tflops": [90])"),
                    Catch::Contains("attention.forward_tflops: -1 is out of range"));
  CHECK_THROWS_WITH(Database::load("/dev/zero"),
                    "/dev/zero: not a regular file (a device, a pipe or a socket); "
                    "expected the hardware database file");
  const auto dir = scaleplan::testing::temp_dir("db");
  std::ofstream(dir / "huge.json").put('{');
  std::filesystem::resize_file(dir / "huge.json", 33u << 20);  // sparse
  CHECK_THROWS_WITH(
      Database::load((dir / "huge.json").string()),
      Catch::EndsWith("huge.json: 33 MiB, over the 32 MiB limit for the hardware database file"));
  std::ofstream(dir / "twice.json") << R"({"accelerators":[{"id":"x","memory_gb":80,"memory_gb":8}]})";
  CHECK_THROWS_WITH(Database::load((dir / "twice.json").string()),
                    Catch::EndsWith("twice.json: the key 'memory_gb' is given twice in one object"));
  std::ofstream(dir / "bad.json") << "{nope";
  CHECK_THROWS_WITH(Database::load((dir / "bad.json").string()),
                    Catch::Contains("bad.json") && Catch::Contains("not valid JSON"));
}
