#include "systems/throughput_json.h"

#include <string>

namespace scaleplan::planner {

using nlohmann::ordered_json;

namespace {

ordered_json step_time_json(const StepTime& t) {
  return {{"compute", t.compute_s},    {"tp_comm", t.tp_comm_s}, {"pp_comm", t.pp_comm_s},
          {"bubble", t.bubble_s},      {"dp_comm", t.dp_comm_s}, {"dp_exposed", t.dp_exposed_s},
          {"optimizer", t.optimizer_s}};
}

ordered_json memory_gb_json(const LayoutMemory& m) {
  return {{"weights", m.weights_bytes / 1e9},
          {"gradients", m.gradients_bytes / 1e9},
          {"optimizer", m.optimizer_bytes / 1e9},
          {"activations", m.activations_bytes / 1e9},
          {"overhead", m.overhead_bytes / 1e9}};
}

ordered_json shape_json(const hardware_db::ModelShape& s) {
  return {{"id", s.id},       {"layers", s.layers},       {"hidden", s.hidden},
          {"heads", s.heads}, {"kv_heads", s.kv_heads},   {"ffn", s.ffn},
          {"vocab", s.vocab}, {"gated_mlp", s.gated_mlp}, {"source", s.source}};
}

ordered_json links_json(const System& sys, const ThroughputRequest& req) {
  return {{"intra_node", sys.intra_bytes_per_s * 8 / 1e9},
          {"inter_node", sys.inter_bytes_per_s * 8 / 1e9},
          {"node_size", sys.node_size},
          {"inter_node_source", req.network_gbps ? "given (--network-gbps)" : "hardware database"}};
}

// The best layout's hours for the tokens, billed through the goodput.
void add_hours(const ThroughputPlan& p, const ThroughputRequest& req, ordered_json& doc) {
  doc["tokens"] = p.tokens;
  doc["tokens_source"] = p.tokens_given ? "given (--tokens)" : req.tokens_default;
  doc["goodput"] = {{"value", p.goodput.value}, {"low", p.goodput.low}, {"high", p.goodput.high}};
  doc["steady_gpu_hours"] = p.steady_gpu_hours;
  doc["billed_gpu_hours"] = p.billed_gpu_hours;
  doc["billed_gpu_hours_range"] = {p.billed_gpu_hours_range.low, p.billed_gpu_hours_range.high};
  doc["billed_mfu"] = p.billed_mfu;
  doc["wall_days"] = p.billed_gpu_hours / req.gpus / 24;
}

}  // namespace

ordered_json layout_result_json(const LayoutResult& r) {
  const auto& l = r.layout;
  const auto& t = r.time;
  return {{"tp", l.tensor_parallel},
          {"pp", l.pipeline_parallel},
          {"dp", l.data_parallel},
          {"micro_batch", l.micro_batch},
          {"grad_accum", l.num_micro_batches},
          {"virtual_stages", l.virtual_pipeline},
          {"recompute", recompute_name(l.recompute)},
          {"zero_stage", l.zero_stage},
          {"sequence_parallel", l.sequence_parallel()},
          {"step_s", t.step_s},
          {"tokens_per_s", t.tokens_per_s},
          {"mfu", t.mfu},
          {"hfu", t.hfu},
          {"time_s", step_time_json(t)},
          {"dp_overlapped_fraction", t.dp_overlapped_fraction()},
          {"memory_gb_per_gpu", r.memory.total_bytes() / 1e9},
          {"memory_gb", memory_gb_json(r.memory)}};
}

ordered_json throughput_json(const ThroughputPlan& p, const ThroughputRequest& req) {
  ordered_json doc;
  doc["params"] = p.shape.params;
  doc["shape"] = shape_json(p.shape);
  doc["seq_len"] = p.work.seq_len;
  doc["hardware"] = p.system.id;
  doc["gpus"] = req.gpus;
  doc["global_batch_tokens"] = p.global_batch_tokens;
  doc["global_batch_source"] = p.batch_source;
  doc["flops_per_token"] = {{"model", p.model_flops_per_token}, {"six_n", p.six_n_flops_per_token}};
  doc["links_gbps"] = links_json(p.system, req);
  doc["fused_attention"] = p.work.stack.fused_attention;
  doc["layouts_evaluated"] = p.search.evaluated;
  doc["layouts_fitting"] = p.search.fitting;
  doc["layouts"] = ordered_json::array();
  for (const auto& r : p.search.best) doc["layouts"].push_back(layout_result_json(r));
  add_hours(p, req, doc);
  return doc;
}

}  // namespace scaleplan::planner
