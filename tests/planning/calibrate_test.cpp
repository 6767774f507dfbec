#include <catch2/catch.hpp>
#include <fstream>

#include "planning/calibrate.h"
#include "support_db.h"
#include "support_files.h"

using namespace scaleplan::planner;
using Catch::Matchers::WithinRel;

using scaleplan::testing::db;

namespace {

// A CodeCarbon 3.x header (38 columns) and rows written by hand.
std::string v3_file(const std::string& rows) {
  // One folder for every file written here: it outlives the path returned, and goes at exit.
  static const auto dir = scaleplan::testing::temp_dir("cc3");
  const auto path = (dir / "emissions.csv").string();
  std::ofstream(path)
      << "timestamp,project_name,run_id,experiment_id,duration,emissions,emissions_rate,cpu_power,"
         "gpu_power,ram_power,cpu_energy,gpu_energy,ram_energy,energy_consumed,water_consumed,"
         "country_name,country_iso_code,region,cloud_provider,cloud_region,os,python_version,"
         "codecarbon_version,cpu_count,cpu_model,gpu_count,gpu_model,longitude,latitude,"
         "ram_total_size,tracking_mode,on_cloud,pue,wue,cpu_utilization_percent,"
         "gpu_utilization_percent,ram_utilization_percent,ram_used_gb\n"
      << rows;
  return path;
}

std::string v3_row(const std::string& run, const std::string& gpu_model, double duration, double gpu_kwh) {
  const double cpu = gpu_kwh * 0.1, ram = gpu_kwh * 0.05, total = gpu_kwh + cpu + ram;
  return "2025-01-01T00:00:00,p," + run + ",e," + std::to_string(duration) + "," +
         std::to_string(total * 0.3) + ",0,0,0,0," + std::to_string(cpu) + "," + std::to_string(gpu_kwh) +
         "," + std::to_string(ram) + "," + std::to_string(total) +
         ",0,France,FRA,,,,Linux,3.12,3.0.0,32,cpu,8," + gpu_model +
         ",0,0,512,machine,N,1.2,0,50,90,40,100\n";
}

}  // namespace

TEST_CASE("calibrate: TeenyTinyLlama-460m's CodeCarbon log gives its measured power, overhead, MFU and grid",
          "[planner][shared]") {
  const std::string path = scaleplan::testing::test_data_path("teenytinyllama/emissions-460m.csv");
  const Calibration c =
      calibrate(db(), path, 468239360, 9.8e9, "a100-sxm4-40gb", std::nullopt, std::nullopt, "");
  CHECK_THAT(c.measured.gpu_power_w, WithinRel(329, 0.01));
  CHECK_THAT(c.measured.host_overhead, WithinRel(0.22, 0.03));
  CHECK_THAT(c.measured.mfu, WithinRel(0.087, 0.02));
  CHECK_THAT(c.measured.grid_gco2_per_kwh, WithinRel(365, 0.01));
  CHECK_THAT(c.measured.energy_kwh, WithinRel(112.97, 1e-4));

  // A forecast with the written profile reproduces the measured energy.
  auto calibrated = db();
  calibrated.merge_json(nlohmann::json::parse(c.profile.dump()), "profile.json");
  ForecastInput in;
  in.params = 468239360;
  in.tokens = 9.8e9;
  in.hardware = "a100-sxm4-40gb";
  in.gpus = 1;
  in.region = "DE";
  in.pue = 1.0;
  CHECK_THAT(forecast(calibrated, in).energy_kwh, WithinRel(112.97, 0.02));
}

TEST_CASE("calibrate: a log of an A100 calibrated as an H100 is refused, naming both", "[planner]") {
  const std::string path = scaleplan::testing::test_data_path("teenytinyllama/emissions-460m.csv");
  CHECK_THROWS_WITH(calibrate(db(), path, 468239360, 9.8e9, "h100-sxm5-80gb", std::nullopt, std::nullopt, ""),
                    Catch::StartsWith("hardware: ") && Catch::Contains("NVIDIA A100-SXM4-40GB") &&
                        Catch::Contains("not h100-sxm5-80gb"));
  // A log that names no model number is taken as it is.
  const auto unnamed = v3_file(v3_row("r1", "unknown", 3600, 4.0));
  CHECK_NOTHROW(calibrate(db(), unnamed, 1e9, 1e9, "h100-sxm5-80gb", std::nullopt, std::nullopt, ""));
}

TEST_CASE("calibrate: the profile's MFU band keeps the database's width around the measured MFU",
          "[planner]") {
  // TeenyTinyLlama measured 0.087, under the database's low: the old profile
  // set low = typical, so the central forecast was also its worst case.
  const std::string path = scaleplan::testing::test_data_path("teenytinyllama/emissions-460m.csv");
  const Calibration c =
      calibrate(db(), path, 468239360, 9.8e9, "a100-sxm4-40gb", std::nullopt, std::nullopt, "");
  const auto& acc = db().accelerator("a100-sxm4-40gb");
  const auto& mfu = c.profile["accelerators"][0]["mfu"];
  const double typical = mfu["typical"].get<double>();
  CHECK(mfu["low"].get<double>() < typical);
  CHECK(mfu["high"].get<double>() > typical);
  CHECK_THAT(mfu["low"].get<double>() / typical, WithinRel(*acc.mfu_low / *acc.mfu_typical, 1e-9));
  CHECK_THAT(mfu["high"].get<double>() / typical, WithinRel(*acc.mfu_high / *acc.mfu_typical, 1e-9));
}

