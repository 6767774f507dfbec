// libFuzzer target: the runs CSV reader (CSV parsing, column aliases, cells).
#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <string>

#include "laws/csv.h"
#include "laws/law.h"
#include "laws/runs.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  try {
    const auto table = scaleplan::laws::parse_csv(text, "fuzz.csv");
    const auto runs = scaleplan::laws::load_runs(table);
    for (const auto& r : runs.runs) {
      if (!(r.params > 0 && r.tokens > 0 && r.loss > 0)) std::abort();
    }
  } catch (const scaleplan::laws::LawError&) {
  }
  return 0;
}
