#include "planning/finetune.h"
#include "systems/number_text.h"

#include <cmath>

#include "hardware_db/database.h"
#include "systems/gpu_count.h"
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
  if (model.has_value() == params.has_value()) out.push_back({"", "give one of --model and --params"});
  if (!(tokens > 0)) out.push_back({"tokens", "must be positive"});
  if (lora_rank <= 0) out.push_back({"lora_rank", std::to_string(lora_rank) + " must be positive"});
  if (seq_len <= 0) out.push_back({"seq_len", std::to_string(seq_len) + " must be positive"});
  if (micro_batch <= 0) out.push_back({"micro_batch", std::to_string(micro_batch) + " must be positive"});
  if (gpus && *gpus <= 0) out.push_back({"gpus", "must be positive"});
  if (methods.empty()) out.push_back({"methods", "expected at least one of full, lora, qlora"});
  return out;
}

double lora_params(const hardware_db::ModelShape& m, int rank) {
  const double h = m.hidden, f = m.ffn;
  const double kv = static_cast<double>(m.kv_heads) * m.hidden / m.heads;
  const double attention = 6 * h + 2 * kv;  // q (h+h), k (h+kv), v (h+kv), o (h+h)
  const double mlp = (m.gated_mlp ? 3.0 : 2.0) * (h + f) * m.experts;
  return static_cast<double>(rank) * m.layers * (attention + mlp);
}

Memory finetune_memory(const hardware_db::ModelShape& m, Method method, Optimizer opt, int rank, int seq_len,
                       int micro_batch, bool recompute, int gpus) {
  const double n = m.params, g = gpus, gb = 1e9;
  const double na = lora_params(m, rank);
  Memory mem;
  switch (method) {
    case Method::kFull:
      mem.weights_gb = 2 * n / g / gb;
      mem.gradients_gb = 2 * n / g / gb;
      mem.optimizer_gb = optimizer_bytes(opt) * n / g / gb;
      break;
    case Method::kLora:
      mem.weights_gb = (2 * n + 2 * na) / g / gb;
      mem.gradients_gb = 2 * na / g / gb;
      mem.optimizer_gb = optimizer_bytes(opt) * na / g / gb;
      break;
    case Method::kQlora: {
      const double linear = std::min(n, m.linear_params());
      mem.weights_gb = (kNf4BytesPerParam * linear + 2 * (n - linear) + 2 * na) / g / gb;
      mem.gradients_gb = 2 * na / g / gb;
      mem.optimizer_gb = 0;  // paged to CPU memory (Dettmers et al. 2023)
      break;
    }
  }
  const double s = seq_len, b = micro_batch, h = m.hidden;
  const double per_layer = recompute ? 2 * s * b * h : 34 * s * b * h;
  const double one_layer = recompute ? 34 * s * b * h : 0;  // the layer being recomputed
  mem.activations_gb = (m.layers * per_layer + one_layer + 4 * b * s * m.vocab) / gb;
  mem.overhead_gb = kRuntimeOverheadGb;
  return mem;
}

