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

}  // namespace

RunsData load_runs(const CsvTable& t, const ColumnMap& columns, const RunsFilter& filter) {
  const int n_col =
      locate(t, columns.params, {"params", "N", "model_size", "Model Size", "parameters", "n_params"});
  const int d_col = locate(t, columns.tokens, {"tokens", "D", "training_tokens", "n_tokens"});
  const int c_col = locate(t, columns.flops,
                           {"flops", "C", "Training FLOP", "training_flops", "compute", "compute_budget"});
  const int l_col = locate(t, columns.loss, {"loss", "final_loss", "eval_loss", "validation_loss"});

  auto missing = [&](const std::string& what) {
    throw LawError(t.origin + ": no " + what + " column (columns found: " + columns_found(t) +
                   "); name it or map it with --columns");
  };
  if (l_col < 0) missing("loss");
  if ((n_col < 0) + (d_col < 0) + (c_col < 0) > 1) {
    throw LawError(t.origin +
                   ": needs two of a model-size (params, N, model_size), tokens (tokens, D, "
                   "training_tokens) and FLOPs (flops, C, compute_budget) column, found " +
                   std::to_string(3 - (n_col < 0) - (d_col < 0) - (c_col < 0)) +
                   " (columns found: " + columns_found(t) + "); name them or map them with --columns");
  }
  const double k = columns.flops_per_token;
  if (!(k > 0) || !std::isfinite(k)) {
    throw LawError(Field{"flops_per_token"}, std::to_string(k) + " is not a positive number");
  }

  RunsData out;
  out.loss_column = t.header[l_col];
  out.params_from_flops = n_col < 0;
  out.tokens_from_flops = n_col >= 0 && d_col < 0;
  out.params_column = t.header[n_col >= 0 ? n_col : c_col];
  out.tokens_column = t.header[d_col >= 0 ? d_col : c_col];

  for (size_t r = 0; r < t.rows.size(); ++r) {
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
    run.loss = positive(l_col);
    if (n_col < 0) {
      run.tokens = positive(d_col);
      run.flops = positive(c_col);
      run.params = run.flops / (k * run.tokens);
    } else {
      run.params = positive(n_col);
      run.tokens = d_col >= 0 ? positive(d_col) : positive(c_col) / (k * run.params);
      run.flops = c_col >= 0 ? positive(c_col) : k * run.params * run.tokens;
    }
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
