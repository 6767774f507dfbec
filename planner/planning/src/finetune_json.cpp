#include "planning/finetune_json.h"

#include <cmath>

#include "footprint/eps.h"

namespace scaleplan::planner {

using nlohmann::ordered_json;

namespace {

ordered_json memory_json(const Memory& m) {
  return {{"weights_gb", m.weights_gb},
          {"gradients_gb", m.gradients_gb},
          {"optimizer_gb", m.optimizer_gb},
          {"activations_gb", m.activations_gb},
          {"overhead_gb", m.overhead_gb}};
}

ordered_json shape_json(const FinetuneResult& res) {
  const hardware_db::ModelShape& s = res.shape;
  return {{"layers", s.layers},           {"hidden", s.hidden}, {"heads", s.heads},
          {"kv_heads", s.kv_heads},       {"ffn", s.ffn},       {"vocab", s.vocab},
          {"derived", res.shape_derived}, {"source", s.source}};
}

}  // namespace

ordered_json method_json(const MethodResult& m) {
  ordered_json j;
  j["method"] = method_name(m.method);
  j["fits"] = m.fits;
  j["gpus"] = m.gpus;
  j["memory_gb_per_gpu"] = m.memory.total_gb();
  j["configuration"] = {{"layout", m.fits ? m.layout.describe() : ""},
                        {"micro_batch", m.micro_batch},
                        {"gradient_accumulation", m.gradient_accumulation},
                        {"recompute", m.fits ? recompute_name(m.layout.recompute) : "none"},
                        {"searched", m.config_changed}};
  j["tokens_per_s"] = m.step.tokens_per_s;
  j["mfu"] = m.step.mfu;  // model FLOPs (attention included, no recompute) over peak
  j["step_s"] = m.step.step_s;
  j["communication_s_per_step"] = m.step.tp_comm_s + m.step.pp_comm_s + m.step.dp_exposed_s;
  j["memory"] = memory_json(m.memory);
  j["trainable_params"] = m.trainable_params;
  j["flops"] = m.flops;
  j["gpu_hours"] = m.forecast.gpu_hours;
  j["wall_days"] = m.forecast.wall_days;
  j["energy_kwh"] = m.energy_kwh;
  j["co2_kg"] = m.co2_kg;
  j["eps_tier"] = tier_name(m.tier);
  j["cheapest"] = m.cheapest;
  if (!m.fits) j["why_not"] = m.why_not;
  if (const std::string c = time_caveat(m); !c.empty()) j["time_caveat"] = c;
  if (m.deadline_assumed) j["deadline_assumed_days"] = kDefaultDeadlineDays;
  if (m.deadline_missed) j["deadline_missed_days"] = kDefaultDeadlineDays;
  return j;
}

ordered_json finetune_json(const FinetuneRequest& req, const FinetuneResult& res,
                           const std::string& hardware_id) {
  ordered_json doc;
  doc["model"] = res.shape.id;
  doc["params"] = res.shape.params;
  doc["shape"] = shape_json(res);
  doc["tokens"] = res.tokens;  // processed, padding included
  if (req.examples) {
    doc["examples"] = *req.examples;
    doc["epochs"] = req.epochs;
    doc["mean_length"] = req.mean_length.value_or(req.seq_len);
    doc["packing"] = req.packing;
    doc["padding_tokens"] = res.padding_tokens;
  }
  doc["hardware"] = hardware_id;
  doc["optimizer"] = optimizer_name(req.optimizer);
  doc["lora_rank"] = req.lora_rank;
  doc["lora_targets"] = lora_targets_name(req.lora_targets);
  doc["seq_len"] = req.seq_len;
  doc["global_batch"] = req.global_batch;
  if (req.mfu) doc["mfu_given"] = *req.mfu;
  doc["time_basis"] = req.mfu ? "the given MFU" : "the layout model's steady-state step time";
  doc["methods"] = ordered_json::array();
  for (const auto& m : res.methods) doc["methods"].push_back(method_json(m));
  return doc;
}

namespace {

const char* trainer_optimizer(Method method, Optimizer o) {
  switch (o) {
    case Optimizer::kAdamW:  // QLoRA's paged optimizer (Dettmers et al. 2023, Sec. 3)
      return method == Method::kQlora ? "paged_adamw_32bit" : "adamw_torch_fused";
    case Optimizer::kAdamW8bit:
      return method == Method::kQlora ? "paged_adamw_8bit" : "adamw_bnb_8bit";
    case Optimizer::kAdafactor:
      return "adafactor";
    case Optimizer::kSgd:
      return "sgd";
  }
  return "adamw_torch";
}

// Full fine-tuning at Stanford Alpaca's 2e-5; adapters at the QLoRA
// paper's 2e-4 up to 13B and 1e-4 above (Dettmers et al. 2023, Table 9).
double learning_rate(Method method, double params) {
  if (method == Method::kFull) return 2e-5;
  return params <= 20e9 ? 2e-4 : 1e-4;
}

ordered_json training_args(const FinetuneRequest& r, const FinetuneResult& res, const MethodResult& m,
                           bool bf16, ordered_json& notes) {
  const Layout& l = m.layout;
  ordered_json a;
  a["per_device_train_batch_size"] = l.micro_batch;
  a["gradient_accumulation_steps"] = l.num_micro_batches;
  a["gradient_checkpointing"] = l.recompute != Recompute::kNone;
  // bf16 where the part computes in it (Ampere on), else fp16 (Volta, T4).
  a[bf16 ? "bf16" : "fp16"] = true;
  a["learning_rate"] = learning_rate(m.method, res.shape.params);
  a["lr_scheduler_type"] = "cosine";
  a["warmup_ratio"] = 0.03;
  a["weight_decay"] = 0.0;
  a["max_grad_norm"] = m.method == Method::kQlora ? 0.3 : 1.0;
  a["optim"] = trainer_optimizer(m.method, r.optimizer);
  if (r.examples) {
    a["num_train_epochs"] = r.epochs;
    if (!r.packing) {
      notes.push_back(
          "the plan pads every example to " + std::to_string(r.seq_len) +
          " tokens (tokenizer padding=\"max_length\"); the Trainer's default collator pads to the "
          "longest in each batch, which processes fewer tokens than planned");
    }
    if (r.packing) {
      notes.push_back("packing into " + std::to_string(r.seq_len) +
                      "-token sequences is TRL's SFTConfig(packing=True, max_seq_length=" +
                      std::to_string(r.seq_len) + "), not a TrainingArguments field");
    }
  } else {
    const double per_step = static_cast<double>(l.global_batch_sequences()) * r.seq_len;
    a["max_steps"] = static_cast<long long>(std::ceil(res.tokens / per_step));
  }
  if (l.data_parallel > 1 && l.zero_stage >= 2) {
    a["fsdp"] = l.zero_stage >= 3 ? "full_shard auto_wrap" : "shard_grad_op auto_wrap";
  }
  if (l.recompute == Recompute::kSelective) {
    notes.push_back(
        "selective recompute is Megatron-LM's; the Trainer's gradient checkpointing recomputes "
        "whole layers, which costs more time than planned");
  }

  notes.push_back(std::string("learning rate ") +
                  (m.method == Method::kFull ? "Stanford Alpaca's (2e-5)" : "the QLoRA paper's (Table 9)") +
                  ", cosine with 3% warmup (Alpaca); a starting point, not a tuned value");
  return a;
}

}  // namespace

ordered_json trainer_files(const FinetuneRequest& r, const FinetuneResult& res, const MethodResult& m,
                           bool bf16) {
  ordered_json out;
  ordered_json notes = ordered_json::array();
  out["method"] = method_name(m.method);
  out["training_args"] = training_args(r, res, m, bf16, notes);
  if (m.method != Method::kFull) {
    // PEFT >= 0.8 resolves "all-linear" to every linear layer but the head;
    // the others are the transformers Llama-family module names.
    ordered_json targets = "all-linear";
    if (r.lora_targets == LoraTargets::kAttention) targets = {"q_proj", "k_proj", "v_proj", "o_proj"};
    if (r.lora_targets == LoraTargets::kQueryValue) targets = {"q_proj", "v_proj"};
    out["lora_config"] = {{"r", r.lora_rank},     {"lora_alpha", 2 * r.lora_rank},
                          {"lora_dropout", 0.05}, {"target_modules", targets},
                          {"bias", "none"},       {"task_type", "CAUSAL_LM"}};
    notes.push_back(
        "lora_alpha = 2 r and dropout 0.05 (Raschka 2023, Practical Tips for Finetuning LLMs "
        "Using LoRA)");
  }
  if (m.method == Method::kQlora) {
    out["bnb_config"] = {{"load_in_4bit", true},
                         {"bnb_4bit_quant_type", "nf4"},
                         {"bnb_4bit_use_double_quant", true},
                         {"bnb_4bit_compute_dtype", bf16 ? "bfloat16" : "float16"}};
  }
  out["notes"] = notes;
  return out;
}

}  // namespace scaleplan::planner
