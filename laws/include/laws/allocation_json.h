#pragma once
// A compute-optimal allocation as JSON: the body of `allocate --json`.

#include <nlohmann/json.hpp>
#include <optional>

#include "laws/allocation.h"

namespace scaleplan::laws {

// Params, tokens (with the epochs over `unique_tokens` when given), tokens
// per parameter, FLOPs and the predicted loss.
nlohmann::ordered_json allocation_json(const Allocation& allocation, std::optional<double> unique_tokens);

}  // namespace scaleplan::laws
