#include <catch2/catch.hpp>

#include "support_db.h"

#include "footprint/forecast.h"

using namespace scaleplan::planner;
using Catch::Matchers::WithinRel;

using scaleplan::testing::db;

namespace {

// BLOOM's final run (Luccioni et al. 2023): 384 A100s for 118 days.
constexpr double kBloomGpuHours = 384 * 118 * 24.0;

ForecastInput fixed_cluster(double flops) {
  ForecastInput in;
  in.flops = flops;
  in.hardware = "h100-sxm5-80gb";
  in.gpus = 64;
  in.mfu = 0.4;
  in.region = "FR";
  return in;
}

}  // namespace

TEST_CASE("embodied carbon per GPU-hour amortises BLOOM's 3.64 t of GPUs and 7.57 t of servers",
          "[planner]") {
  // Luccioni et al. 2023, embodied emissions: 150 kg per GPU and 2,500 kg
  // per 8-GPU server over 6 years at 85% use.
  const double servers_only = embodied_kg_per_gpu_hour(0) * kBloomGpuHours;
  const double with_gpus = embodied_kg_per_gpu_hour(kAssumedGpuEmbodiedKg) * kBloomGpuHours;
  CHECK_THAT(servers_only, WithinRel(7.57e3, 0.01));
  CHECK_THAT(with_gpus - servers_only, WithinRel(3.64e3, 0.01));
}

TEST_CASE("a forecast's embodied carbon is its GPU-hours at the per-hour rate, whatever the grid",
          "[planner]") {
  ForecastInput clean = fixed_cluster(1e22);
  clean.region.reset();
  clean.carbon_intensity = 0;
  ForecastInput coal = clean;
  coal.carbon_intensity = 900;
  const Forecast a = forecast(db(), clean);
  const Forecast b = forecast(db(), coal);
  const double gpu_kg = db().accelerator("h100-sxm5-80gb").embodied_kgco2e.value_or(kAssumedGpuEmbodiedKg);
  CHECK_THAT(a.co2_embodied_kg, WithinRel(a.gpu_hours * embodied_kg_per_gpu_hour(gpu_kg), 1e-12));
  CHECK(a.co2_embodied_kg == b.co2_embodied_kg);
  CHECK(b.co2_operational_kg > 0);
}

TEST_CASE("energy extrapolated from a forecast matches a forecast of the larger run on the same cluster",
          "[planner]") {
  const Forecast small = forecast(db(), fixed_cluster(1e21));
  const Forecast large = forecast(db(), fixed_cluster(7e21));
  CHECK_THAT(extrapolated_kwh(7e21, small.energy_kwh, small.flops), WithinRel(large.energy_kwh, 1e-12));
  CHECK_THAT(extrapolated_kwh(0.5e21, large.energy_kwh, large.flops), WithinRel(small.energy_kwh / 2, 1e-12));
}
