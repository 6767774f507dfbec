#include "systems/shape.h"
#include "systems/number_text.h"

#include <algorithm>
#include <cmath>

#include "systems/errors.h"

namespace scaleplan::planner {

namespace {

// Layers in whole groups so pipeline parallelism has divisors (Megatron-LM
// needs equal stages): 4 from 16 layers up, 8 from 64 (Llama 70B has 80).
int layer_step(double layers) { return layers >= 64 ? 8 : layers >= 16 ? 4 : 1; }

int head_dim_for(double hidden) { return hidden >= kWideHeadsFrom ? kWideHeadDim : kNarrowHeadDim; }

int hidden_step(double hidden) {
  const int heads_per_step = hidden >= kEightHeadsFrom ? 8 : 4;
  return heads_per_step * head_dim_for(hidden);
}

double per_layer_params(double d, double kv_width, double f, bool gated, int experts) {
  return 2 * d * d + 2 * d * kv_width + (gated ? 3.0 : 2.0) * d * f * experts + 2 * d;
}

double kv_width(const hardware_db::ModelShape& s) {
  return static_cast<double>(s.kv_heads) * (static_cast<double>(s.hidden) / s.heads);
}

// The width d with d = a (N - embeddings(d))^b, by bisection: the left side
// grows and the right side shrinks with d, so the root is unique.
double fitted_hidden(double params, double embedding_per_width) {
  double lo = 1, hi = params / embedding_per_width;
  for (int i = 0; i < 200; ++i) {
    const double mid = 0.5 * (lo + hi);
    const double rest = params - embedding_per_width * mid;
    if (rest > 0 && mid < kHiddenCoefficient * std::pow(rest, kHiddenExponent)) {
      lo = mid;
    } else {
      hi = mid;
    }
  }
  return lo;
}

int round_to(double x, int step) { return std::max(step, static_cast<int>(std::lround(x / step)) * step); }

int derive_hidden(const ShapeRequest& r, int vocab) {
  if (r.hidden) return *r.hidden;
  const double per_width = static_cast<double>(vocab) * (r.tied_embeddings ? 1 : 2);
  const double d = fitted_hidden(r.params, per_width);
  // Given heads fix the hidden size to whole heads of a multiple of 8.
  return r.heads ? round_to(d, *r.heads * 8) : round_to(d, hidden_step(d));
}

int derive_heads(const ShapeRequest& r, int hidden) {
  if (r.heads) return *r.heads;
  for (int head_dim = head_dim_for(hidden); head_dim >= 8; head_dim /= 2) {
    if (hidden % head_dim == 0) return hidden / head_dim;
  }
  throw PlanError(
      Field{"hidden"},
      std::to_string(hidden) + " is not a multiple of 8, so no usual head size divides it (give --heads)");
}

// Derived heads get the rule's grouped-query attention; heads the user gave
// without K/V heads are read as multi-head attention (one K/V per head), as
// in GPT-3 and every model that predates GQA.
int derive_kv_heads(const ShapeRequest& r, int heads) {
  if (r.kv_heads) return *r.kv_heads;
  if (r.heads) return heads;
  return heads >= 2 * kKvGroups && heads % kKvGroups == 0 ? kKvGroups : heads;
}

double mlp_matrices(bool gated) { return gated ? 3.0 : 2.0; }

// The MLP width that brings the count to N with L layers, in the coarsest
// power-of-two step (256 at most) that stays within the tolerance.
int fill_ffn(hardware_db::ModelShape& s, double params) {
  const double d = s.hidden;
  const double per_layer_without_mlp = per_layer_params(d, kv_width(s), 0, s.gated_mlp, 1);
  const double mlp_budget = (params - embedding_params(s) - d) / s.layers - per_layer_without_mlp;
  const double exact = mlp_budget / (mlp_matrices(s.gated_mlp) * d);
  if (exact < 1) return 0;
  for (int step = 256; step >= 1; step /= 2) {
    s.ffn = round_to(exact, step);
    if (std::abs(parameter_count(s) - params) <= kShapeCountTolerance * params) break;
  }
  return s.ffn;
}

void check_positive(std::vector<Problem>& out, const std::optional<int>& v, const char* field) {
  if (v && *v <= 0) out.push_back({field, std::to_string(*v) + " must be a positive count"});
}

}  // namespace

std::vector<Problem> ShapeRequest::problems() const {
  std::vector<Problem> out;
  if (!(params > 0) || !std::isfinite(params))
    out.push_back({"params", "must be a positive parameter count"});
  check_positive(out, layers, "layers");
  check_positive(out, hidden, "hidden");
  check_positive(out, heads, "heads");
  check_positive(out, kv_heads, "kv_heads");
  check_positive(out, ffn, "ffn");
  check_positive(out, vocab, "vocab");
  if (seq_len <= 0) out.push_back({"seq_len", std::to_string(seq_len) + " must be a positive count"});
  return out;
}

double embedding_params(const hardware_db::ModelShape& s) {
  return static_cast<double>(s.vocab) * s.hidden * (s.tied_embeddings ? 1 : 2);
}

double parameter_count(const hardware_db::ModelShape& s) {
  const double d = s.hidden;
  return embedding_params(s) + s.layers * per_layer_params(d, kv_width(s), s.ffn, s.gated_mlp, s.experts) + d;
}

void check_shape(const hardware_db::ModelShape& s) {
  auto positive = [](int v, const char* field) {
    if (v <= 0) throw PlanError(Field{field}, std::to_string(v) + " must be a positive count");
  };
  positive(s.layers, "layers");
  positive(s.hidden, "hidden");
  positive(s.heads, "heads");
  positive(s.kv_heads, "kv_heads");
  positive(s.ffn, "ffn");
  positive(s.vocab, "vocab");
  if (s.hidden % s.heads != 0) {
    throw PlanError(Field{"heads"}, std::to_string(s.heads) + " heads do not divide the hidden size " +
                                        std::to_string(s.hidden) + " (expected a divisor, e.g. " +
                                        std::to_string(std::max(1, s.hidden / kWideHeadDim)) + " heads of " +
                                        std::to_string(kWideHeadDim) + ")");
  }
  if (s.heads % s.kv_heads != 0) {
    throw PlanError(Field{"kv_heads"}, std::to_string(s.kv_heads) + " K/V groups do not divide the " +
                                           std::to_string(s.heads) +
                                           " attention heads (expected a divisor of the heads)");
  }
}

namespace {

std::string shape_source(const ShapeRequest& r) {
  std::string source = r.layers && r.hidden && r.heads && r.ffn
                           ? "the layers, hidden size, heads and FFN given"
                           : "scaleplan shape rule (planner/systems/shape.h), fitted to Chinchilla Table A9, "
                             "Pythia, Llama and OLMo";
  if (r.heads && !r.kv_heads) source += "; no --kv-heads: multi-head attention assumed (a K/V head per head)";
  return source;
}

}  // namespace

DerivedShape derive_shape(const ShapeRequest& r) {
  if (auto p = r.problems(); !p.empty()) throw_problem<PlanError>(p.front());
  DerivedShape out;
  hardware_db::ModelShape& s = out.shape;
  s.id = "derived";
  s.source = shape_source(r);
  s.vocab = r.vocab.value_or(kDefaultVocab);
  s.tied_embeddings = r.tied_embeddings;
  s.context = r.seq_len;
  s.gated_mlp = r.gated_mlp;
  s.hidden = derive_hidden(r, s.vocab);
  s.heads = derive_heads(r, s.hidden);
  s.kv_heads = derive_kv_heads(r, s.heads);
  // The MLP width at the same parameters per layer: 3 x 8d/3 = 2 x 4d.
  const double ffn_ratio = 8.0 / mlp_matrices(s.gated_mlp);
  s.ffn = r.ffn.value_or(std::max(1, static_cast<int>(std::lround(ffn_ratio * s.hidden))));
  s.layers = 1;
  check_shape(s);

  const double body = r.params - embedding_params(s) - s.hidden;
  if (body <= 0) {
    throw PlanError(Field{"params"}, number_text(r.params) + " is too small for a " +
                                         std::to_string(s.vocab) + "-token vocabulary at hidden size " +
                                         std::to_string(s.hidden) + ": the embeddings alone hold " +
                                         number_text(embedding_params(s)) +
                                         " (give a larger N, --vocab or --hidden)");
  }
  const double per_layer = per_layer_params(s.hidden, kv_width(s), s.ffn, s.gated_mlp, 1);
  s.layers = r.layers.value_or(round_to(body / per_layer, layer_step(body / per_layer)));
  if (!r.ffn && fill_ffn(s, r.params) == 0) {
    throw PlanError(Field{"layers"}, std::to_string(s.layers) + " layers of hidden size " +
                                         std::to_string(s.hidden) + " hold more than " +
                                         number_text(r.params) +
                                         " parameters before any MLP (give fewer --layers, "
                                         "a smaller --hidden or a larger N)");
  }
  s.params = parameter_count(s);
  s.name = "derived " + std::to_string(s.layers) + " x " + std::to_string(s.hidden) + " shape";
  if (std::abs(s.params - r.params) > 0.02 * r.params) {
    out.notes.push_back("the given parts hold " + number_text(s.params) + " parameters, " +
                        number_text(100 * (s.params / r.params - 1)) + "% from the " + number_text(r.params) +
                        " asked for");
  }
  const double ratio = static_cast<double>(s.ffn) / s.hidden;
  if (ratio < kUsualFfnRatioLow || ratio > kUsualFfnRatioHigh) {
    out.notes.push_back("MLP width " + std::to_string(s.ffn) + " is " + number_text(ratio) +
                        " x the hidden size; published models use 2.7-4 x");
  }
  return out;
}

namespace {

// The catalogue model with each given part in place of its own, counted
// again when one is given.
hardware_db::ModelShape catalogue_shape(const hardware_db::Database& db, const ShapeQuery& q) {
  hardware_db::ModelShape s = db.model(*q.model);
  const bool overridden = q.layers || q.hidden || q.heads || q.kv_heads || q.ffn || q.vocab || q.gated_mlp;
  if (q.layers) s.layers = *q.layers;
  if (q.hidden) s.hidden = *q.hidden;
  if (q.heads) s.heads = *q.heads;
  if (q.kv_heads) s.kv_heads = *q.kv_heads;
  if (q.ffn) s.ffn = *q.ffn;
  if (q.vocab) s.vocab = *q.vocab;
  if (q.gated_mlp) s.gated_mlp = *q.gated_mlp;
  check_shape(s);
  if (overridden) {
    s.params = parameter_count(s);
    s.id += "+overrides";
  }
  return s;
}

}  // namespace

ResolvedShape resolve_shape(const hardware_db::Database& db, const ShapeQuery& q) {
  if (q.model) return {catalogue_shape(db, q), false, {}};
  ShapeRequest request;
  request.layers = q.layers, request.hidden = q.hidden, request.heads = q.heads;
  request.kv_heads = q.kv_heads, request.ffn = q.ffn, request.vocab = q.vocab;
  request.seq_len = q.seq_len;
  request.tied_embeddings = q.tied_embeddings;
  request.gated_mlp = q.gated_mlp.value_or(true);
  if (q.params) {
    request.params = *q.params;
  } else if (q.layers && q.hidden) {
    const double d = *q.hidden;
    request.params = 12.0 * *q.layers * d * d + 2.0 * q.vocab.value_or(kDefaultVocab) * d;
  } else {
    throw PlanError(Field{"params"},
                    "the model size is required (or a catalogue model, or its layers and hidden size)");
  }
  DerivedShape derived = derive_shape(request);
  return {std::move(derived.shape), true, std::move(derived.notes)};
}

}  // namespace scaleplan::planner
