#pragma once
// EPS sustainability tiers of a training run ("during training"):
//   Low:          energy < 0.1 kWh   and CO2eq < 0.05 kg
//   High:         energy > 1,500 kWh and CO2eq > 500 kg
//   Intermediate: everything else.

#include <string>
#include <vector>

namespace scaleplan::planner {

inline constexpr double kLowMaxKwh = 0.1;
inline constexpr double kLowMaxCo2Kg = 0.05;
inline constexpr double kHighMinKwh = 1500;
inline constexpr double kHighMinCo2Kg = 500;
// The EPS default grid: world average 475 gCO2eq/kWh (IEA Global Energy &
// CO2 Status Report 2019).
inline constexpr double kWorldAverageGco2PerKwh = 475;

enum class EpsTier { kLow, kIntermediate, kHigh };

const char* tier_name(EpsTier tier);
EpsTier eps_tier(double energy_kwh, double co2_kg);
// The measures the EPS recommends for a tier (each tier adds to the last).
std::vector<std::string> eps_measures(EpsTier tier);

}  // namespace scaleplan::planner
