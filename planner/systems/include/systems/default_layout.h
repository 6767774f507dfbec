#pragma once
// A parallel layout for a recipe: tensor (TP), pipeline (PP) and data (DP)
// parallel degrees, micro-batch and gradient accumulation.
//
// The layout is the fastest one the throughput model finds
// (planner/layout_search.h: step time per layout from GEMM efficiency,
// collectives, the pipeline bubble and memory per Korthikanti et al. 2022),
// kept to what Megatron-LM runs as written: the distributed optimizer
// (ZeRO-1), pipeline stages of equal layers, interleaving only when the
// stage's layers divide into the chunks. The micro-batch is the one the
// search chose; the accumulation is the whole number of micro-batch x DP
// steps nearest the batch.

#include <string>

#include "hardware_db/database.h"
#include "systems/transformer_flops.h"

namespace scaleplan::planner {

struct ParallelLayout {
  int tensor_parallel = 1, pipeline_parallel = 1, data_parallel = 1;
  int micro_batch = 1;  // sequences per GPU per forward/backward
  long long grad_accumulation = 1;
  long long global_batch_sequences = 0;  // micro_batch x DP x accumulation
  int virtual_stages = 1;                // interleaved 1F1B chunks per GPU
  bool sequence_parallel = false;        // with TP > 1
  Recompute recompute = Recompute::kSelective;
  double memory_gb_per_gpu = 0;
  double memory_capacity_gb = 0;  // HBM: a datasheet "80 GB" is 80 GiB
  double step_s = 0;              // modelled steady-state step time
  double steady_mfu = 0;          // model FLOPs over peak in that step
  std::string rule;               // how it was chosen
};

struct LayoutRequest {
  hardware_db::ModelShape shape;
  int seq_len = 4096;
  int gpus = 1;
  long long batch_sequences = 1;  // the global batch to approach
};

// Throws PlanError when no layout fits or the batch is smaller than one
// sequence per data-parallel replica.
ParallelLayout default_layout(const hardware_db::Accelerator& acc, const LayoutRequest& request);

// The fewest GPUs (1, 2, 4, then whole nodes) on which some Megatron layout
// holds `shape` with one sequence per micro-batch and full recompute.
int fewest_gpus_for_layout(const hardware_db::Accelerator& acc, const hardware_db::ModelShape& shape,
                           int seq_len);

}  // namespace scaleplan::planner
