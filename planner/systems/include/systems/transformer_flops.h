#pragma once
// FLOPs per token of a dense decoder-only transformer.
//
// Model FLOPs per token (forward + backward = 3 x forward; Narayanan et al.
// 2021, eq. 3 without recompute; Chinchilla, Hoffmann et al. 2022, App. F):
//   F_model = 6 (L P_layer + V h) + 12 L s h
// with P_layer the weights of one block (attention projections, MLP), V h
// the output projection and 12 L s h the attention scores and their
// reduction over the s positions of a sequence (counted in full, as both
// papers do). MFU is always F_model x tokens/s over peak.
// Hardware FLOPs add what recomputation repeats (Korthikanti et al. 2022,
// Sec. 5): selective recompute the attention core, 4 L s h per token;
// full recompute one whole forward pass of the blocks, 2 L P_layer + 4 L s h.
// HFU = F_hardware x tokens/s over peak.

#include <string>
#include <vector>

#include "hardware_db/database.h"
#include "systems/constants.h"

namespace scaleplan::planner {

enum class Recompute { kNone, kSelective, kFull };

// What a run trains. Pre-training and full fine-tuning train every weight;
// LoRA trains rank-r adapters beside every linear matrix of the blocks
// (q, k, v, o and the MLP; Hu et al. 2021) on a frozen bf16 base, and
// QLoRA the same adapters on a base stored in NF4 and dequantised for every
// matrix product (Dettmers et al. 2023). A frozen matrix needs the gradient
// of its input (one product) but no weight gradient (the second), no
// optimizer state and no gradient reduction.
enum class BaseWeights { kTrained, kFrozen, kFrozenNf4 };
// The block matrices that carry adapters: every linear one (the QLoRA
// paper's choice, which it finds needed to match full fine-tuning), the
// attention projections q, k, v, o, or q and v alone (Hu et al. 2021, and
// PEFT's default for Llama).
enum class LoraTargets { kAllLinear, kAttention, kQueryValue };
const char* lora_targets_name(LoraTargets t);
LoraTargets lora_targets_from_name(const std::string& name);  // throws PlanError
struct Training {
  BaseWeights base = BaseWeights::kTrained;
  int lora_rank = 0;  // with a frozen base
  LoraTargets targets = LoraTargets::kAllLinear;
  // Optimizer state per trained parameter beyond its bf16 weight and
  // gradient, fp32 master copy included (AdamW 12).
  double optimizer_bytes_per_param = kAdamWStateBytesPerParam;
  bool frozen() const { return base != BaseWeights::kTrained; }
};
const char* recompute_name(Recompute r);
Recompute recompute_from_name(const std::string& name);  // throws PlanError

// Weights of one transformer block: q and o (h x h), k and v (h x kv),
// and the MLP (two or, gated, three h x f matrices).
double block_params(const hardware_db::ModelShape& shape);

// The (d_in, d_out) of each adapted matrix of one block (one expert's MLP).
struct MatrixDims {
  double in = 0, out = 0;
};
std::vector<MatrixDims> adapted_matrices(const hardware_db::ModelShape& shape, LoraTargets targets);
// LoRA adapter weights of one block: r (d_in + d_out) for each adapted
// matrix (every expert's, for a mixture).
double adapter_params_per_layer(const hardware_db::ModelShape& shape, int rank,
                                LoraTargets targets = LoraTargets::kAllLinear);
double model_flops_per_token(const hardware_db::ModelShape& shape, int seq_len);
// The FLOPs per token of training as `training` says: model_flops_per_token
// for a trained base; with a frozen one, the weights' products twice
// (forward and input gradient, not the weight gradient), the attention core
// three times as ever, and 6 per adapter weight.
double model_flops_per_token(const hardware_db::ModelShape& shape, int seq_len, const Training& training);

// M, DeepSeek LLM's non-embedding FLOPs per token, attention included
// (Bi et al. 2024, arXiv:2401.02954, §3.2 eq. 2): 72 n_layer d^2 +
// 12 n_layer d l_seq. The compute C = M D of its batch and learning-rate
// laws (layout_search.h, recipes/hyperparams.h).
double non_embedding_flops_per_token(const hardware_db::ModelShape& shape, int seq_len);
double hardware_flops_per_token(const hardware_db::ModelShape& shape, int seq_len, Recompute recompute);
double hardware_flops_per_token(const hardware_db::ModelShape& shape, int seq_len, Recompute recompute,
                                const Training& training);

}  // namespace scaleplan::planner
