#pragma once
#include "scaleplan/error.h"

namespace scaleplan::laws {

// Bad law data or an impossible request (a target below the floor, ...).
class LawError : public Error {
 public:
  using Error::Error;
};

}  // namespace scaleplan::laws
