#pragma once
#include "scaleplan/error.h"

namespace scaleplan::api {

// Bad command-line input; the message names the option and the value.
class InputError : public Error {
 public:
  using Error::Error;
};

}  // namespace scaleplan::api
