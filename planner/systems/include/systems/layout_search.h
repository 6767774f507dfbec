#pragma once
// Layout search and billed hours.
//
// Enumerates TP (powers of two up to the scale-up domain, dividing the
// heads) x PP (up to the layers) x DP = accelerators, micro-batches of
// 1..64 sequences, 1F1B chunks v in {1, 2, 4} (interleaved only with PP > 1),
// recompute none/selective/full and ZeRO 0-3, keeps the layouts that fit in
// memory and ranks them by step time (on a fixed count of one accelerator
// type the fastest layout is also the least-energy one). The global batch defaults to the
// DeepSeek LLM batch-size law B_opt = 0.2920 C^0.3271 tokens (DeepSeek-AI
// 2024, arXiv:2401.02954, Sec. 3.1, eq. 1), with C = 6 N D (throughput.cpp
// says why not the law's own M D, which the recipe uses).
//
// Billed hours = steady-state hours / goodput. Goodput = g0 / (1 + r G tau):
// r = 1.97e-5 interruptions per accelerator-hour (Llama 3, Dubey et al.
// 2024, Sec. 3.3.4: 419 unexpected interruptions in 54 days on 16,384
// H100s), tau = 10 min lost per interruption (restart plus the work since
// the last checkpoint); the failure term alone costs 5% at 16k
// accelerators, as Llama 3's ">90% effective training time" implies.
// g0 = 0.65 is everything else a published bill holds (checkpointing,
// evaluation, data stalls, slow nodes, restarts from divergence, and the
// framework overheads the step-time model leaves out): fitted to the
// published runs in validation/billed_runs.csv (Pythia, LLaMA 1/2, BLOOM,
// StarCoder, MPT, TinyLlama, GPT-3, Llama 3.1), the value that puts most
// of them within x1.5 (0.60-0.70 give the same median error). The
// interval around it is the 80% split-conformal interval of those runs'
// measured / modelled hours (constants.h: x0.65 to x1.45), carried as the
// goodputs that give it.

#include <optional>
#include <vector>
#include "systems/constants.h"

#include "systems/layout.h"

namespace scaleplan::planner {

// Tokens per optimizer step by the DeepSeek LLM law, 0.2920 C^0.3271, for
// C training FLOPs: the one implementation, for the recipe's batch and the
// throughput model's default. The law defines C = M D, M =
// non_embedding_flops_per_token (transformer_flops.h).
double batch_law_tokens(double compute_flops);

struct Goodput {
  double value = 0;
  // The goodputs at the ends of the billed hours' 80% interval.
  double low = 0, high = 0;
};
Goodput goodput_for(int gpus);

struct SearchOptions {
  int gpus = 0;
  // Constraints: a given value pins the dimension.
  std::optional<int> tensor_parallel, pipeline_parallel, micro_batch, virtual_pipeline, zero_stage;
  std::optional<Recompute> recompute;
  size_t top = 5;
  // evaluated and fitting count every layout of the space; false lets the
  // search skip what cannot rank (a TP x PP x DP whose sharded state
  // overflows memory; blocks, micro-batches and recomputations whose
  // step-time floor is above the best found): the same best layouts for a
  // fraction of the work, and smaller counts.
  bool count_all = true;
  // With count_all false: when nothing fits, whether why_none must name
  // the closest miss (which weighs every layout) or may be left empty.
  bool explain_none = true;
};

struct SearchResult {
  std::vector<LayoutResult> best;  // fitting layouts, best first (at most `top`)
  size_t evaluated = 0;            // layouts weighed: memory, and step time where they could rank
  size_t fitting = 0;
  std::string why_none;  // when nothing fits: the closest miss
};

// Throws PlanError when a pinned dimension is impossible (the message names
// the option and the constraint).
SearchResult search_layouts(const System& system, const Workload& work, const SearchOptions& options);

// The same search over every combination without pruning, for tests.
SearchResult search_layouts_exhaustive(const System& system, const Workload& work,
                                       const SearchOptions& options);

}  // namespace scaleplan::planner
