#pragma once
// The model scored against measured runs: step times, throughput, peak
// memory and billed GPU-hours that published runs measured, each predicted
// by the same code the planner uses (the layout model for a given or
// searched layout, the throughput model and its goodput for billed hours)
// and compared with the measurement. The datasets the project ships are
// embedded in the binary (validation/*.csv); a user's own runs come as a
// CSV of the same columns (validation/README.md lists them).

#include <optional>
#include <string>
#include <vector>

#include "hardware_db/database.h"
#include "systems/layout.h"
#include "systems/layout_search.h"
#include "systems/range.h"
#include "systems/shape.h"

namespace scaleplan::planner {

// What a run measured, in SI units.
enum class Quantity { kStepTime, kThroughput, kTokensPerGpu, kPeakMemory, kGpuHours };
const char* quantity_name(Quantity q);  // "step_time_s", "tflops_per_gpu", ...
const char* quantity_unit(Quantity q);  // "s", "TFLOP/s per GPU", ...

// One row of a validation table.
struct ValidationRun {
  std::string name, source;
  int line = 0;  // in its file, for messages
  ShapeQuery shape;
  std::string hardware;
  int gpus = 0, seq_len = 0;
  std::optional<double> global_batch_seqs, tokens;
  SearchOptions pins;                                 // tp, pp, vpp, micro-batch, ZeRO, recompute where known
  std::optional<int> data_parallel;                   // with tp and pp, must multiply to gpus
  std::optional<Stack> stack;                         // default: the part's (default_stack)
  std::vector<std::pair<Quantity, double>> measured;  // SI: s, FLOP/s, tokens/s, bytes, GPU-hours
};

// Parses a validation CSV. Throws PlanError naming the file, line and
// column: a missing or unknown column, an unknown recompute or stack, a
// non-positive or non-finite number, a row with no measurement, a layout
// whose TP x PP x DP is not its GPU count.
std::vector<ValidationRun> read_validation_runs(const std::string& text, const std::string& origin);

// One prediction beside its measurement.
struct ValidationCase {
  std::string run, source, layout;
  Quantity quantity = Quantity::kStepTime;
  double measured = 0, predicted = 0;
  std::optional<Range> range;  // the interval the planner prints, where it prints one
  double ratio() const { return predicted / measured; }
};

// The cases of one quantity in one dataset, and their errors: |predicted /
// measured - 1| (median and mean: MAPE), the bias as the geometric mean of
// predicted / measured, the share within x1.2 and x1.5, and how many
// measurements the printed range covers.
struct ValidationScore {
  std::string dataset;
  Quantity quantity = Quantity::kStepTime;
  std::vector<ValidationCase> cases;
  double median_abs_error = 0, mean_abs_error = 0, bias = 1;
  int within_1_2 = 0, within_1_5 = 0;
  int with_range = 0, covered = 0;
};

// Predicts every measurement of `runs` and scores them per quantity.
// Throws PlanError naming the run's line when the model cannot answer it
// (an unknown accelerator, a layout that does not fit or is invalid).
std::vector<ValidationScore> validate_runs(const hardware_db::Database& db, const std::string& dataset,
                                           const std::vector<ValidationRun>& runs);

// The datasets shipped in the binary, each with its source.
struct ShippedDataset {
  std::string name, description, text;
};
const std::vector<ShippedDataset>& shipped_datasets();
// Every shipped dataset, scored.
std::vector<ValidationScore> validate_shipped(const hardware_db::Database& db);

}  // namespace scaleplan::planner
