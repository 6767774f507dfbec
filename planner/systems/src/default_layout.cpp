#include "systems/default_layout.h"
#include "systems/number_text.h"

#include <algorithm>
#include <cmath>
#include <cstdio>

#include "systems/errors.h"
#include "systems/gpu_count.h"
#include "systems/layout_search.h"

namespace scaleplan::planner {

namespace {

// Enough of the ranking to find one with equal pipeline stages.
constexpr size_t kCandidates = 64;
constexpr int kMaxSearchedGpus = 1 << 20;

// Megatron-LM splits layers evenly over pipeline stages.
bool megatron_runs(const hardware_db::ModelShape& shape, const Layout& l) {
  return shape.layers % l.pipeline_parallel == 0;
}

DefaultLayout to_default_layout(const System& sys, const LayoutResult& r, long long batch_sequences) {
  DefaultLayout out;
  out.parallel = r.layout;
  const double per_step = static_cast<double>(r.layout.micro_batch) * r.layout.data_parallel;
  out.parallel.num_micro_batches =
      static_cast<int>(std::max(1LL, std::llround(static_cast<double>(batch_sequences) / per_step)));
  out.memory = r.memory;
  out.time = r.time;
  out.memory_capacity_bytes = sys.memory_bytes;
  out.rule = "fastest of the layouts the throughput model evaluated (step time " +
             number_text(r.time.step_s, "%.3g") + " s, steady-state MFU " +
             number_text(100 * r.time.mfu, "%.1f") + "%), kept to Megatron-LM: distributed optimizer (ZeRO-" +
             std::to_string(kMegatronZeroStage) + "), equal pipeline stages";
  return out;
}

}  // namespace

DefaultLayout default_layout(const hardware_db::Accelerator& acc, const LayoutRequest& r) {
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
    if (megatron_runs(r.shape, candidate.layout)) return to_default_layout(sys, candidate, r.batch_sequences);
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
                           int seq_len, int at_least) {
  const System sys = system_for(acc);
  Workload w;
  w.shape = shape;
  w.seq_len = seq_len;
  w.stack = default_stack(sys);
  for (int g = std::max(1, at_least); g <= kMaxSearchedGpus; g = next_gpu_count(g)) {
    w.global_batch_seqs = g;
    for (int tp = 1; tp <= sys.node_size && g % tp == 0; tp *= 2) {
      for (int pp = 1; pp <= shape.layers; ++pp) {
        if (g % (tp * pp) != 0 || shape.layers % pp != 0) continue;
        Layout l;
        l.tensor_parallel = tp, l.pipeline_parallel = pp, l.data_parallel = g / (tp * pp);
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
