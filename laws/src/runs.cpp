#include "laws/runs.h"

#include <cmath>

#include "laws/law.h"

namespace scaleplan::laws {

namespace {

int locate(const CsvTable& t, const std::string& explicit_name, const std::vector<std::string>& aliases) {
  if (!explicit_name.empty()) {
    const int i = t.find_column({explicit_name});
    if (i < 0) {
      std::string found;
      for (const auto& h : t.header) found += (found.empty() ? "'" : ", '") + h + "'";
      throw LawError(t.origin + ": no column '" + explicit_name + "' (columns found: " + found + ")");
    }
    return i;
  }
  return t.find_column(aliases);
}

std::string columns_found(const CsvTable& t) {
  std::string found;
  for (const auto& h : t.header) found += (found.empty() ? "'" : ", '") + h + "'";
  return found;
}

// The input's columns: loss and two of params, tokens and FLOPs.
struct Columns {
  int n = -1, d = -1, c = -1, l = -1;
};

Columns locate_columns(const CsvTable& t, const ColumnMap& columns) {
  Columns c;
  c.n = locate(t, columns.params, {"params", "N", "model_size", "Model Size", "parameters", "n_params"});
  c.d = locate(t, columns.tokens, {"tokens", "D", "training_tokens", "n_tokens"});
  c.c = locate(t, columns.flops,
               {"flops", "C", "Training FLOP", "training_flops", "compute", "compute_budget"});
  c.l = locate(t, columns.loss, {"loss", "final_loss", "eval_loss", "validation_loss"});
  if (c.l < 0) {
    throw LawError(t.origin + ": no loss column (columns found: " + columns_found(t) +
                   "); name it or map it with --columns");
  }
  if ((c.n < 0) + (c.d < 0) + (c.c < 0) > 1) {
    throw LawError(t.origin +
                   ": needs two of a model-size (params, N, model_size), tokens (tokens, D, "
                   "training_tokens) and FLOPs (flops, C, compute_budget) column, found " +
                   std::to_string(3 - (c.n < 0) - (c.d < 0) - (c.c < 0)) +
                   " (columns found: " + columns_found(t) + "); name them or map them with --columns");
  }
  return c;
}

// Row r as a run: the missing one of N, D and C from C = k N D.
Run read_run(const CsvTable& t, size_t r, const Columns& c, double k) {
  Run run;
  run.line = t.line_numbers[r];
  auto positive = [&](int col) {
    const double v = t.number(r, col);
    if (!(v > 0)) {
      throw LawError(t.origin + ":" + std::to_string(run.line) + ":" + std::to_string(col + 1) + ": " +
                     t.rows[r][col] + " in column '" + t.header[col] + "' must be positive");
    }
    return v;
  };
  run.loss = positive(c.l);
  if (c.n < 0) {
    run.tokens = positive(c.d);
    run.flops = positive(c.c);
    run.params = run.flops / (k * run.tokens);
  } else {
    run.params = positive(c.n);
    run.tokens = c.d >= 0 ? positive(c.d) : positive(c.c) / (k * run.params);
    run.flops = c.c >= 0 ? positive(c.c) : k * run.params * run.tokens;
  }
  return run;
}

}  // namespace

RunsData load_runs(const CsvTable& t, const ColumnMap& columns, const RunsFilter& filter) {
  const Columns c = locate_columns(t, columns);
  const double k = columns.flops_per_token;
  if (!(k > 0) || !std::isfinite(k)) {
    throw LawError(Field{"flops_per_token"}, std::to_string(k) + " is not a positive number");
  }
  RunsData out;
  out.loss_column = t.header[c.l];
  out.params_from_flops = c.n < 0;
  out.tokens_from_flops = c.n >= 0 && c.d < 0;
  out.params_column = t.header[c.n >= 0 ? c.n : c.c];
  out.tokens_column = t.header[c.d >= 0 ? c.d : c.c];
  for (size_t r = 0; r < t.rows.size(); ++r) {
    const Run run = read_run(t, r, c, k);
    ++out.points_read;
    if (filter.max_loss && run.loss > *filter.max_loss) {
      out.dropped.push_back({run.line, "loss above --max-loss"});
    } else if (filter.min_params && run.params < *filter.min_params) {
      out.dropped.push_back({run.line, "params below --min-params"});
    } else {
      out.runs.push_back(run);
    }
  }
  return out;
}

}  // namespace scaleplan::laws
