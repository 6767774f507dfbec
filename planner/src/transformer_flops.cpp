#include "planner/transformer_flops.h"

#include <cmath>

#include "planner/finetune.h"
#include "planner/forecast.h"

namespace scaleplan::planner {

const char* recompute_name(Recompute r) {
  switch (r) {
    case Recompute::kNone: return "none";
    case Recompute::kSelective: return "selective";
    case Recompute::kFull: return "full";
  }
  return "none";
}

Recompute recompute_from_name(const std::string& name) {
  if (name == "none") return Recompute::kNone;
  if (name == "selective") return Recompute::kSelective;
  if (name == "full") return Recompute::kFull;
  throw PlanError("--recompute: '" + name + "' is not none, selective or full");
}

double block_params(const hardware_db::ModelShape& m) {
  const double h = m.hidden, head_dim = h / m.heads;
  const double attention = 2 * h * h + 2 * h * m.kv_heads * head_dim;
  const double mlp = (m.gated_mlp ? 3.0 : 2.0) * h * m.ffn * m.experts;
  return attention + mlp;
}

double shape_params(const hardware_db::ModelShape& m) {
  return m.layers * block_params(m) + 2.0 * m.vocab * m.hidden;
}

namespace {

// Forward FLOPs per token of the blocks' weights (dense: every expert
// counted once per routed token is not modelled; dense shapes only).
double forward_weight_flops(const hardware_db::ModelShape& m) {
  return 2.0 * (m.layers * block_params(m) + static_cast<double>(m.vocab) * m.hidden);
}

double forward_attention_flops(const hardware_db::ModelShape& m, int seq_len) {
  return 4.0 * m.layers * static_cast<double>(seq_len) * m.hidden;
}

}  // namespace

double model_flops_per_token(const hardware_db::ModelShape& m, int seq_len) {
  return 3 * (forward_weight_flops(m) + forward_attention_flops(m, seq_len));
}

double hardware_flops_per_token(const hardware_db::ModelShape& m, int seq_len, Recompute r) {
  const double base = model_flops_per_token(m, seq_len);
  const double attention = forward_attention_flops(m, seq_len);
  switch (r) {
    case Recompute::kNone: return base;
    case Recompute::kSelective: return base + attention;
    case Recompute::kFull: return base + attention + 2.0 * m.layers * block_params(m);
  }
  return base;
}

namespace {

void require_positive(std::optional<int> v, const char* option) {
  if (v && *v <= 0) throw PlanError(std::string(option) + ": " + std::to_string(*v) + " must be a positive count");
}

// Heads of 128 dimensions where the width allows, else 64.
int default_heads(int hidden) {
  if (hidden % 128 == 0) return hidden / 128;
  if (hidden % 64 == 0) return hidden / 64;
  return 1;
}

}  // namespace

hardware_db::ModelShape resolve_shape(const hardware_db::Database& db, const ShapeQuery& r) {
  for (auto [v, name] : {std::pair{r.layers, "--layers"}, {r.hidden, "--hidden"}, {r.heads, "--heads"},
                         {r.kv_heads, "--kv-heads"}, {r.ffn, "--ffn"}, {r.vocab, "--vocab"}}) {
    require_positive(v, name);
  }
  if (r.params && !(*r.params > 0 && std::isfinite(*r.params))) throw PlanError("--params: must be positive");
  const bool dims_given = r.layers || r.hidden || r.heads || r.kv_heads || r.ffn || r.vocab || r.gated_mlp;
  hardware_db::ModelShape s;
  if (r.model) {
    s = db.model(*r.model);
    if (s.experts > 1) {
      throw PlanError("--model: " + s.id + " is a mixture of experts; the layout model covers dense transformers");
    }
  } else if (r.params) {
    s = standard_shape(*r.params);
    // Widths in steps of 8 heads of 128 from 4,096 up (Llama 2/3: 32, 64,
    // 128 heads), 2 heads below, so that tensor parallelism can split them.
    const int step = s.hidden >= 4096 ? 1024 : 256;
    s.hidden = std::max(step, static_cast<int>(std::lround(static_cast<double>(s.hidden) / step)) * step);
    s.heads = default_heads(s.hidden);
    s.kv_heads = s.heads;
    s.ffn = static_cast<int>(std::round(8.0 * s.hidden / 3 / 256) * 256);
  } else if (r.layers && r.hidden) {
    s = standard_shape(12.0 * *r.layers * *r.hidden * static_cast<double>(*r.hidden));
  } else {
    throw PlanError("--params (or --model, or --layers and --hidden) is required");
  }
  if (r.gated_mlp) s.gated_mlp = *r.gated_mlp;
  if (r.hidden) {
    s.hidden = *r.hidden;
    if (!r.heads) s.heads = default_heads(s.hidden);
    if (!r.ffn) s.ffn = s.gated_mlp ? static_cast<int>(std::round(8.0 * s.hidden / 3 / 256) * 256) : 4 * s.hidden;
  }
  if (r.heads) s.heads = *r.heads;
  if (r.heads || r.hidden) s.kv_heads = s.heads;
  if (r.kv_heads) s.kv_heads = *r.kv_heads;
  if (r.ffn) s.ffn = *r.ffn;
  if (r.vocab) s.vocab = *r.vocab;
  if (r.layers) {
    s.layers = *r.layers;
  } else if (!r.model && r.params) {
    // The rule sizes the blocks only; the embeddings count towards N too.
    const double blocks = *r.params - 2.0 * s.vocab * s.hidden;
    s.layers = std::max(1, static_cast<int>(std::lround(blocks / block_params(s))));
  }
  if (s.hidden % s.heads != 0) {
    throw PlanError("--heads: " + std::to_string(s.heads) + " heads do not divide the hidden size " +
                    std::to_string(s.hidden));
  }
  if (s.kv_heads > s.heads || s.heads % s.kv_heads != 0) {
    throw PlanError("--kv-heads: " + std::to_string(s.kv_heads) + " does not divide the " +
                    std::to_string(s.heads) + " attention heads");
  }
  if (dims_given || !r.model) {
    s.params = shape_params(s);
    if (r.model) s.id += "+overrides";
  }
  return s;
}

}  // namespace scaleplan::planner