namespace {

// A configuration tried for one method: micro-batch and recomputation.
struct Config {
  int micro_batch;
  bool recompute;
};

// Candidate configurations, the request's own first; then smaller
// micro-batches and recomputation where the request allows the search.
std::vector<Config> candidate_configs(const FinetuneRequest& r) {
  std::vector<Config> configs;
  for (bool rc : {r.recompute, true}) {
    if (rc != r.recompute && !r.search_recompute) continue;
    if (!configs.empty() && rc == configs.front().recompute) continue;
    for (int mb = r.micro_batch; mb >= 1; mb = r.search_micro_batch ? mb / 2 : 0) configs.push_back({mb, rc});
  }
  return configs;
}

// FLOPs per token: full fine-tuning 6N; LoRA/QLoRA 4N (forward and
// activation gradients, no weight gradients for the frozen base) + 6 per
// adapter parameter; recomputation repeats the forward (+2 each).
double per_token_flops(Method method, bool recompute, double flop_params, double adapter_params) {
  if (method == Method::kFull) return (recompute ? 8 : 6) * flop_params;
  return recompute ? 6 * flop_params + 8 * adapter_params : 4 * flop_params + 6 * adapter_params;
}

// The configuration that fits on the fewest 8-GPU nodes, then with the
// fewest FLOPs per token, then on the fewest GPUs; else the one needing the
// least memory, with why it does not fit. Nodes first: skipping
// recomputation saves a quarter of the FLOPs but can take ten times the
// GPUs (70B on 48 GB cards: 272 for 11 minutes, with inter-node traffic the
// flat MFU does not price), and QLoRA's 65B on one 48 GB GPU (Dettmers et
// al. 2023) needs checkpointing. Within a node, fewer FLOPs win.
bool better_config(int gpus, double flops, const MethodResult& best, double best_flops) {
  if (!best.fits) return true;
  const auto nodes = [](int g) { return (g + kGpusPerNode - 1) / kGpusPerNode; };
  if (nodes(gpus) != nodes(best.gpus)) return nodes(gpus) < nodes(best.gpus);
  if (flops != best_flops) return flops < best_flops;
  return gpus < best.gpus;
}

void choose_config(const FinetuneRequest& r, const hardware_db::ModelShape& shape, const std::string& acc_id,
                   double usable_gb, double flop_params, double na, MethodResult& mr) {
  auto flops_of = [&](bool rc) { return per_token_flops(mr.method, rc, flop_params, na); };
  double smallest_gb = HUGE_VAL;
  Config smallest{r.micro_batch, r.recompute};
  int smallest_gpus = 1;
  for (const Config& cfg : candidate_configs(r)) {
    auto mem_at = [&](int g) {
      return finetune_memory(shape, mr.method, r.optimizer, r.lora_rank, r.seq_len, cfg.micro_batch,
                             cfg.recompute, g);
    };
    int g = r.gpus.value_or(1);
    Memory mem = mem_at(g);
    for (; !r.gpus && mem.total_gb() > usable_gb && g < kMaxGpus; g = next_gpu_count(g))
      mem = mem_at(next_gpu_count(g));
    if (mem.total_gb() < smallest_gb) {
      smallest_gb = mem.total_gb();
      smallest = cfg;
      smallest_gpus = g;
    }
    if (mem.total_gb() > usable_gb) continue;
    if (better_config(g, flops_of(cfg.recompute), mr, flops_of(mr.recompute))) {
      mr.fits = true;
      mr.gpus = g;
      mr.memory = mem;
      mr.micro_batch = cfg.micro_batch;
      mr.recompute = cfg.recompute;
    }
  }
  if (mr.fits) return;
  mr.gpus = smallest_gpus;
  mr.micro_batch = smallest.micro_batch;
  mr.recompute = smallest.recompute;
  mr.memory = finetune_memory(shape, mr.method, r.optimizer, r.lora_rank, r.seq_len, smallest.micro_batch,
                              smallest.recompute, smallest_gpus);
  const auto gib = [](double gb) { return number_text(hardware_db::bytes_to_gib(gb * 1e9)); };
  mr.why_not = "needs at least " + gib(smallest_gb) + " GiB per GPU (micro-batch " +
               std::to_string(smallest.micro_batch) + (smallest.recompute ? ", recompute" : "") + ", " +
               std::to_string(smallest_gpus) + " GPUs); " + acc_id + " has " + gib(usable_gb) + " GiB";
}

// Time, energy and carbon of the chosen configuration.
void cost_method(const hardware_db::Database& db, const FinetuneRequest& r, const std::string& acc_id,
                 double per_token, MethodResult& mr) {
  mr.gradient_accumulation = std::max(1, r.micro_batch / std::max(1, mr.micro_batch));
  mr.config_changed = mr.micro_batch != r.micro_batch || mr.recompute != r.recompute;
  mr.flops = per_token * r.tokens;
  ForecastInput in;
  in.flops = mr.flops;
  in.hardware = acc_id;
  in.gpus = std::max(1, mr.gpus);
  const double mfu = r.mfu.value_or(kFinetuneMfu);
  in.mfu = mr.method == Method::kQlora ? mfu / kQloraSlowdown : mfu;  // dequantisation time
  in.region = r.region;
  in.carbon_intensity = r.carbon_intensity;
  in.pue = r.pue;
  in.power_w = r.power_w;
  mr.forecast = forecast(db, in);
  mr.energy_kwh = mr.forecast.energy_kwh;
  mr.co2_kg = mr.forecast.co2_kg;
  mr.tier = mr.forecast.tier;
}

// Marks the least-energy method that fits; none fitting is an error.
void mark_cheapest(FinetuneResult& out, const std::string& acc_id) {
  int best = -1;
  for (size_t i = 0; i < out.methods.size(); ++i) {
    if (out.methods[i].fits && (best < 0 || out.methods[i].energy_kwh < out.methods[best].energy_kwh)) {
      best = static_cast<int>(i);
    }
  }
  if (best < 0) {
    throw PlanError("no method fits " + out.shape.id + " on any count of " + acc_id + " (" +
                    out.methods.front().why_not + ")");
  }
  out.methods[best].cheapest = true;
}

}  // namespace

FinetuneResult plan_finetune(const hardware_db::Database& db, const FinetuneRequest& r) {
  if (auto p = r.problems(); !p.empty()) throw_problem<PlanError>(p.front());
  FinetuneResult out;
  ShapeQuery shape;
  shape.model = r.model;
  shape.params = r.params;
  shape.seq_len = r.seq_len;
  ResolvedShape resolved = resolve_shape(db, shape);
  out.shape = std::move(resolved.shape);
  out.shape_derived = resolved.derived;
  if (r.lora_rank > out.shape.hidden) {
    throw PlanError(Field{"lora_rank"}, std::to_string(r.lora_rank) + " is larger than the hidden size " +
                                            std::to_string(out.shape.hidden) + " of " + out.shape.id);
  }
  const auto& acc = db.accelerator(r.hardware);
  if (!acc.memory_gb) throw PlanError(Field{"hardware"}, "the database has no memory size for " + acc.id);
  const double flop_params = out.shape.active_params.value_or(out.shape.params);
  const double na = lora_params(out.shape, r.lora_rank);
  for (Method method : r.methods) {
    MethodResult mr;
    mr.method = method;
    mr.trainable_params = method == Method::kFull ? out.shape.params : na;
    choose_config(r, out.shape, acc.id, *acc.memory_bytes() / 1e9, flop_params, na, mr);
    cost_method(db, r, acc.id, per_token_flops(method, mr.recompute, flop_params, na), mr);
    out.methods.push_back(mr);
  }
  mark_cheapest(out, acc.id);
  return out;
}

}  // namespace scaleplan::planner
