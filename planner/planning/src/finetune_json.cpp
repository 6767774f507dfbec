#include "planning/finetune_json.h"

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

}  // namespace scaleplan::planner
