#pragma once
// A stated interval of an estimate: the low and high ends of one quantity,
// in its unit (GPU-hours, kWh, kg CO2eq).

namespace scaleplan::planner {

struct Range {
  double low = 0, high = 0;
};

}  // namespace scaleplan::planner
