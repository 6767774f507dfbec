#include "laws/allocation_json.h"

namespace scaleplan::laws {

nlohmann::ordered_json allocation_json(const Allocation& a, std::optional<double> unique_tokens) {
  nlohmann::ordered_json j;
  j["params"] = a.params;
  j["tokens"] = a.tokens;
  if (unique_tokens) {
    j["unique_tokens"] = *unique_tokens;
    j["epochs"] = a.tokens / *unique_tokens;
  }
  j["tokens_per_param"] = a.tokens / a.params;
  j["flops"] = a.flops;
  j["loss"] = a.loss;
  return j;
}

}  // namespace scaleplan::laws
