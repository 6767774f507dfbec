// libFuzzer target: the CodeCarbon emissions.csv reader.
#include <cstdint>
#include <string>

#include "laws/csv.h"
#include "laws/law.h"
#include "planning/calibrate.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  try {
    const auto table = scaleplan::laws::parse_csv(text, "emissions.csv");
    scaleplan::planner::read_codecarbon(table, std::nullopt);
  } catch (const scaleplan::laws::LawError&) {
  } catch (const scaleplan::planner::PlanError&) {
  }
  return 0;
}
