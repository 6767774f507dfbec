#include "recipes/recipe.h"
#include "systems/number_text.h"

#include <cmath>
#include <cstdio>
#include <sstream>

namespace scaleplan::planner {

namespace {

using nlohmann::ordered_json;

void add_forecast(const hardware_db::Database& db, const RecipeRequest& r, int gpus, Recipe& out) {
  ForecastInput in;
  in.params = out.shape.active_params.value_or(out.params);
  in.tokens = out.tokens;
  in.hardware = r.hardware;
  in.gpus = gpus;
  in.mfu = r.mfu;
  in.region = r.region;
  in.carbon_intensity = r.carbon_intensity;
  in.pue = r.pue;
  out.forecast = forecast(db, in);
  out.tokens_per_s = out.tokens / (out.forecast.wall_days * 86400.0);
}

void add_notes(Recipe& out) {
  out.notes.insert(out.notes.end(), out.shape_notes.begin(), out.shape_notes.end());
  if (!out.hyperparams.range_note.empty()) out.notes.push_back(out.hyperparams.range_note);
  const double rounding = out.global_batch_tokens / out.batch_tokens_target - 1;
  if (std::abs(rounding) > kBatchRoundingNote) {
    out.notes.push_back("global batch " + number_text(out.global_batch_tokens) + " tokens is " +
                        number_text(100 * rounding, "%+.0f") + "% from the target " +
                        number_text(out.batch_tokens_target) + ": whole micro-batches on " +
                        std::to_string(out.layout.parallel.data_parallel) + " data-parallel replicas");
  }
  if (out.steps < 10 * kWarmupSteps) {
    out.notes.push_back("only " + std::to_string(out.steps) + " steps: warmup is " +
                        std::to_string(out.schedule.warmup_steps) + " (at most " +
                        number_text(100 * kMaxWarmupShare, "%g") + "% of the run)");
  }
  if (out.shape.experts > 1) {
    out.notes.push_back(out.shape.id +
                        " is a mixture of experts: the layout and hyperparameter laws are for dense "
                        "models, treat them as a starting point");
  }
}

}  // namespace

std::vector<Problem> RecipeRequest::problems() const {
  std::vector<Problem> out;
  const bool parts =
      shape.layers || shape.hidden || shape.heads || shape.kv_heads || shape.ffn || shape.vocab;
  const double params = shape.params.value_or(0);
  if (shape.model && (params > 0 || parts)) {
    out.push_back({"model", "give a catalogue model, or --params with shape parts, not both"});
  }
  if (!shape.model && !(params > 0)) out.push_back({"params", "give the model size (or --model)"});
  if (!(tokens > 0) || !std::isfinite(tokens)) out.push_back({"tokens", "must be a positive token count"});
  if (gpus <= 0) out.push_back({"gpus", std::to_string(gpus) + " must be a positive count"});
  if (shape.seq_len <= 0)
    out.push_back({"seq_len", std::to_string(shape.seq_len) + " must be a positive count"});
  if (global_batch_tokens && !(*global_batch_tokens > 0 && std::isfinite(*global_batch_tokens))) {
    out.push_back({"global_batch_tokens", "must be a positive token count"});
  }
  if (peak_lr && !(*peak_lr > 0 && *peak_lr < 1))
    out.push_back({"lr", number_text(*peak_lr) + " must be in (0, 1)"});
  return out;
}

Recipe make_recipe(const hardware_db::Database& db, const laws::Law& law, const RecipeRequest& r) {
  if (auto p = r.problems(); !p.empty()) throw_problem<PlanError>(p.front());
  Recipe out;
  ResolvedShape resolved = resolve_shape(db, r.shape);
  out.shape = std::move(resolved.shape);
  out.shape_derived = resolved.derived;
  out.shape_notes = std::move(resolved.notes);
  const double asked = r.shape.params.value_or(0);
  const bool holds_n = std::abs(out.shape.params - asked) <= 0.02 * asked;
  out.params = out.shape_derived && holds_n ? asked : out.shape.params;
  out.seq_len = r.shape.seq_len;
  out.tokens = r.tokens;
  out.law = hyperparam_preset(r.hyperparams);
  out.hyperparams = hyperparams_for(out.law, out.shape, out.seq_len, out.tokens);
  out.batch_given = r.global_batch_tokens.has_value();
  out.batch_tokens_target = r.global_batch_tokens.value_or(out.hyperparams.batch_tokens);

  const hardware_db::Accelerator& acc = db.accelerator(r.hardware);
  if (!acc.memory_gb) throw PlanError(Field{"hardware"}, "the database has no memory size for " + acc.id);
  LayoutRequest lr;
  lr.shape = out.shape;
  lr.seq_len = out.seq_len;
  lr.gpus = r.gpus;
  if (r.raise_gpus_to_fit) {
    lr.gpus = fewest_gpus_for_layout(acc, out.shape, out.seq_len, r.gpus);
    if (lr.gpus != r.gpus) {
      out.notes.push_back(std::to_string(r.gpus) + " GPUs cannot hold the model with a ZeRO-" +
                          std::to_string(kMegatronZeroStage) + " layout; the recipe uses " +
                          std::to_string(lr.gpus) + " (the same GPU-hours, a shorter wall clock)");
    }
  }
  lr.batch_sequences = std::llround(out.batch_tokens_target / out.seq_len);
  out.layout = default_layout(acc, lr);

  out.global_batch_tokens = static_cast<double>(out.layout.parallel.global_batch_sequences()) * out.seq_len;
  out.steps = std::max(1LL, std::llround(out.tokens / out.global_batch_tokens));
  out.trained_tokens = static_cast<double>(out.steps) * out.global_batch_tokens;
  out.schedule = schedule_for(r.schedule, out.steps);
  out.lr_given = r.peak_lr.has_value();
  out.peak_lr = r.peak_lr.value_or(out.hyperparams.peak_lr);
  out.final_lr = out.peak_lr * out.schedule.final_lr_fraction;
  out.precision_source =
      "bf16 weights, activations and gradients; fp32 master weights and Adam moments (Kalamkar et al. 2019; "
      "Megatron-LM --bf16)";
  add_forecast(db, r, lr.gpus, out);
  out.loss = laws::loss(law, out.params, out.tokens);
  out.loss_law = law.name;
  add_notes(out);
  return out;
}

namespace {

// Both files describe a dense Llama decoder; other catalogue shapes have
// no faithful config in that format.
void require_llama(const hardware_db::ModelShape& s) {
  if (!s.gated_mlp || s.experts > 1) {
    throw PlanError(Field{"emit"}, s.id + " is not a Llama architecture (" +
                                       (s.experts > 1 ? "mixture of experts" : "two-matrix GELU MLP") +
                                       "); config.json and megatron-args.txt describe LlamaForCausalLM");
  }
}

}  // namespace

ordered_json hf_llama_config(const Recipe& r) {
  const hardware_db::ModelShape& s = r.shape;
  require_llama(s);
  ordered_json c;
  c["architectures"] = {"LlamaForCausalLM"};
  c["model_type"] = "llama";
  c["hidden_size"] = s.hidden;
  c["intermediate_size"] = s.ffn;
  c["num_hidden_layers"] = s.layers;
  c["num_attention_heads"] = s.heads;
  c["num_key_value_heads"] = s.kv_heads;
  c["head_dim"] = s.hidden / s.heads;
  c["vocab_size"] = s.vocab;
  c["max_position_embeddings"] = r.seq_len;
  c["rope_theta"] = kRopeTheta;
  c["rms_norm_eps"] = kRmsNormEps;
  c["tie_word_embeddings"] = s.tied_embeddings;
  c["torch_dtype"] = "bfloat16";
  c["hidden_act"] = "silu";
  c["attention_bias"] = false;
  c["mlp_bias"] = false;
  c["initializer_range"] = kInitStd;
  c["use_cache"] = true;
  return c;
}

namespace {

void arg(std::ostringstream& o, const std::string& name, const std::string& value = "") {
  o << "--" << name;
  if (!value.empty()) o << " " << value;
  o << "\n";
}

std::string exact(double v) { return number_text(v, "%.6g"); }

void schedule_args(std::ostringstream& o, const Recipe& r) {
  arg(o, "lr", exact(r.peak_lr));
  arg(o, "min-lr", exact(r.final_lr));
  arg(o, "lr-warmup-iters", std::to_string(r.schedule.warmup_steps));
  switch (r.schedule.kind) {
    case Schedule::kCosine:
      arg(o, "lr-decay-style", "cosine");
      arg(o, "lr-decay-iters", std::to_string(r.steps));
      break;
    case Schedule::kWsd:
      arg(o, "lr-decay-style", "WSD");
      arg(o, "lr-decay-iters", std::to_string(r.steps));
      arg(o, "lr-wsd-decay-style", "linear");
      arg(o, "lr-wsd-decay-iters", std::to_string(r.schedule.decay_steps));
      break;
    case Schedule::kMultiStep:
      // Megatron-LM has no step decay: constant after warmup, and the two
      // drops are restarts from a checkpoint (the comment at the top).
      arg(o, "lr-decay-style", "constant");
      break;
  }
}

// The comment block: what the file is, how to use it, the batch
// arithmetic, and the restarts a multi-step schedule needs.
void header_comments(std::ostringstream& o, const Recipe& r) {
  const hardware_db::ModelShape& s = r.shape;
  const Layout& l = r.layout.parallel;
  o << "# Megatron-LM pretrain_gpt.py arguments for a " << number_text(s.params)
    << "-parameter Llama-architecture model on " << number_text(r.tokens)
    << " tokens (an estimate; plan.json has every assumption).\n"
    << "# Use: torchrun ... pretrain_gpt.py $(grep -v '^#' megatron-args.txt) --data-path ... "
       "--tokenizer-type ...\n"
    << "# Vocabulary " << s.vocab << " comes from the tokenizer. Data parallel " << l.data_parallel
    << " x micro-batch " << l.micro_batch << " x accumulation " << l.num_micro_batches << " = global batch "
    << l.global_batch_sequences() << " sequences on " << l.gpus() << " GPUs.\n";
  if (r.schedule.kind == Schedule::kMultiStep) {
    for (const auto& [step, fraction] : r.schedule.drops) {
      o << "# multi-step schedule (DeepSeek LLM §2.3): at iteration " << step << " resume with --lr "
        << exact(r.peak_lr * fraction) << " --min-lr " << exact(r.peak_lr * fraction)
        << " --override-opt_param-scheduler\n";
    }
  }
}

// The model's dimensions, sequence length, batch and steps.
void shape_args(std::ostringstream& o, const Recipe& r) {
  const hardware_db::ModelShape& s = r.shape;
  arg(o, "num-layers", std::to_string(s.layers));
  arg(o, "hidden-size", std::to_string(s.hidden));
  arg(o, "ffn-hidden-size", std::to_string(s.ffn));
  arg(o, "num-attention-heads", std::to_string(s.heads));
  if (s.kv_heads < s.heads) {
    arg(o, "group-query-attention");
    arg(o, "num-query-groups", std::to_string(s.kv_heads));
  }
  arg(o, "seq-length", std::to_string(r.seq_len));
  arg(o, "max-position-embeddings", std::to_string(r.seq_len));
  arg(o, "micro-batch-size", std::to_string(r.layout.parallel.micro_batch));
  arg(o, "global-batch-size", std::to_string(r.layout.parallel.global_batch_sequences()));
  arg(o, "train-iters", std::to_string(r.steps));
}

// Tensor, pipeline and data parallelism, and recomputation.
void parallel_args(std::ostringstream& o, const Recipe& r) {
  const Layout& l = r.layout.parallel;
  arg(o, "tensor-model-parallel-size", std::to_string(l.tensor_parallel));
  arg(o, "pipeline-model-parallel-size", std::to_string(l.pipeline_parallel));
  if (l.sequence_parallel()) arg(o, "sequence-parallel");
  if (l.zero_stage == kMegatronZeroStage) arg(o, "use-distributed-optimizer");
  if (l.virtual_pipeline > 1) {
    arg(o, "num-layers-per-virtual-pipeline-stage",
        std::to_string(r.shape.layers / (l.pipeline_parallel * l.virtual_pipeline)));
  }
  if (l.recompute == Recompute::kFull) {
    arg(o, "recompute-granularity", "full");
    arg(o, "recompute-method", "uniform");
    arg(o, "recompute-num-layers", "1");
  } else if (l.recompute == Recompute::kSelective) {
    arg(o, "recompute-activations");
  }
}

// The Llama architecture: bf16, SwiGLU, RMSNorm, RoPE, no biases or dropout.
void llama_args(std::ostringstream& o, const Recipe& r) {
  arg(o, "bf16");
  arg(o, "swiglu");
  arg(o, "normalization", "RMSNorm");
  arg(o, "norm-epsilon", exact(kRmsNormEps));
  arg(o, "position-embedding-type", "rope");
  arg(o, "rotary-base", exact(kRopeTheta));
  arg(o, "disable-bias-linear");
  if (!r.shape.tied_embeddings) arg(o, "untie-embeddings-and-output-weights");
  arg(o, "attention-dropout", "0.0");
  arg(o, "hidden-dropout", "0.0");
}

}  // namespace

std::string megatron_args(const Recipe& r) {
  require_llama(r.shape);
  std::ostringstream o;
  header_comments(o, r);
  shape_args(o, r);
  schedule_args(o, r);
  arg(o, "weight-decay", exact(r.law.weight_decay));
  arg(o, "adam-beta1", exact(r.law.adam_beta1));
  arg(o, "adam-beta2", exact(r.law.adam_beta2));
  arg(o, "adam-eps", exact(r.law.adam_eps));
  arg(o, "clip-grad", exact(r.law.grad_clip));
  arg(o, "init-method-std", exact(kInitStd));
  parallel_args(o, r);
  llama_args(o, r);
  return o.str();
}

}  // namespace scaleplan::planner
