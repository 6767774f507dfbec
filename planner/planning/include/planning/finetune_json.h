#pragma once
// A fine-tuning comparison as JSON: the body of `finetune --json`, one
// entry per method.

#include <nlohmann/json.hpp>
#include <string>

#include "planning/finetune.h"

namespace scaleplan::planner {

nlohmann::ordered_json method_json(const MethodResult& method);
// From "model" to "methods"; `hardware_id` is the accelerator's database
// id (the request may name it by an alias).
nlohmann::ordered_json finetune_json(const FinetuneRequest& request, const FinetuneResult& result,
                                     const std::string& hardware_id);

}  // namespace scaleplan::planner
