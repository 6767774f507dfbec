#include "planner/default_layout.h"

#include <algorithm>
#include <cmath>
#include <vector>

#include "planner/finetune.h"
#include "planner/forecast.h"

namespace scaleplan::planner {

namespace {

// Megatron-LM distributed optimizer: bf16 weights and fp32 gradients stay
// on every replica, fp32 master weights and both Adam moments are sharded.
constexpr double kReplicatedBytesPerParam = 6;
constexpr double kShardedBytesPerParam = 12;
// Korthikanti et al. 2022, Table 2: bytes per s b h per layer.
constexpr double kSelectiveRecomputeBytes = 34;
constexpr double kFullRecomputeBytes = 2;
constexpr int kMaxMicroBatch = 16;

struct Split {
  int tp = 1, pp = 1;
};

// Candidate (TP, PP) pairs, least model parallelism first, TP before PP.
std::vector<Split> splits(const LayoutRequest& r) {
  std::vector<Split> out;
  for (int tp = 1; tp <= std::min(8, r.gpus_per_node); tp *= 2) {
    if (r.shape.heads % tp != 0 || r.shape.kv_heads % tp != 0 || r.gpus % tp != 0) continue;
    for (int pp = 1; pp <= r.shape.layers; ++pp) {
      if (r.shape.layers % pp != 0 || r.gpus % (tp * pp) != 0) continue;
      out.push_back({tp, pp});
    }
  }
  std::stable_sort(out.begin(), out.end(), [](const Split& a, const Split& b) {
    return a.tp * a.pp != b.tp * b.pp ? a.tp * a.pp < b.tp * b.pp : a.pp < b.pp;
  });
  return out;
}

std::string gb_text(double gb) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.0f GB", gb);
  return buf;
}

}  // namespace

double layout_memory_gb(const hardware_db::ModelShape& m, int seq_len, int tp, int pp, int dp, int micro_batch,
                        bool full_recompute) {
  const double n = m.params / (static_cast<double>(tp) * pp);
  const double state = n * (kReplicatedBytesPerParam + kShardedBytesPerParam / dp);
  const double sbh = static_cast<double>(seq_len) * micro_batch * m.hidden;
  const double activations = full_recompute
                                 ? (m.layers * kFullRecomputeBytes + kSelectiveRecomputeBytes) * sbh / tp
                                 : m.layers * kSelectiveRecomputeBytes * sbh / tp;
  const double logits = 4.0 * seq_len * micro_batch * m.vocab / tp;
  return (state + activations + logits) / 1e9 + kRuntimeOverheadGb;
}

int fewest_gpus_for_layout(const hardware_db::ModelShape& shape, int seq_len, double memory_gb, int gpus_per_node) {
  constexpr int kMaxGpus = 1 << 20;
  LayoutRequest r;
  r.shape = shape;
  r.seq_len = seq_len;
  r.memory_gb = memory_gb;
  r.gpus_per_node = gpus_per_node;
  for (int g = 1; g <= kMaxGpus; g = g < gpus_per_node ? g * 2 : g + gpus_per_node) {
    r.gpus = g;
    for (const Split& s : splits(r)) {
      if (layout_memory_gb(shape, seq_len, s.tp, s.pp, g / (s.tp * s.pp), 1, true) <= memory_gb) return g;
    }
  }
  throw PlanError("--gpus: no count up to " + std::to_string(kMaxGpus) + " GPUs of " + gb_text(memory_gb) +
                  " holds the model");
}

ParallelLayout default_layout(const LayoutRequest& r) {
  if (r.gpus <= 0) throw PlanError("--gpus: " + std::to_string(r.gpus) + " must be a positive count");
  const std::vector<Split> candidates = splits(r);
  ParallelLayout out;
  bool found = false;
  for (bool full : {false, true}) {
    for (const Split& s : candidates) {
      const int dp = r.gpus / (s.tp * s.pp);
      if (layout_memory_gb(r.shape, r.seq_len, s.tp, s.pp, dp, 1, full) > r.memory_gb) continue;
      out.tensor_parallel = s.tp;
      out.pipeline_parallel = s.pp;
      out.data_parallel = dp;
      out.full_recompute = full;
      found = true;
      break;
    }
    if (found) break;
  }
  if (!found) {
    const double need = layout_memory_gb(r.shape, r.seq_len, candidates.empty() ? 1 : candidates.back().tp,
                                         candidates.empty() ? 1 : candidates.back().pp, 1, 1, true);
    throw PlanError("--gpus: " + std::to_string(r.gpus) + " GPUs of " + gb_text(r.memory_gb) + " cannot hold a " +
                    std::to_string(r.shape.layers) + " x " + std::to_string(r.shape.hidden) +
                    " model even with full recompute and the widest TP x PP split that divides them (" +
                    gb_text(need) + " per GPU); use more GPUs");
  }
  const int dp = out.data_parallel;
  if (r.batch_sequences < dp) {
    throw PlanError("global batch: " + std::to_string(r.batch_sequences) + " sequences is fewer than one per data-" +
                    "parallel replica (" + std::to_string(dp) + " replicas on " + std::to_string(r.gpus) +
                    " GPUs); use fewer --gpus or a larger --global-batch-tokens");
  }
  out.sequence_parallel = out.tensor_parallel > 1;
  // The micro-batch whose whole steps come nearest the batch; the larger
  // one on a tie (fewer, bigger GEMMs).
  long long best_gap = -1;
  for (int mb = kMaxMicroBatch; mb >= 1; mb /= 2) {
    const bool fits = layout_memory_gb(r.shape, r.seq_len, out.tensor_parallel, out.pipeline_parallel, dp, mb,
                                       out.full_recompute) <= r.memory_gb;
    if (mb > 1 && (!fits || static_cast<long long>(mb) * dp > r.batch_sequences)) continue;
    const long long per_step = static_cast<long long>(mb) * dp;
    const long long accumulation =
        std::max(1LL, std::llround(static_cast<double>(r.batch_sequences) / static_cast<double>(per_step)));
    const long long gap = std::llabs(per_step * accumulation - r.batch_sequences);
    if (best_gap < 0 || gap < best_gap) {
      best_gap = gap;
      out.micro_batch = mb;
      out.grad_accumulation = accumulation;
    }
  }
  out.global_batch_sequences = static_cast<long long>(out.micro_batch) * dp * out.grad_accumulation;
  out.memory_gb_per_gpu = layout_memory_gb(r.shape, r.seq_len, out.tensor_parallel, out.pipeline_parallel, dp,
                                           out.micro_batch, out.full_recompute);
  out.rule =
      "least model parallelism that fits (TP within a node, then PP, rest DP; Narayanan et al. 2021 §3.3), "
      "ZeRO-1 distributed optimizer, " +
      std::string(out.full_recompute ? "full" : "selective") +
      " recompute; a stand-in until the throughput model's layout search";
  return out;
}

}  // namespace scaleplan::planner
