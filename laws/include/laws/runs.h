#pragma once
// Training runs read from a CSV: model size N, training tokens D (or
// training FLOPs C, with D = C/(6N)), and final loss.

#include <optional>
#include <string>
#include <vector>

#include "laws/csv.h"

namespace scaleplan::laws {

struct Run {
  double params = 0;
  double tokens = 0;
  double loss = 0;
  int line = 0;  // line in the input file
};

// Explicit column names (from --columns); empty fields use the aliases.
struct ColumnMap {
  std::string params, tokens, flops, loss;
};

struct RunsFilter {
  std::optional<double> max_loss;    // drop points with a higher loss
  std::optional<double> min_params;  // drop smaller models
};

struct RunsData {
  std::vector<Run> runs;  // the points kept
  int points_read = 0;
  struct Dropped {
    int line;
    std::string reason;
  };
  std::vector<Dropped> dropped;
  std::string params_column, tokens_column, loss_column;
  bool tokens_from_flops = false;
};

// Finds the columns (aliases: params/N/model_size/"Model Size";
// tokens/D; flops/C/"Training FLOP"; loss), reads every row, applies the
// filter. Throws LawError for a missing column (listing those found), a
// non-numeric cell (file:line:column) or a non-positive value.
RunsData load_runs(const CsvTable& table, const ColumnMap& columns = {},
                   const RunsFilter& filter = {});

}  // namespace scaleplan::laws
