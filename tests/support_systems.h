#pragma once
// Model shapes for the tests of the systems model and every library above it.

#include "support_db.h"
#include "systems/shape.h"

namespace scaleplan::testing {

// A GPT-style shape (4h FFN unless given, kv heads = heads unless given)
// with its parameter count from planner::parameter_count.
inline hardware_db::ModelShape gpt_shape(int layers, int hidden, int heads, int vocab = 51200, int ffn = 0,
                                         int kv_heads = 0, bool gated_mlp = false) {
  hardware_db::ModelShape s;
  s.id = "gpt";
  s.layers = layers;
  s.hidden = hidden;
  s.heads = heads;
  s.kv_heads = kv_heads ? kv_heads : heads;
  s.ffn = ffn ? ffn : 4 * hidden;
  s.vocab = vocab;
  s.gated_mlp = gated_mlp;
  s.params = planner::parameter_count(s);
  return s;
}

}  // namespace scaleplan::testing
