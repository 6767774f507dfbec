#include "systems/transformer_flops.h"

#include <cmath>

#include "systems/errors.h"

namespace scaleplan::planner {

const char* recompute_name(Recompute r) {
  switch (r) {
    case Recompute::kNone:
      return "none";
    case Recompute::kSelective:
      return "selective";
    case Recompute::kFull:
      return "full";
  }
  return "none";
}

Recompute recompute_from_name(const std::string& name) {
  if (name == "none") return Recompute::kNone;
  if (name == "selective") return Recompute::kSelective;
  if (name == "full") return Recompute::kFull;
  throw PlanError(Field{"recompute"}, "'" + name + "' is not none, selective or full");
}

double block_params(const hardware_db::ModelShape& m) {
  const double h = m.hidden, head_dim = h / m.heads;
  const double attention = 2 * h * h + 2 * h * m.kv_heads * head_dim;
  const double mlp = (m.gated_mlp ? 3.0 : 2.0) * h * m.ffn * m.experts;
  return attention + mlp;
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

const char* lora_targets_name(LoraTargets t) {
  switch (t) {
    case LoraTargets::kAllLinear:
      return "all-linear";
    case LoraTargets::kAttention:
      return "attention";
    case LoraTargets::kQueryValue:
      return "qv";
  }
  return "all-linear";
}

LoraTargets lora_targets_from_name(const std::string& name) {
  for (LoraTargets t : {LoraTargets::kAllLinear, LoraTargets::kAttention, LoraTargets::kQueryValue}) {
    if (name == lora_targets_name(t)) return t;
  }
  throw PlanError(Field{"lora_targets"}, "'" + name + "' is not all-linear, attention or qv");
}

std::vector<MatrixDims> adapted_matrices(const hardware_db::ModelShape& m, LoraTargets targets) {
  const double h = m.hidden, f = m.ffn;
  const double kv = static_cast<double>(m.kv_heads) * m.hidden / m.heads;
  if (targets == LoraTargets::kQueryValue) return {{h, h}, {h, kv}};
  std::vector<MatrixDims> out = {{h, h}, {h, kv}, {h, kv}, {h, h}};
  if (targets == LoraTargets::kAttention) return out;
  out.push_back({h, f});
  out.push_back({f, h});
  if (m.gated_mlp) out.push_back({h, f});
  return out;
}

double adapter_params_per_layer(const hardware_db::ModelShape& m, int rank, LoraTargets targets) {
  const std::vector<MatrixDims> matrices = adapted_matrices(m, targets);
  double per_rank = 0;
  for (size_t i = 0; i < matrices.size(); ++i) {
    const bool mlp = i >= 4;  // every expert carries its own MLP adapters
    per_rank += (matrices[i].in + matrices[i].out) * (mlp ? m.experts : 1);
  }
  return rank * per_rank;
}

double model_flops_per_token(const hardware_db::ModelShape& m, int seq_len, const Training& t) {
  if (!t.frozen()) return model_flops_per_token(m, seq_len);
  return 2 * forward_weight_flops(m) + 3 * forward_attention_flops(m, seq_len) +
         6 * m.layers * adapter_params_per_layer(m, t.lora_rank, t.targets);
}

double non_embedding_flops_per_token(const hardware_db::ModelShape& s, int seq_len) {
  const double layers = s.layers, d = s.hidden;
  return 72 * layers * d * d + 12 * layers * d * seq_len;
}

double hardware_flops_per_token(const hardware_db::ModelShape& m, int seq_len, Recompute r) {
  return hardware_flops_per_token(m, seq_len, r, Training{});
}

double hardware_flops_per_token(const hardware_db::ModelShape& m, int seq_len, Recompute r,
                                const Training& t) {
  const double base = model_flops_per_token(m, seq_len, t);
  const double attention = forward_attention_flops(m, seq_len);
  switch (r) {
    case Recompute::kNone:
      return base;
    case Recompute::kSelective:
      return base + attention;
    case Recompute::kFull:
      return base + attention + 2.0 * m.layers * block_params(m) +
             (t.frozen() ? 2.0 * m.layers * adapter_params_per_layer(m, t.lora_rank, t.targets) : 0);
  }
  return base;
}

}  // namespace scaleplan::planner