TEST_CASE("calibrate: the 160m log's zero gpu_power column is not used", "[planner][shared]") {
  const std::string path = scaleplan::testing::test_data_path("teenytinyllama/emissions-160m.csv");
  const Measured m = read_codecarbon(path, std::nullopt);
  CHECK(m.gpu_power_w > 300);  // 12.66 kWh over 38.7 h
}

TEST_CASE("calibrate: the 3.x header parses and rows of one run are summed", "[planner]") {
  const auto path =
      v3_file(v3_row("r1", "8 x NVIDIA H100", 3600, 4.0) + v3_row("r1", "8 x NVIDIA H100", 3600, 4.0));
  const Measured m = read_codecarbon(path, std::nullopt);
  CHECK(m.rows == 2);
  CHECK(m.gpu_hours == Approx(16));
  CHECK(m.gpu_power_w == Approx(500));
  CHECK(m.host_overhead == Approx(0.15));
  CHECK(m.pue == Approx(1.2));
}

TEST_CASE("calibrate: several runs on different hardware need --run-id", "[planner]") {
  const auto path =
      v3_file(v3_row("r1", "8 x NVIDIA H100", 3600, 4.0) + v3_row("r2", "8 x NVIDIA A100", 3600, 3.0));
  CHECK_THROWS_WITH(read_codecarbon(path, std::nullopt), Catch::Contains("--run-id"));
  CHECK(read_codecarbon(path, std::string("r2")).gpu_energy_kwh == Approx(3.0));
  CHECK_THROWS_WITH(read_codecarbon(path, std::string("r9")), Catch::StartsWith("run_id: 'r9'"));
}

TEST_CASE("calibrate: wrong columns, zero duration and bad cells are refused", "[planner]") {
  const auto dir = scaleplan::testing::temp_dir("cc-bad");
  const auto cols = (dir / "cols.csv").string();
  std::ofstream(cols) << "run_id,duration,emissions\nr,1,2\n";
  CHECK_THROWS_WITH(read_codecarbon(cols, std::nullopt),
                    Catch::Contains("energy_consumed") && Catch::Contains("gpu_energy"));
  CHECK_THROWS_WITH(read_codecarbon(v3_file(v3_row("r1", "gpu", 0, 4.0)), std::nullopt),
                    Catch::Contains("duration"));
  CHECK_THROWS_WITH(read_codecarbon(v3_file(v3_row("r1", "gpu", 3600, 0)), std::nullopt),
                    Catch::Contains("zero"));
  std::string bad = v3_row("r1", "gpu", 3600, 4.0);
  bad.replace(bad.find(",3600"), 5, ",abc");
  CHECK_THROWS_WITH(read_codecarbon(v3_file(bad), std::nullopt), Catch::Contains(":2:5"));
}

TEST_CASE("calibrate: a plan costed for another facility and grid is restated for the log's before comparing",
          "[planner]") {
  Measured m;
  m.pue = 1.2;
  m.grid_gco2_per_kwh = 300;
  const nlohmann::json plan = {{"command", "plan"},
                               {"total", nlohmann::json::object()},
                               {"training",
                                {{"gpu_hours", 100.0},
                                 {"energy_kwh", 158.0},
                                 {"co2_operational_kg", 75.05},
                                 {"co2_embodied_kg", 1.0},
                                 {"pue", 1.58},
                                 {"grid_gco2_per_kwh", 475.0}}}};
  const Comparison c = read_run_figures(plan, "plan.json", m);
  CHECK(c.gpu_hours == 100.0);
  CHECK_THAT(c.energy_kwh, WithinRel(158.0 / 1.58 * 1.2, 1e-12));  // the same IT energy at the log's PUE
  CHECK_THAT(c.co2_kg, WithinRel(158.0 / 1.58 * 1.2 * 0.300, 1e-12));
  CHECK(c.co2_embodied_kg == 1.0);
  CHECK_THAT(c.restated, Catch::Contains("PUE 1.20") && Catch::Contains("300 g/kWh") &&
                             Catch::Contains("PUE 1.58") && Catch::Contains("475 g/kWh"));
  // The same facility and grid, or a document that does not say: as written.
  m.pue = 1.58;
  m.grid_gco2_per_kwh = 475;
  const Comparison same = read_run_figures(plan, "plan.json", m);
  CHECK(same.energy_kwh == 158.0);
  CHECK(same.co2_kg == 75.05);
  CHECK(same.restated.empty());
}
