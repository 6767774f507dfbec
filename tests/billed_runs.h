#pragma once
// Published training runs with their billed GPU-hours
// (validation/billed_runs.csv, sources per row): the evidence the throughput
// model is checked against, read by its test and by `make bench`. Test and
// bench data, not planner data: nothing the product ships reads it.

#include <string>
#include <vector>

#include "hardware_db/database.h"

namespace scaleplan::testing {

struct BilledRun {
  std::string run, hardware;
  double params = 0, tokens = 0;
  int gpus = 0, seq_len = 0;
  double gpu_hours = 0;  // published, billed
};

// Every row of validation/billed_runs.csv; throws LawError naming the file
// and row for a bad one.
std::vector<BilledRun> read_billed_runs();

// The throughput model's billed GPU-hours for the run: its best layout on
// the published GPU count and sequence length, a shape derived from N, the
// default batch and goodput; scaled to the run's N, since the derived shape
// holds N only to a few percent.
double modelled_gpu_hours(const hardware_db::Database& db, const BilledRun& run);

}  // namespace scaleplan::testing
