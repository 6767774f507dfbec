#pragma once
#include <stdexcept>

namespace scaleplan::hardware_db {

// Bad database content or an unknown id; the message names file and key.
class DataError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

}  // namespace scaleplan::hardware_db
