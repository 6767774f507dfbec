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

// The EPS lists runs "far past the compute-optimal data point" among its
// High examples; far is read here as more than 4x the compute-optimal tokens
// (Llama 2 7B's 2T tokens is ~14x; Chinchilla-style runs are 1x).
inline constexpr double kOvertrainFactor = 4;
inline bool is_overtrained(double tokens, double compute_optimal_tokens) {
  return tokens > kOvertrainFactor * compute_optimal_tokens;
}

enum class EpsTier { kLow, kIntermediate, kHigh };

const char* tier_name(EpsTier tier);
EpsTier eps_tier(double energy_kwh, double co2_kg);
// The measures the EPS recommends for a tier (each tier adds to the last).
std::vector<std::string> eps_measures(EpsTier tier);

}  // namespace scaleplan::planner
