#pragma once
#include <stdexcept>

namespace scaleplan::planner {

// An impossible or contradictory planning request.
class PlanError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

}  // namespace scaleplan::planner
