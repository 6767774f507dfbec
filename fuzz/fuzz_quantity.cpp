// libFuzzer target: human numbers ("7B", "1.4T", "5.76e23", "1_000_000").
#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "api/units.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  try {
    const double v = scaleplan::api::parse_quantity(text, "--fuzz");
    if (!(v > 0) || !std::isfinite(v)) std::abort();  // the contract: positive and finite
    scaleplan::api::human_count(v);
  } catch (const scaleplan::api::InputError&) {
  }
  return 0;
}
