#pragma once
// A parallel layout for a recipe: tensor (TP), pipeline (PP) and data (DP)
// parallel degrees, micro-batch and gradient accumulation.
//
// This is a stand-in with one rule, kept in one function so the throughput
// model's layout search (step time per layout) can replace it: the least
// model parallelism that fits in memory, because each degree of TP or PP
// costs communication or pipeline bubbles while DP scales almost freely
// (Narayanan et al. 2021, "Efficient Large-Scale Language Model Training on
// GPU Clusters", §3.3: TP within a node, then PP, the rest DP).
//
// Memory per GPU, Megatron-LM with the distributed optimizer (ZeRO-1):
//   model state  N / (TP PP) x (6 + 12 / DP) bytes   bf16 weights (2) and
//                fp32 gradients (4) replicated, fp32 master weights, Adam
//                moments (12) sharded (Megatron-LM docs, "Distributed
//                Optimizer"; Rajbhandari et al. 2020)
//   activations  L s b h x 34 / TP with sequence parallelism and selective
//                recompute, or L s b h x 2 / TP + one layer's 34 s b h / TP
//                with full recompute (Korthikanti et al. 2022, Table 2 and
//                §4.2.3: the first 1F1B stage holds L layers' worth)
//                + fp32 logits 4 s b V / TP, and 1.5 GB of runtime.
// Order: TP in 1, 2, 4, 8 (within a node, dividing the heads and K/V
// groups), then PP dividing the layers; selective recompute before full.
// The micro-batch is the power of two up to 16 that fits, keeps one
// micro-batch per replica within the batch, and whose whole accumulation
// steps come nearest the batch (the larger on a tie).

#include <string>

#include "hardware_db/database.h"

namespace scaleplan::planner {

struct ParallelLayout {
  int tensor_parallel = 1, pipeline_parallel = 1, data_parallel = 1;
  int micro_batch = 1;  // sequences per GPU per forward/backward
  long long grad_accumulation = 1;
  long long global_batch_sequences = 0;  // micro_batch x DP x accumulation
  bool sequence_parallel = false;        // with TP > 1
  bool full_recompute = false;           // else selective
  double memory_gb_per_gpu = 0;
  std::string rule;  // how it was chosen
};

struct LayoutRequest {
  hardware_db::ModelShape shape;
  int seq_len = 4096;
  int gpus = 1;
  double memory_gb = 80;
  int gpus_per_node = 8;
  long long batch_sequences = 1;  // the global batch to approach
};

// Throws PlanError when no layout fits or the batch is smaller than one
// sequence per data-parallel replica.
ParallelLayout default_layout(const LayoutRequest& request);

// The fewest GPUs (1, 2, 4, then whole nodes) on which some layout of the
// rule holds `shape` with one sequence per micro-batch.
int fewest_gpus_for_layout(const hardware_db::ModelShape& shape, int seq_len, double memory_gb,
                           int gpus_per_node = 8);

double layout_memory_gb(const hardware_db::ModelShape& shape, int seq_len, int tp, int pp, int dp, int micro_batch,
                        bool full_recompute);

}  // namespace scaleplan::planner
