#pragma once
#include "scaleplan/error.h"

namespace scaleplan::planner {

// Bad or contradictory planning input; the message names the option.
class PlanError : public Error {
 public:
  using Error::Error;
};

}  // namespace scaleplan::planner
