#pragma once
// Training runs read from a CSV: final loss and two of model size N,
// training tokens D and training FLOPs C; the third follows from C = k N D
// (k = 6, Kaplan et al. 2020, Sec. 2.1, unless the caller says otherwise).

#include <optional>
#include <string>
#include <vector>

#include "laws/csv.h"

namespace scaleplan::laws {

struct Run {
  double params = 0;
  double tokens = 0;
  double loss = 0;
  double flops = 0;  // the file's FLOPs column where it has one, else k N D
  int line = 0;      // line in the input file
};

// Explicit column names (from --columns); empty fields use the aliases.
struct ColumnMap {
  std::string params, tokens, flops, loss;
  double flops_per_token = 6.0;  // k in C = k N D, FLOPs per parameter per token
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
  bool params_from_flops = false;
};

// Finds the columns (aliases: params/N/model_size/"Model Size"/n_params;
// tokens/D/training_tokens; flops/C/"Training FLOP"/compute_budget; loss/
// validation_loss), reads every row, applies the filter. Needs two of
// params, tokens and FLOPs. Throws LawError for a missing column (listing those found), a
// non-numeric cell (file:line:column) or a non-positive value.
RunsData load_runs(const CsvTable& table, const ColumnMap& columns = {}, const RunsFilter& filter = {});

}  // namespace scaleplan::laws
