// End-to-end: scaleplan calibrate on the TeenyTinyLlama logs and bad files.
#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>

#include "support.h"

using Catch::Matchers::WithinRel;
using nlohmann::json;
using scaleplan::testing::run_scaleplan;

TEST_CASE("calibrate writes a profile that makes the next forecast match the measured run", "[cli][shared]") {
  const std::string log = scaleplan::testing::test_data_path("teenytinyllama/emissions-460m.csv");
  const auto dir = scaleplan::testing::temp_dir("calib");
  const std::string profile = (dir / "a100.json").string();
  auto r = run_scaleplan({"calibrate", log, "--params", "468239360", "--tokens", "9.8e9", "--hardware",
                          "a100-sxm4-40gb", "--output", profile, "--json"});
  REQUIRE(r.exit_code == 0);
  const json d = json::parse(r.out);
  for (const char* key : {"gpu_hours", "gpu_power_w", "host_overhead", "mfu", "grid_gco2_per_kwh", "pue",
                          "energy_kwh", "co2_kg", "forecast"}) {
    INFO(key);
    CHECK(d.contains(key));
  }
  CHECK(d["forecast"]["error_pct"].contains("energy_kwh"));
  auto f =
      run_scaleplan({"forecast", "--params", "468239360", "--tokens", "9.8e9", "--hardware", "a100-sxm4-40gb",
                     "--gpus", "1", "--region", "DE", "--pue", "1.0", "--hardware-db", profile, "--json"});
  REQUIRE(f.exit_code == 0);
  CHECK_THAT(json::parse(f.out)["energy_kwh"].get<double>(), WithinRel(112.97, 0.02));
}

TEST_CASE("calibrate refuses bad logs with one line and writes nothing", "[cli]") {
  const auto dir = scaleplan::testing::temp_dir("calib-bad");
  const std::string cols = (dir / "cols.csv").string();
  std::ofstream(cols) << "run_id,duration\nr,5\n";
  const std::string out = (dir / "p.json").string();
  auto r = run_scaleplan(
      {"calibrate", cols, "--params", "1B", "--tokens", "1T", "--hardware", "a100-sxm4-40gb", "-o", out});
  CHECK(r.exit_code == 1);
  CHECK(r.out.empty());
  CHECK(r.err_lines() == 1);
  CHECK_THAT(r.err, Catch::Contains("gpu_energy"));
  CHECK_FALSE(std::filesystem::exists(out));
}
