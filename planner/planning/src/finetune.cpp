#include "planning/finetune.h"
#include "systems/number_text.h"

#include <cmath>

#include "hardware_db/database.h"
#include "systems/gpu_count.h"
#include "systems/layout_search.h"
#include "systems/shape.h"

namespace scaleplan::planner {

double optimizer_bytes(Optimizer o) {
  switch (o) {
    case Optimizer::kAdamW:
      return kAdamWStateBytesPerParam;
    case Optimizer::kAdamW8bit:
      return kAdamW8bitStateBytesPerParam;
    case Optimizer::kAdafactor:
      return kAdafactorStateBytesPerParam;
    case Optimizer::kSgd:
      return kSgdStateBytesPerParam;
  }
  return kAdamWStateBytesPerParam;
}

const char* method_name(Method m) {
  switch (m) {
    case Method::kFull:
      return "full";
    case Method::kLora:
      return "lora";
    case Method::kQlora:
      return "qlora";
  }
  return "";
}

const char* optimizer_name(Optimizer o) {
  switch (o) {
    case Optimizer::kAdamW:
      return "adamw";
    case Optimizer::kAdamW8bit:
      return "adamw-8bit";
    case Optimizer::kAdafactor:
      return "adafactor";
    case Optimizer::kSgd:
      return "sgd";
  }
  return "";
}

Method method_from_name(const std::string& s) {
  for (Method m : {Method::kFull, Method::kLora, Method::kQlora}) {
    if (s == method_name(m)) return m;
  }
  throw PlanError(Field{"methods"}, "'" + s + "' is not a method (expected full, lora or qlora)");
}

Optimizer optimizer_from_name(const std::string& s) {
  for (Optimizer o : {Optimizer::kAdamW, Optimizer::kAdamW8bit, Optimizer::kAdafactor, Optimizer::kSgd}) {
    if (s == optimizer_name(o)) return o;
  }
  throw PlanError(Field{"optimizer"},
                  "'" + s + "' is not an optimizer (expected adamw, adamw-8bit, adafactor or sgd)");
}

std::vector<Problem> FinetuneRequest::problems() const {
  std::vector<Problem> out;
  if (model.has_value() + params.has_value() + shape.has_value() != 1)
    out.push_back({"", "give one of --model, --params and --config"});
  if (examples) {
    if (tokens > 0) out.push_back({"examples", "give --tokens or --examples, not both"});
    if (!(*examples >= 1) || *examples != std::floor(*examples) || *examples > 1e15)
      out.push_back({"examples", number_text(*examples) + " is not a positive whole number"});
    if (epochs <= 0) out.push_back({"epochs", std::to_string(epochs) + " must be a positive whole number"});
    if (mean_length && (!(*mean_length > 0) || *mean_length > seq_len)) {
      out.push_back({"mean_length", number_text(*mean_length) + " must be positive and at most --seq-len " +
                                        std::to_string(seq_len)});
    }
  } else {
    if (!(tokens > 0)) out.push_back({"tokens", "must be positive (or give --examples)"});
    if (packing) out.push_back({"packing", "applies to --examples, not --tokens"});
    if (mean_length) out.push_back({"mean_length", "applies to --examples, not --tokens"});
    if (epochs != 1) out.push_back({"epochs", "applies to --examples; --tokens counts every epoch"});
  }
  if (lora_rank <= 0) out.push_back({"lora_rank", std::to_string(lora_rank) + " must be positive"});
  if (seq_len <= 0) out.push_back({"seq_len", std::to_string(seq_len) + " must be positive"});
  if (micro_batch <= 0) out.push_back({"micro_batch", std::to_string(micro_batch) + " must be positive"});
  if (global_batch <= 0) out.push_back({"global_batch", std::to_string(global_batch) + " must be positive"});
  const double step_tokens = static_cast<double>(global_batch) * seq_len;
  if (global_batch > 0 && seq_len > 0 && processed_tokens() > 0 && step_tokens > processed_tokens()) {
    out.push_back({"global_batch", std::to_string(global_batch) + " sequences of " + std::to_string(seq_len) +
                                       " tokens are more than the run's " + number_text(processed_tokens()) +
                                       " tokens: expected at least one optimizer step"});
  }
  if (examples && processed_tokens() > kMaxFinetuneTokens) {
    out.push_back({"examples", "examples x epochs x length is " + number_text(processed_tokens()) +
                                   " tokens; expected at most " + number_text(kMaxFinetuneTokens)});
  }
  if (!search_micro_batch && micro_batch > global_batch) {
    out.push_back({"micro_batch", std::to_string(micro_batch) + " is larger than the global batch of " +
                                      std::to_string(global_batch) + " sequences"});
  }
  if (gpus && *gpus <= 0) out.push_back({"gpus", "must be positive"});
  if (deadline_hours && !(*deadline_hours > 0)) out.push_back({"deadline_hours", "must be positive"});
  if (gpus && deadline_hours) out.push_back({"deadline_hours", "give a deadline or --gpus, not both"});
  if (methods.empty()) out.push_back({"methods", "expected at least one of full, lora, qlora"});
  return out;
}

double FinetuneRequest::processed_tokens() const {
  if (!examples) return tokens;
  const double length = packing ? mean_length.value_or(seq_len) : seq_len;
  return *examples * epochs * length;
}

double FinetuneRequest::padding_tokens() const {
  if (!examples || packing) return 0;
  return *examples * epochs * (seq_len - mean_length.value_or(seq_len));
}

std::string time_caveat(const MethodResult& m) {
  if (m.fits && m.mixture_of_experts) {
    return "a mixture of experts: the layout model times one expert's MLP per token and holds every "
           "expert's weights; expert parallelism and routing are not modelled";
  }
  if (!m.fits || m.layout.zero_stage < 3 || m.layout.data_parallel < 2) return "";
  return "a lower bound: ZeRO-3/FSDP's per-layer gathers cost eager stacks more than modelled (Qwen-7B on "
         "two A100s ran 1.6-3.8x slower)";
}

double lora_params(const hardware_db::ModelShape& m, int rank, LoraTargets targets) {
  return m.layers * adapter_params_per_layer(m, rank, targets);
}

Workload finetune_workload(const FinetuneRequest& r, const hardware_db::ModelShape& shape, const System& sys,
                           Method method) {
  Workload w;
  w.shape = shape;
  w.seq_len = r.seq_len;
  w.global_batch_seqs = r.global_batch;
  w.stack = default_stack(sys);
  w.stack.fused_elementwise = false;  // Hugging Face transformers + PEFT, eager
  w.training.base = method == Method::kFull   ? BaseWeights::kTrained
                    : method == Method::kLora ? BaseWeights::kFrozen
                                              : BaseWeights::kFrozenNf4;
  w.training.lora_rank = r.lora_rank;
  w.training.targets = r.lora_targets;
  w.training.optimizer_bytes_per_param = optimizer_bytes(r.optimizer);
  return w;
}

namespace {

Memory memory_gb(const LayoutMemory& m) {
  return {m.weights_bytes / 1e9, m.gradients_bytes / 1e9, m.optimizer_bytes / 1e9, m.activations_bytes / 1e9,
          m.overhead_bytes / 1e9};
}

SearchOptions search_options(const FinetuneRequest& r, int gpus, std::optional<int> micro_batch) {
  SearchOptions o;
  o.gpus = gpus;
  o.top = 1;
  o.count_all = false;
  o.explain_none = false;
  if (!r.search_micro_batch) o.micro_batch = r.micro_batch;
  if (micro_batch) o.micro_batch = micro_batch;
  if (r.recompute)
    o.recompute = Recompute::kFull;
  else if (!r.search_recompute)
    o.recompute = Recompute::kNone;
  return o;
}

// Whether `gpus` can hold the model state at all: the stored weights and
// the trained ones' gradients and optimizer state, sharded over every GPU
// (ZeRO-3), without activations. A count below it needs no search.
bool state_can_fit(const Workload& w, const System& sys, int gpus) {
  return model_state_bytes(w) / gpus + kRuntimeOverheadBytes <= sys.memory_bytes;
}

// The best layout on `gpus`, if any fits.
std::optional<LayoutResult> best_layout(const System& sys, const Workload& w, const SearchOptions& o) {
  if (!state_can_fit(w, sys, o.gpus)) return std::nullopt;
  SearchResult found = search_layouts(sys, w, o);
  if (found.best.empty()) return std::nullopt;
  return found.best.front();
}

double wall_hours(const FinetuneRequest& r, const LayoutResult& l) {
  return r.tokens / l.time.tokens_per_s / 3600;
}

// Where the count scan stops. No layout is valid beyond a node of TP x a
// stage per layer x a replica per sequence of the global batch; and with
// no deadline, a run that fits no count up to 8x the one its model state
// needs (or 64) is held back by activations that more GPUs barely shrink.
int scan_limit(const FinetuneRequest& r, const System& sys, const Workload& w) {
  const double valid = static_cast<double>(sys.node_size) * w.shape.layers * r.global_batch;
  int limit = static_cast<int>(std::min<double>(kMaxGpus, valid));
  if (r.deadline_hours) return limit;
  int bound = 1;
  while (bound < limit && !state_can_fit(w, sys, bound)) bound = next_gpu_count(bound);
  return std::min(limit, std::max(64, 8 * bound));
}

// The fewest GPUs that hold the run (and, with a deadline, finish within
// it), their best layout; empty when no count up to scan_limit does.
std::optional<LayoutResult> fewest_gpus(const FinetuneRequest& r, const System& sys, const Workload& w) {
  if (r.gpus) return best_layout(sys, w, search_options(r, *r.gpus, std::nullopt));
  const int limit = scan_limit(r, sys, w);
  for (int g = 1; g <= limit; g = next_gpu_count(g)) {
    auto found = best_layout(sys, w, search_options(r, g, std::nullopt));
    if (found && (!r.deadline_hours || wall_hours(r, *found) <= *r.deadline_hours)) return found;
  }
  return std::nullopt;
}

std::string why_none(const FinetuneRequest& r, const System& sys, const Workload& w) {
  const auto gib = [](double bytes) { return number_text(hardware_db::bytes_to_gib(bytes)); };
  if (r.gpus) {
    SearchOptions o = search_options(r, *r.gpus, std::nullopt);
    o.explain_none = true;
    const SearchResult found = search_layouts(sys, w, o);
    return found.why_none.empty()
               ? "no layout on " + std::to_string(*r.gpus) + " GPUs fits " + gib(sys.memory_bytes) + " GiB"
               : found.why_none;
  }
  const std::string limit = std::to_string(scan_limit(r, sys, w));
  if (r.deadline_hours) {
    return "no count up to " + limit + " GPUs finishes within " + number_text(*r.deadline_hours) +
           " hours; the global batch of " + std::to_string(r.global_batch) +
           " sequences caps data parallelism (--global-batch to raise it)";
  }
  return "no layout on up to " + limit + " GPUs fits " + gib(sys.memory_bytes) + " GiB each";
}

void take_layout(const FinetuneRequest& r, const LayoutResult& l, MethodResult& mr) {
  mr.fits = true;
  mr.gpus = l.layout.gpus();
  mr.layout = l.layout;
  mr.step = l.time;
  mr.memory = memory_gb(l.memory);
  mr.micro_batch = l.layout.micro_batch;
  mr.gradient_accumulation = l.layout.num_micro_batches;
  mr.recompute = l.layout.recompute != Recompute::kNone;
  mr.config_changed = mr.micro_batch != r.micro_batch || mr.recompute != r.recompute;
}

// FLOPs of the run as printed: the active parameters' (a mixture of
// experts computes with the routed experts only), 6 per trained and 4 per
// frozen weight, 2 more with full recomputation.
double run_flops(const FinetuneRequest& r, const hardware_db::ModelShape& shape, const MethodResult& mr) {
  const double n = shape.active_params.value_or(shape.params);
  const double na = lora_params(shape, r.lora_rank, r.lora_targets);
  const bool full_recompute = mr.layout.recompute == Recompute::kFull;
  if (mr.method == Method::kFull) return (full_recompute ? 8 : 6) * n * r.tokens;
  return ((full_recompute ? 6 : 4) * n + (full_recompute ? 8 : 6) * na) * r.tokens;
}

// Time, energy and carbon of the chosen layout: its tokens per second, or
// the user's flat MFU.
void cost_method(const hardware_db::Database& db, const FinetuneRequest& r, const std::string& acc_id,
                 const hardware_db::ModelShape& shape, MethodResult& mr) {
  mr.flops = run_flops(r, shape, mr);
  ForecastInput in;
  in.flops = mr.flops;
  in.hardware = acc_id;
  in.gpus = std::max(1, mr.gpus);
  const double peak = *db.accelerator(acc_id).training_peak_tflops() * 1e12;
  in.mfu = r.mfu.value_or(mr.flops / r.tokens * mr.step.tokens_per_s / (peak * in.gpus.value()));
  in.region = r.region;
  in.carbon_intensity = r.carbon_intensity;
  in.pue = r.pue;
  in.power_w = r.power_w;
  mr.forecast = forecast(db, in);
  mr.mixture_of_experts = shape.experts > 1;
  if (mr.mixture_of_experts && !r.mfu) {  // its FLOPs are the active parameters', not the layout's
    mr.step.mfu = mr.flops / r.tokens * mr.step.tokens_per_s / (peak * in.gpus.value());
  }
  if (r.mfu) {  // the given MFU sets the time; the layout only the memory
    mr.step.tokens_per_s = r.tokens / (mr.forecast.wall_days * 86400);
    mr.step.mfu = *r.mfu;
  }
  mr.energy_kwh = mr.forecast.energy_kwh;
  mr.co2_kg = mr.forecast.co2_kg;
  mr.tier = mr.forecast.tier;
}

// Marks the least-energy method that fits; none fitting is an error.
void mark_cheapest(FinetuneResult& out, const std::string& acc_id, std::optional<int> gpus) {
  const std::string where = gpus ? std::to_string(*gpus) + " x " + acc_id : "any count of " + acc_id;
  int best = -1;
  for (size_t i = 0; i < out.methods.size(); ++i) {
    if (out.methods[i].fits && (best < 0 || out.methods[i].energy_kwh < out.methods[best].energy_kwh)) {
      best = static_cast<int>(i);
    }
  }
  if (best < 0) {
    throw PlanError("no method fits " + out.shape.id + " on " + where + " (" + out.methods.front().why_not +
                    ")");
  }
  out.methods[best].cheapest = true;
}

}  // namespace

namespace {

// The fewest GPUs that hold the run; past the default deadline (they can
// take years) sized for it instead, as plans are, and marked so in `mr`.
std::optional<LayoutResult> planned_layout(const FinetuneRequest& r, const System& sys, const Workload& w,
                                           MethodResult& mr) {
  auto best = fewest_gpus(r, sys, w);
  if (!best || r.gpus || r.deadline_hours || wall_hours(r, *best) <= kDefaultDeadlineDays * 24) return best;
  FinetuneRequest sized = r;
  sized.deadline_hours = kDefaultDeadlineDays * 24;
  if (auto in_time = fewest_gpus(sized, sys, w)) {
    mr.deadline_assumed = true;
    return in_time;
  }
  mr.deadline_missed = true;
  return best;
}

// The request's model: a config's shape, a catalogue model, or the rule's.
void take_shape(const hardware_db::Database& db, const FinetuneRequest& r, FinetuneResult& out) {
  if (r.shape) {
    out.shape = *r.shape;
    return;
  }
  ShapeQuery shape;
  shape.model = r.model;
  shape.params = r.params;
  shape.seq_len = r.seq_len;
  ResolvedShape resolved = resolve_shape(db, shape);
  out.shape = std::move(resolved.shape);
  out.shape_derived = resolved.derived;
}

}  // namespace

FinetuneResult plan_finetune(const hardware_db::Database& db, const FinetuneRequest& request) {
  if (auto p = request.problems(); !p.empty()) throw_problem<PlanError>(p.front());
  FinetuneRequest r = request;  // in tokens from here on
  r.tokens = request.processed_tokens();
  FinetuneResult out;
  out.tokens = r.tokens;
  out.padding_tokens = request.padding_tokens();
  take_shape(db, r, out);
  if (r.lora_rank > out.shape.hidden) {
    throw PlanError(Field{"lora_rank"}, std::to_string(r.lora_rank) + " is larger than the hidden size " +
                                            std::to_string(out.shape.hidden) + " of " + out.shape.id);
  }
  const auto& acc = db.accelerator(r.hardware);
  const System sys = system_for(acc);
  std::vector<Workload> works;
  for (Method method : r.methods) {
    MethodResult mr;
    mr.method = method;
    mr.trainable_params =
        method == Method::kFull ? out.shape.params : lora_params(out.shape, r.lora_rank, r.lora_targets);
    works.push_back(finetune_workload(r, out.shape, sys, method));
    auto best = planned_layout(r, sys, works.back(), mr);
    if (best)
      take_layout(r, *best, mr);
    else
      mr.why_not = why_none(r, sys, works.back());
    out.methods.push_back(mr);
  }
  // One micro-batch for all: the smallest any method needs (a smaller one
  // holds on the same count, so each keeps its GPUs).
  int shared = 0;
  for (const auto& m : out.methods) {
    if (m.fits) shared = shared == 0 ? m.micro_batch : std::min(shared, m.micro_batch);
  }
  for (size_t i = 0; i < out.methods.size(); ++i) {
    MethodResult& m = out.methods[i];
    if (m.fits && m.micro_batch != shared) {
      if (auto same = best_layout(sys, works[i], search_options(r, m.gpus, shared))) take_layout(r, *same, m);
    }
    if (m.fits) cost_method(db, r, acc.id, out.shape, m);
  }
  mark_cheapest(out, acc.id, r.gpus);
  return out;
}

}  // namespace scaleplan::planner
