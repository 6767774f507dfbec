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
#include "systems/layout.h"

namespace scaleplan::planner {

// The layout a recipe writes, with what the search found for it.
struct DefaultLayout {
  Layout parallel;                   // num_micro_batches: the whole number nearest the batch
  LayoutMemory memory;               // per GPU on the busiest stage, as the search evaluated it
  StepTime time;                     // its modelled steady-state step
  double memory_capacity_bytes = 0;  // HBM (System::memory_bytes)
  std::string rule;                  // how it was chosen
};

struct LayoutRequest {
  hardware_db::ModelShape shape;
  int seq_len = kDefaultSeqLen;
  int gpus = 1;
  long long batch_sequences = 1;  // the global batch to approach
};

// Throws PlanError when no layout fits or the batch is smaller than one
// sequence per data-parallel replica.
DefaultLayout default_layout(const hardware_db::Accelerator& acc, const LayoutRequest& request);

// The fewest GPUs, `at_least` or more, on which some Megatron layout holds
// `shape` with one sequence per micro-batch and full recompute: `at_least`,
// then the counts of systems/gpu_count.h above it. A count below the
// fewest that holds the model may still be too few (7 GPUs hold no equal
// pipeline stages of 48 layers), so a caller with a count of its own starts
// from it rather than raising it to the overall fewest.
int fewest_gpus_for_layout(const hardware_db::Accelerator& acc, const hardware_db::ModelShape& shape,
                           int seq_len, int at_least = 1);

}  // namespace scaleplan::planner
