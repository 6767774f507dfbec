#pragma once
// A training run's throughput from first principles: the shape, the best
// parallel layout on the accelerators given, its step time and MFU, and
// the billed hours that follow (layout.h for the step-time model,
// layout_search.h for the search and goodput). Forecasts use it for their
// default MFU.

#include <memory>
#include <optional>
#include <string>
#include "systems/constants.h"

#include "hardware_db/database.h"
#include "systems/layout_search.h"
#include "systems/range.h"
#include "systems/shape.h"

namespace scaleplan::planner {

struct ThroughputRequest {
  ShapeQuery shape;
  int seq_len = kDefaultSeqLen;
  std::string hardware;
  int gpus = 0;
  double tokens = 0;  // training tokens
  // How the caller chose `tokens` when the user did not give them (e.g.
  // "compute-optimal (chinchilla)"); empty: given.
  std::string tokens_default;
  std::optional<double> global_batch_tokens;  // default: the DeepSeek LLM batch law
  std::optional<double> network_gbps;         // replaces the scale-out link, Gbit/s per accelerator
  SearchOptions pins;                         // gpus is taken from above
};

struct ThroughputPlan {
  hardware_db::ModelShape shape;
  System system;
  Workload work;
  SearchResult search;
  double tokens = 0;
  bool tokens_given = false;
  double global_batch_tokens = 0;  // as rounded to whole sequences
  std::string batch_source;
  double model_flops_per_token = 0, six_n_flops_per_token = 0;
  Goodput goodput;
  // Of the best layout, for `tokens`; billed = steady / goodput.
  double steady_gpu_hours = 0, billed_gpu_hours = 0;
  Range billed_gpu_hours_range;  // the 80% interval (kBilledHoursLowFactor..HighFactor)
  double billed_mfu = 0;         // model FLOPs over peak x billed hours
};

// The shape the throughput model runs: resolve_shape's, with a catalogue
// mixture of experts refused (PlanError naming --model), since the layout
// model covers dense transformers.
hardware_db::ModelShape dense_shape(const hardware_db::Database& db, const ShapeQuery& query);

// Throws PlanError when the request is impossible (and names the option),
// including when no layout fits in memory.
ThroughputPlan plan_throughput(const hardware_db::Database& db, const ThroughputRequest& request);

// The MFU of billed hours in 6ND accounting that the model gives a
// forecast of N parameters on D tokens: 6 N_shape x steady tokens/s per
// accelerator x goodput / peak, so that 6ND / (peak x MFU) is the billed
// time; low/high the ends of the billed hours' 80% interval. Empty, with the reason in
// `why_not`, when the part has no link data or no layout fits.
struct ModelledMfu {
  double mfu = 0, low = 0, high = 0;
  double steady_mfu = 0;  // model FLOPs (attention included) over peak, steady state
  double goodput = 0;
  std::string layout;  // "TP8 PP4 DP32 mb1 x16 selective ZeRO-1"
};
std::optional<ModelledMfu> modelled_mfu(const hardware_db::Database& db, const std::string& hardware,
                                        double params, double tokens, int gpus, int seq_len,
                                        std::optional<double> network_gbps, std::string* why_not);

// An upper bound of modelled_mfu's mfu for N parameters on `hardware` at
// any count and token budget (its search pins nothing, tries micro-batches
// up to kLargestMicroBatch and runs the part's default stack): the
// one-accelerator rate of the best micro-batch, with no communication,
// bubble or optimizer time, times the goodput of one accelerator. Throws
// PlanError when the database lacks what the model needs (modelled_mfu
// then answers nothing).
double modelled_mfu_ceiling(const hardware_db::Database& db, const std::string& hardware, double params,
                            int seq_len, std::optional<double> network_gbps);

// One plan asks the throughput model the same questions many times: each
// recommendation re-plans the baseline with one change, and every forecast
// sizes a shape for the same parameter count. While a ThroughputMemo lives,
// modelled_mfu answers a question it has answered before (same database,
// accelerator, parameters, tokens, GPUs, sequence length and network) with
// the first answer, and a shape derived for a parameter count once is reused
// (planning/allocation_memo.h keeps a plan's allocations the same way). The memo lives on the stack
// of the thread that opened it and only that thread sees it, so requests
// served in parallel share nothing; an inner memo on the same thread
// leaves the outer one in charge.
class ThroughputMemo {
 public:
  ThroughputMemo();
  ~ThroughputMemo();
  ThroughputMemo(const ThroughputMemo&) = delete;
  ThroughputMemo& operator=(const ThroughputMemo&) = delete;

  struct Store;  // the answers, kept by the thread's outermost memo

 private:
  std::unique_ptr<Store> store_;  // null in an inner memo
};

}  // namespace scaleplan::planner
