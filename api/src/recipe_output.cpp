#include "recipe_output.h"

#include <cmath>

#include "api/units.h"
#include "emit_folder.h"
#include "hardware_db/database.h"

namespace scaleplan::api {

namespace {

constexpr const char* kFiles[] = {"config.json", "megatron-args.txt", "plan.json"};

std::string lr_text(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.2e", v);
  return buf;
}

}  // namespace

void add_recipe_rows(Table& t, const planner::Recipe& r) {
  const auto& s = r.shape;
  const auto& l = r.layout.parallel;
  t.row("shape", std::to_string(s.layers) + " x " + std::to_string(s.hidden),
        std::to_string(s.heads) + " heads (" + std::to_string(s.kv_heads) + " K/V), MLP " +
            std::to_string(s.ffn) + ", vocab " + std::to_string(s.vocab) +
            (s.tied_embeddings ? " tied" : "") + ", " + human_count(s.params) + " params" +
            (r.shape_derived ? " (shape rule)" : " (" + s.id + ")"));
  t.row("sequence", std::to_string(r.seq_len) + " tokens", "");
  t.row("global batch", human_count(r.global_batch_tokens) + " tokens",
        std::to_string(l.global_batch_sequences()) + " sequences; " +
            (r.batch_given ? "given" : r.law.name + " law " + human_count(r.hyperparams.batch_tokens)) +
            " at C = M D = " + sig(r.hyperparams.compute_flops, 3));
  t.row("layout",
        "TP " + std::to_string(l.tensor_parallel) + " x PP " + std::to_string(l.pipeline_parallel) +
            " x DP " + std::to_string(l.data_parallel),
        "micro-batch " + std::to_string(l.micro_batch) + " x " + std::to_string(l.num_micro_batches) +
            " accumulation" +
            (l.virtual_pipeline > 1 ? ", " + std::to_string(l.virtual_pipeline) + " virtual stages" : "") +
            ", recompute " + planner::recompute_name(l.recompute) +
            (l.sequence_parallel() ? ", sequence parallel" : "") + ", ZeRO-" + std::to_string(l.zero_stage) +
            ", " + short_number(hardware_db::bytes_to_gib(r.layout.memory.total_bytes())) + " of " +
            short_number(hardware_db::bytes_to_gib(r.layout.memory_capacity_bytes)) + " GiB per GPU");
  t.row("steps", human_count(static_cast<double>(r.steps)),
        std::to_string(r.schedule.warmup_steps) + " warmup; " + human_count(r.trained_tokens) +
            " tokens trained");
  t.row("learning rate", lr_text(r.peak_lr) + " -> " + lr_text(r.final_lr),
        std::string(planner::schedule_name(r.schedule.kind)) +
            (r.lr_given ? ", peak given" : ", peak from " + r.law.name));
  t.row("optimizer", "AdamW",
        "beta " + short_number(r.law.adam_beta1) + "/" + short_number(r.law.adam_beta2) + ", weight decay " +
            short_number(r.law.weight_decay) + ", clip " + short_number(r.law.grad_clip));
  t.row("precision", r.precision, "fp32 master weights and Adam moments");
  t.row("throughput", human_count(r.tokens_per_s) + " tokens/s",
        "billed MFU " + short_number(r.forecast.mfu) + " (steady state x goodput) on " +
            std::to_string(r.forecast.gpus) + " x " + r.forecast.hardware_id);
  t.row("wall clock", human_days(r.forecast.wall_days), human_hours(r.forecast.gpu_hours));
  t.row("energy", human_energy_kwh(r.forecast.energy_kwh),
        human_co2_kg(r.forecast.co2_kg) + " CO2eq, EPS " + planner::tier_name(r.forecast.tier));
  if (std::isfinite(r.loss)) {
    t.row("expected loss", short_number(r.loss), "under " + r.loss_law);
  } else {
    t.row("expected loss", "unknown", r.loss_law + " gives no loss for this (N, D)");
  }
  for (const auto& n : r.notes) t.line("note: " + n);
  t.line("hyperparameters: " + r.law.citation + "; " + r.law.caveat);
  t.line("schedule: " + r.schedule.source);
  t.line("layout: " + r.layout.rule);
  t.line("These are estimates; every assumption and its source is in --json.");
}

Schema<EmitFields> EmitFields::schema() {
  return Schema<EmitFields>()
      .add({.name = "emit",
            .help = "write DIR/config.json (HF Llama), DIR/megatron-args.txt and DIR/plan.json",
            .local_only = true},
           &EmitFields::dir)
      .add({.name = "force", .help = "with --emit: replace a folder that is not empty", .local_only = true},
           &EmitFields::force);
}

std::string folder_name(std::string dir) {
  while (dir.size() > 1 && dir.back() == '/') dir.pop_back();
  return dir;
}

void emit_recipe_folder(const EmitFields& emit, const planner::Recipe& recipe,
                        nlohmann::ordered_json& document, const std::vector<std::string>& inputs) {
  if (!emit.dir) return;
  document["emitted"] = {{"folder", folder_name(*emit.dir)}, {"files", kFiles}};
  const std::vector<std::pair<std::string, std::string>> files = {
      {kFiles[0], planner::hf_llama_config(recipe).dump(2) + "\n"},
      {kFiles[1], planner::megatron_args(recipe)},
      {kFiles[2], document.dump(2) + "\n"},
  };
  write_folder_atomically(*emit.dir, files, emit.force, inputs, "emit");
}

std::string emitted_line(const std::string& dir) {
  return "wrote " + folder_name(dir) + "/config.json, megatron-args.txt and plan.json";
}

}  // namespace scaleplan::api
