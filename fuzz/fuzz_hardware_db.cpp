// libFuzzer target: the hardware-db JSON loader merged over the embedded data.
#include <cstdint>
#include <string>

#include "hardware_db/database.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static const auto kEmbedded = scaleplan::hardware_db::Database::embedded();
  const std::string text(reinterpret_cast<const char*>(data), size);
  const auto doc = nlohmann::json::parse(text, nullptr, false);
  if (doc.is_discarded()) return 0;
  auto db = kEmbedded;
  try {
    db.merge_json(doc, "fuzz.json");
    for (const auto& a : db.accelerators()) db.accelerator(a.id);
  } catch (const scaleplan::hardware_db::DataError&) {
  }
  return 0;
}
