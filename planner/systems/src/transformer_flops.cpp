#include "systems/transformer_flops.h"

#include <cmath>

#include "systems/errors.h"
#include "systems/shape.h"

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

double hardware_flops_per_token(const hardware_db::ModelShape& m, int seq_len, Recompute r) {
  const double base = model_flops_per_token(m, seq_len);
  const double attention = forward_attention_flops(m, seq_len);
  switch (r) {
    case Recompute::kNone:
      return base;
    case Recompute::kSelective:
      return base + attention;
    case Recompute::kFull:
      return base + attention + 2.0 * m.layers * block_params(m);
  }
  return base;
}

namespace {

// The catalogue model with each given dimension in place of its own.
hardware_db::ModelShape catalogue_shape(const hardware_db::Database& db, const ShapeQuery& r) {
  hardware_db::ModelShape s = db.model(*r.model);
  if (s.experts > 1) {
    throw PlanError(Field{"model"},
                    s.id + " is a mixture of experts; the layout model covers dense transformers");
  }
  const bool overridden = r.layers || r.hidden || r.heads || r.kv_heads || r.ffn || r.vocab || r.gated_mlp;
  if (!overridden) return s;
  if (r.layers) s.layers = *r.layers;
  if (r.hidden) s.hidden = *r.hidden;
  if (r.heads) s.heads = *r.heads;
  if (r.kv_heads) s.kv_heads = *r.kv_heads;
  if (r.ffn) s.ffn = *r.ffn;
  if (r.vocab) s.vocab = *r.vocab;
  if (r.gated_mlp) s.gated_mlp = *r.gated_mlp;
  check_shape(s);
  s.params = parameter_count(s);
  s.id += "+overrides";
  return s;
}

}  // namespace

hardware_db::ModelShape resolve_shape(const hardware_db::Database& db, const ShapeQuery& r) {
  if (r.model) return catalogue_shape(db, r);
  ShapeRequest request;
  request.layers = r.layers, request.hidden = r.hidden, request.heads = r.heads;
  request.kv_heads = r.kv_heads, request.ffn = r.ffn, request.vocab = r.vocab;
  if (r.params) {
    request.params = *r.params;
  } else if (r.layers && r.hidden) {
    // 12 L d^2 in the blocks (Kaplan et al. 2020, Table 1) plus the two
    // embeddings: the N the given depth and width imply.
    const double d = *r.hidden;
    request.params = 12.0 * *r.layers * d * d + 2.0 * r.vocab.value_or(kDefaultVocab) * d;
  } else {
    throw PlanError(Field{"params"},
                    "the model size is required (or a catalogue model, or its layers and hidden size)");
  }
  hardware_db::ModelShape s = derive_shape(request).shape;
  if (r.gated_mlp) s.gated_mlp = *r.gated_mlp;
  return s;
}

}  // namespace scaleplan::planner
