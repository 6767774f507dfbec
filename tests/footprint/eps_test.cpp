#include <catch2/catch.hpp>

#include "footprint/eps.h"

using namespace scaleplan::planner;

TEST_CASE("eps: tiers follow the EPS thresholds on energy and CO2eq", "[planner]") {
  CHECK(eps_tier(1600, 600) == EpsTier::kHigh);
  CHECK(eps_tier(1600, 400) == EpsTier::kIntermediate);
  CHECK(eps_tier(0.05, 0.01) == EpsTier::kLow);
  CHECK(eps_tier(0.2, 0.01) == EpsTier::kIntermediate);
  CHECK(eps_tier(1500, 600) == EpsTier::kIntermediate);  // High needs strictly more
}

TEST_CASE("eps: each tier's measures include the lower tiers'", "[planner]") {
  CHECK(eps_measures(EpsTier::kLow).size() == 2);
  CHECK(eps_measures(EpsTier::kIntermediate).size() == 3);
  CHECK(eps_measures(EpsTier::kHigh).size() == 5);
  CHECK_THAT(eps_measures(EpsTier::kHigh).back(), Catch::Contains("offset"));
}
