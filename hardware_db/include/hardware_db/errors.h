#pragma once
#include "scaleplan/error.h"

namespace scaleplan::hardware_db {

// Bad database content or an unknown id; the message names file and key,
// or the field whose value is unknown.
class DataError : public Error {
 public:
  using Error::Error;
};

}  // namespace scaleplan::hardware_db
