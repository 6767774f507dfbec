// recipe_json (declared in planner/recipe.h): the recipe as one JSON
// object, in SI units, every assumption with its source.
#include <cmath>

#include "recipes/recipe.h"

namespace scaleplan::planner {

using nlohmann::ordered_json;

namespace {

ordered_json shape_json(const Recipe& r) {
  const hardware_db::ModelShape& s = r.shape;
  return {{"id", s.id},
          {"derived", r.shape_derived},
          {"params", s.params},
          {"layers", s.layers},
          {"hidden", s.hidden},
          {"heads", s.heads},
          {"kv_heads", s.kv_heads},
          {"head_dim", s.hidden / s.heads},
          {"ffn", s.ffn},
          {"vocab", s.vocab},
          {"tied_embeddings", s.tied_embeddings},
          {"gated_mlp", s.gated_mlp},
          {"source", s.source}};
}

ordered_json hyperparams_json(const Recipe& r) {
  return {{"preset", r.law.name},
          {"citation", r.law.citation},
          {"caveat", r.law.caveat},
          {"flops_per_token_m", r.hyperparams.flops_per_token},
          {"compute_flops_c", r.hyperparams.compute_flops},
          {"peak_lr", r.hyperparams.peak_lr},
          {"batch_tokens", r.hyperparams.batch_tokens},
          {"fitted_range_flops", {r.law.fitted_min_flops, r.law.fitted_max_flops}},
          {"in_fitted_range", r.hyperparams.in_fitted_range}};
}

ordered_json layout_json(const DefaultLayout& d) {
  const Layout& l = d.parallel;
  return {{"gpus", l.gpus()},
          {"tensor_parallel", l.tensor_parallel},
          {"pipeline_parallel", l.pipeline_parallel},
          {"data_parallel", l.data_parallel},
          {"micro_batch", l.micro_batch},
          {"grad_accumulation", l.num_micro_batches},
          {"virtual_stages", l.virtual_pipeline},
          {"sequence_parallel", l.sequence_parallel()},
          {"recompute", recompute_name(l.recompute)},
          {"zero_stage", l.zero_stage},
          {"memory_gb_per_gpu", d.memory.total_bytes() / 1e9},
          {"memory_capacity_gb", d.memory_capacity_bytes / 1e9},
          {"step_s", d.time.step_s},
          {"steady_state_mfu", d.time.mfu},
          {"rule", d.rule}};
}

ordered_json learning_rate_json(const Recipe& r) {
  ordered_json drops = ordered_json::array();
  for (const auto& [step, fraction] : r.schedule.drops)
    drops.push_back({{"step", step}, {"lr", r.peak_lr * fraction}});
  return {{"schedule", schedule_name(r.schedule.kind)},
          {"peak", r.peak_lr},
          {"final", r.final_lr},
          {"warmup_steps", r.schedule.warmup_steps},
          {"drops", drops},
          {"decay_steps", r.schedule.decay_steps},
          {"given", r.lr_given},
          {"source", r.schedule.source}};
}

ordered_json optimizer_json(const Recipe& r) {
  return {{"name", "adamw"},
          {"beta1", r.law.adam_beta1},
          {"beta2", r.law.adam_beta2},
          {"eps", r.law.adam_eps},
          {"weight_decay", r.law.weight_decay},
          {"grad_clip", r.law.grad_clip},
          {"source", r.law.optimizer_source}};
}

// Where the recipe runs and what it costs: the forecast's headline figures.
void add_run(const Recipe& r, ordered_json& j) {
  j["hardware"] = r.forecast.hardware_id;
  j["gpus"] = r.forecast.gpus;
  j["tokens_per_s"] = r.tokens_per_s;
  j["wall_days"] = r.forecast.wall_days;
  j["gpu_hours"] = r.forecast.gpu_hours;
  j["energy_kwh"] = r.forecast.energy_kwh;
  j["co2_kg"] = r.forecast.co2_kg;
  j["eps_tier"] = tier_name(r.forecast.tier);
}

}  // namespace

ordered_json recipe_json(const Recipe& r) {
  ordered_json j;
  j["params"] = r.params;
  j["tokens"] = r.tokens;
  j["shape"] = shape_json(r);
  j["seq_len"] = r.seq_len;
  j["hyperparams"] = hyperparams_json(r);
  j["global_batch"] = {{"tokens", r.global_batch_tokens},
                       {"sequences", r.layout.parallel.global_batch_sequences()},
                       {"target_tokens", r.batch_tokens_target},
                       {"given", r.batch_given}};
  j["layout"] = layout_json(r.layout);
  j["steps"] = r.steps;
  j["trained_tokens"] = r.trained_tokens;
  j["learning_rate"] = learning_rate_json(r);
  j["optimizer"] = optimizer_json(r);
  j["precision"] = {{"name", r.precision}, {"source", r.precision_source}};
  add_run(r, j);
  // null where the law has no L(N, D) (an IsoFLOP law off its frontier).
  j["loss"] = {{"value", std::isfinite(r.loss) ? ordered_json(r.loss) : ordered_json(nullptr)},
               {"law", r.loss_law}};
  j["notes"] = r.notes;
  return j;
}

}  // namespace scaleplan::planner
