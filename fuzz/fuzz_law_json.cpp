// libFuzzer target: the law JSON loader, then the law's operations.
#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <string>

#include "laws/allocation.h"
#include "laws/law_file.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  const auto doc = nlohmann::json::parse(text, nullptr, false);
  if (doc.is_discarded()) return 0;
  try {
    const auto law = scaleplan::laws::law_from_json(doc, "fuzz.json");
    const double l = scaleplan::laws::loss(law, 1e9, 2e10);
    // An IsoFLOP law knows the loss only on its frontier (NaN elsewhere).
    if (std::isnan(l) && law.form != scaleplan::laws::Form::kIsoflop) std::abort();
    scaleplan::laws::compute_optimal(law, 1e21);
  } catch (const scaleplan::laws::LawError&) {
  }
  return 0;
}
