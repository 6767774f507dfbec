#include "systems/default_layout.h"
#include "systems/number_text.h"

#include <algorithm>
#include <cmath>
#include <cstdio>

#include "systems/errors.h"
#include "systems/layout_search.h"

namespace scaleplan::planner {

namespace {

// Megatron-LM's distributed optimizer shards the optimizer state only.
constexpr int kMegatronZeroStage = 1;
// Enough of the ranking to find one with equal pipeline stages.
constexpr size_t kCandidates = 64;
constexpr int kMaxSearchedGpus = 1 << 20;

// Megatron-LM splits layers evenly over pipeline stages.
bool megatron_runs(const hardware_db::ModelShape& shape, const Layout& l) { return shape.layers % l.pp == 0; }

ParallelLayout to_parallel_layout(const System& sys, const LayoutResult& r, long long batch_sequences) {
  const Layout& l = r.layout;
  ParallelLayout out;
  out.tensor_parallel = l.tp;
  out.pipeline_parallel = l.pp;
  out.data_parallel = l.dp;
  out.micro_batch = l.micro_batch;
  const double per_step = static_cast<double>(l.micro_batch) * l.dp;
  out.grad_accumulation = std::max(1LL, std::llround(static_cast<double>(batch_sequences) / per_step));
  out.global_batch_sequences = static_cast<long long>(per_step) * out.grad_accumulation;
  out.virtual_stages = l.virtual_stages;
  out.sequence_parallel = l.tp > 1;
  out.recompute = l.recompute;
  out.memory_gb_per_gpu = r.memory.total_bytes() / 1e9;
  out.memory_capacity_gb = sys.memory_bytes / 1e9;
  out.step_s = r.time.step_s;
  out.steady_mfu = r.time.mfu;
  out.rule = "fastest of the layouts the throughput model evaluated (step time " +
             number_text(r.time.step_s, "%.3g") + " s, steady-state MFU " +
             number_text(100 * r.time.mfu, "%.1f") +
             "%), kept to Megatron-LM: distributed optimizer (ZeRO-1), equal pipeline stages";
  return out;
}

}  // namespace

ParallelLayout default_layout(const hardware_db::Accelerator& acc, const LayoutRequest& r) {
  if (r.gpus <= 0) throw PlanError(Field{"gpus"}, std::to_string(r.gpus) + " must be a positive count");
  const System sys = system_for(acc);
  Workload w;
  w.shape = r.shape;
  w.seq_len = r.seq_len;
  w.global_batch_seqs = static_cast<double>(r.batch_sequences);
  w.stack = default_stack(sys);
  SearchOptions o;
  o.gpus = r.gpus;
  o.zero_stage = kMegatronZeroStage;
  o.top = kCandidates;
  const SearchResult found = search_layouts(sys, w, o);
  for (const LayoutResult& candidate : found.best) {
    if (megatron_runs(r.shape, candidate.layout))
      return to_parallel_layout(sys, candidate, r.batch_sequences);
  }
  // Nothing runs: say whether the batch or the memory is what is short.
  Workload roomy = w;
  roomy.global_batch_seqs = std::max<double>(w.global_batch_seqs, r.gpus);
  if (w.global_batch_seqs < r.gpus && !search_layouts(sys, roomy, o).best.empty()) {
    throw PlanError("global batch: " + std::to_string(r.batch_sequences) +
                    " sequences is fewer than one per data-parallel replica on every layout of " +
                    std::to_string(r.gpus) + " GPUs; use fewer --gpus or a larger --global-batch-tokens");
  }
  throw PlanError(Field{"gpus"}, std::to_string(r.gpus) + " x " + acc.id + " cannot hold the model: " +
                                     (found.why_none.empty() ? "no layout with equal pipeline stages fits"
                                                             : found.why_none) +
                                     "; use more GPUs");
}

int fewest_gpus_for_layout(const hardware_db::Accelerator& acc, const hardware_db::ModelShape& shape,
                           int seq_len) {
  const System sys = system_for(acc);
  Workload w;
  w.shape = shape;
  w.seq_len = seq_len;
  w.stack = default_stack(sys);
  for (int g = 1; g <= kMaxSearchedGpus; g = g < sys.node_size ? g * 2 : g + sys.node_size) {
    w.global_batch_seqs = g;
    for (int tp = 1; tp <= sys.node_size && g % tp == 0; tp *= 2) {
      for (int pp = 1; pp <= shape.layers; ++pp) {
        if (g % (tp * pp) != 0 || shape.layers % pp != 0) continue;
        Layout l;
        l.tp = tp, l.pp = pp, l.dp = g / (tp * pp);
        l.recompute = Recompute::kFull;
        l.zero_stage = kMegatronZeroStage;
        if (layout_valid(sys, w, l) && layout_memory(sys, w, l).total_bytes() <= sys.memory_bytes) return g;
      }
    }
  }
  throw PlanError(Field{"gpus"}, "no count up to " + std::to_string(kMaxSearchedGpus) + " x " + acc.id +
                                     " (" + number_text(sys.memory_bytes / 1e9, "%.0f GB") +
                                     ") holds the model");
}

}  // namespace scaleplan::planner
