#pragma once
// The embedded hardware database for the tests of hardware_db and every
// library above it.

#include "hardware_db/database.h"

namespace scaleplan::testing {

// The embedded database, loaded once; db() is its short name in tests.
inline const hardware_db::Database& embedded_db() {
  static const auto kDb = hardware_db::Database::embedded();
  return kDb;
}
inline const hardware_db::Database& db() { return embedded_db(); }

}  // namespace scaleplan::testing
