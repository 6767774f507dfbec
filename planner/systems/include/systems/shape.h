#pragma once
// The transformer shape for a parameter count: the rule scaleplan uses when
// a user gives N but no architecture (recipe, plan --emit, finetune).
//
// Architecture: the Llama decoder (pre-norm RMSNorm, rotary positions, no
// biases, gated SiLU MLP, grouped-query attention), untied input and
// output embeddings unless asked. Its parameters, with d the hidden size,
// L layers, f the MLP width, V the vocabulary, h_kv x d_head the K/V width:
//
//   N = V d (embedding) + V d (output head, 0 when tied)
//     + L [ 2 d^2 + 2 d h_kv d_head      (q, o; k, v)
//         + 3 d f                        (gate, up, down)
//         + 2 d ]                        (two RMSNorm gains)
//     + d                                (final norm)
//
// The rule, fitted to 73 published decoders (Chinchilla Table A9, Pythia
// Table 1, Llama 1/2/3/3.2, OLMo 1/2; tests/data/published_shapes.csv):
//
//   d = 0.841 x N_ne^0.3707,  N_ne = N - embedding parameters
//
// (least squares in log space; residual 8% rms, 28% at worst: Pythia-1B's
// 8 heads of 256). Heads are of 128 from d = 2048 up (Llama, OLMo), of 64
// below (Chinchilla, Pythia, Llama 3.2 1B), and d is rounded to whole
// groups of 4 heads (8 from d = 4096) so tensor parallelism can split
// them; 8 K/V groups once there are 16 or more heads divisible by 8
// (Llama 3), else full multi-head attention. L is the number of layers of
// width f = 8d/3 (Llama 1/2, OLMo) nearest N_ne, in groups of 4 from 16
// layers and of 8 from 64 so pipeline stages divide it; f is then tuned,
// in steps of 256 or the coarsest power of two that keeps the count within
// 0.5% of N, so the shape holds N. Every part can be given instead (--layers,
// --hidden, --heads, --kv-heads, --ffn, --vocab); what is given is kept
// and the rest is derived around it.

#include <optional>
#include <string>
#include <vector>
#include "systems/constants.h"

#include "hardware_db/database.h"
#include "scaleplan/error.h"

namespace scaleplan::planner {

struct ShapeRequest {
  double params = 0;  // N: every parameter, embeddings and output head included
  std::optional<int> layers, hidden, heads, kv_heads, ffn, vocab;
  int seq_len = kDefaultSeqLen;  // becomes the shape's context
  bool tied_embeddings = false;  // one matrix for the embedding and the head
  // SwiGLU (gate, up, down; FFN 8d/3 by default) or a plain GELU MLP (up,
  // down; FFN 4d, GPT-2/3): the count and the FFN width filled follow it.
  bool gated_mlp = true;

  // The problems of the input, each with its field; empty when valid.
  std::vector<Problem> problems() const;
};

struct DerivedShape {
  hardware_db::ModelShape shape;   // params = the shape's own count
  std::vector<std::string> notes;  // e.g. overrides that move N away
};

// The shape for `request`; throws PlanError naming the option when the
// parts given cannot hold N or contradict each other.
DerivedShape derive_shape(const ShapeRequest& request);

// A shape as a caller asks for it: a catalogue model by name, each given
// part in place of its own; or the rule for N with any given parts; or,
// without N, the layers and hidden size given, with the N they imply
// (12 L d^2 in the blocks, Kaplan et al. 2020 Table 1, plus the two
// embeddings).
struct ShapeQuery {
  std::optional<std::string> model;
  std::optional<double> params;
  std::optional<int> layers, hidden, heads, kv_heads, ffn, vocab;
  std::optional<bool> gated_mlp;  // SwiGLU (3 matrices) or a plain GELU MLP (2)
  int seq_len = kDefaultSeqLen;   // the rule's: the derived shape's context
  bool tied_embeddings = false;   // the rule's: one matrix for the embedding and the head
};

struct ResolvedShape {
  hardware_db::ModelShape shape;
  bool derived = false;            // by the rule, not from the catalogue
  std::vector<std::string> notes;  // the rule's (derive_shape)
};

// The one way every library turns a request into a shape. Throws PlanError
// naming the option when the shape is impossible (heads not dividing the
// hidden size, K/V groups not dividing the heads, non-positive sizes), and
// hardware_db's DataError for a model not in the catalogue.
ResolvedShape resolve_shape(const hardware_db::Database& db, const ShapeQuery& query);

// Parameters of a Llama-architecture shape (formula above); for a
// non-gated MLP the two-matrix MLP is counted.
double parameter_count(const hardware_db::ModelShape& shape);
double embedding_params(const hardware_db::ModelShape& shape);

// Throws PlanError when heads do not divide the hidden size, K/V groups do
// not divide the heads, or a size is not positive.
void check_shape(const hardware_db::ModelShape& shape);

}  // namespace scaleplan::planner
