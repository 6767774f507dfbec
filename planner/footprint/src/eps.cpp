#include "footprint/eps.h"

namespace scaleplan::planner {

const char* tier_name(EpsTier tier) {
  switch (tier) {
    case EpsTier::kLow:
      return "Low";
    case EpsTier::kIntermediate:
      return "Intermediate";
    case EpsTier::kHigh:
      return "High";
  }
  return "unknown";
}

EpsTier eps_tier(double energy_kwh, double co2_kg) {
  if (energy_kwh < kLowMaxKwh && co2_kg < kLowMaxCo2Kg) return EpsTier::kLow;
  if (energy_kwh > kHighMinKwh && co2_kg > kHighMinCo2Kg) return EpsTier::kHigh;
  return EpsTier::kIntermediate;
}

std::vector<std::string> eps_measures(EpsTier tier) {
  std::vector<std::string> m = {"track energy and carbon during training (e.g. CodeCarbon)",
                                "reuse open-source models and code where they serve"};
  if (tier == EpsTier::kLow) return m;
  m.push_back("choose energy-efficient model architectures and hardware");
  if (tier == EpsTier::kIntermediate) return m;
  m.push_back("carry out a lifecycle assessment of the model");
  m.push_back("offset the run's full carbon footprint");
  return m;
}

}  // namespace scaleplan::planner
