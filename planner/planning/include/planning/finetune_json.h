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

// What a Hugging Face trainer reads to run `method` as planned: the
// TrainingArguments ("training_args"), PEFT's LoraConfig ("lora_config",
// LoRA and QLoRA) and the BitsAndBytesConfig ("bnb_config", QLoRA), each
// as the keyword arguments of its constructor, and "notes" on what the
// Trainer cannot express (tensor or pipeline parallelism, selective
// recompute). The hyperparameters are published defaults, named in notes.
// `bf16`: the accelerator computes in bf16 (else fp16 is written). The
// Trainer runs data parallelism only: a layout with TP or PP > 1 is the
// caller's to refuse.
nlohmann::ordered_json trainer_files(const FinetuneRequest& request, const FinetuneResult& result,
                                     const MethodResult& method, bool bf16);

}  // namespace scaleplan::planner
