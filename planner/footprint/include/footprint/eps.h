#pragma once
// EPS sustainability tiers of a training run ("during training"):
//   Low:          energy < 0.1 kWh   and CO2eq < 0.05 kg
//   High:         energy > 1,500 kWh and CO2eq > 500 kg
//   Intermediate: everything else.

#include <string>
#include <vector>
#include "footprint/constants.h"

namespace scaleplan::planner {

inline bool is_overtrained(double tokens, double compute_optimal_tokens) {
  return tokens > kOvertrainFactor * compute_optimal_tokens;
}

enum class EpsTier { kLow, kIntermediate, kHigh };

const char* tier_name(EpsTier tier);
EpsTier eps_tier(double energy_kwh, double co2_kg);
// The measures the EPS recommends for a tier (each tier adds to the last).
std::vector<std::string> eps_measures(EpsTier tier);

}  // namespace scaleplan::planner
