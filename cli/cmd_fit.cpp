// scaleplan fit: fit the Chinchilla form to the user's own training runs.
#include <unistd.h>

#include <cstdio>
#include <sstream>

#include "commands.h"
#include "laws/fit.h"
#include "laws/fit_report.h"
#include "laws/law_file.h"
#include "output.h"
#include "units.h"

namespace scaleplan::cli {

namespace {

struct FitOptions {
  std::string runs;
  std::string output;
  std::string estimator = "huber";
  double huber_delta = 1e-3;
  int bootstrap = 0;
  uint64_t seed = 0;
  int threads = 0;
  std::string max_loss, min_params, columns;
  bool full_grid = false;
  bool json = false;
};

laws::ColumnMap parse_columns(const std::string& spec) {
  laws::ColumnMap map;
  std::stringstream ss(spec);
  std::string item;
  while (std::getline(ss, item, ',')) {
    const auto eq = item.find('=');
    const std::string key = item.substr(0, eq);
    const std::string col = eq == std::string::npos ? "" : item.substr(eq + 1);
    if (col.empty()) {
      throw InputError("--columns: '" + item + "' is not KEY=COLUMN (keys: params, tokens, flops, loss)");
    }
    if (key == "params") map.params = col;
    else if (key == "tokens") map.tokens = col;
    else if (key == "flops") map.flops = col;
    else if (key == "loss") map.loss = col;
    else throw InputError("--columns: unknown key '" + key + "' (expected params, tokens, flops or loss)");
  }
  return map;
}

// A one-line progress bar on stderr, only when a person is watching.
std::function<void(const char*, int, int)> progress_bar() {
  if (!isatty(STDERR_FILENO)) return {};
  return [](const char* stage, int done, int total) {
    const int width = 30, filled = total > 0 ? width * done / total : width;
    std::fprintf(stderr, "\r%-9s [%s%s] %d/%d", stage, std::string(filled, '#').c_str(),
                 std::string(width - filled, ' ').c_str(), done, total);
    if (done >= total) std::fprintf(stderr, "\r%*s\r", width + 30, "");
    std::fflush(stderr);
  };
}

std::string human_report(const laws::FitResult& fit, const laws::RunsData& data,
                         const std::string& output) {
  Table t("Fit of L = E + A/N^alpha + B/D^beta (" + std::string(laws::estimator_name(fit.estimator)) +
          ", delta " + short_number(fit.huber_delta) + ")");
  const bool boot = !fit.replicates.empty();
  for (const laws::Estimate& e : fit.estimates) {
    std::string note;
    if (boot) note = "se " + short_number(e.standard_error) + "  95% [" + short_number(e.ci_low) + ", " +
                     short_number(e.ci_high) + "]";
    t.row(e.name, short_number(e.value), note);
  }
  t.line("points: " + std::to_string(data.points_read) + " read, " + std::to_string(data.runs.size()) +
         " used, " + std::to_string(data.dropped.size()) + " dropped" +
         (data.tokens_from_flops ? " (tokens = FLOPs / 6N)" : ""));
  t.line("Huber cost " + short_number(fit.cost) + ", RMSE of log residuals " + short_number(fit.rmse_log));
  if (fit.estimator == laws::Estimator::kHuber) {
    t.line("starts: " + std::to_string(fit.starts) + " on the grid, " + std::to_string(fit.starts_run) +
           " run to convergence, " + std::to_string(fit.starts_at_best) + " reached the best cost");
  }
  if (boot) {
    t.line("bootstrap: " + std::to_string(fit.replicates.size()) + " resamples (" +
           std::to_string(fit.bootstrap_failed) + " failed)");
  }
  for (const auto& w : fit.warnings) t.line("warning: " + w);
  if (!output.empty()) t.line("law written to " + output + " (use it with --law " + output + ")");
  return t.render();
}

void run_fit(const FitOptions& o) {
  laws::RunsFilter filter;
  filter.max_loss = optional_quantity(o.max_loss, "--max-loss");
  filter.min_params = optional_quantity(o.min_params, "--min-params");
  laws::FitOptions fo;
  fo.estimator = laws::estimator_from_name(o.estimator);
  fo.huber_delta = o.huber_delta;
  fo.bootstrap = o.bootstrap;
  fo.seed = o.seed;
  fo.threads = o.threads;
  fo.full_grid = o.full_grid;
  if (auto p = fo.problems(); !p.empty()) throw InputError(p.front());
  const laws::ColumnMap columns = parse_columns(o.columns);

  const laws::RunsData data = laws::load_runs(laws::read_csv_file(o.runs), columns, filter);
  fo.progress = progress_bar();
  const laws::FitResult fit = laws::fit_law(data.runs, fo);

  laws::FitProvenance prov;
  prov.input_path = o.runs;
  prov.input_sha256 = laws::file_sha256(o.runs);
  prov.scaleplan_version = SCALEPLAN_VERSION;
  prov.law_name = o.output.empty() ? "fit" : std::filesystem::path(o.output).stem().string();

  if (!o.output.empty()) {
    write_file_atomically(o.output, laws::fit_law_document(fit, data, prov).dump(2) + "\n", {o.runs},
                          "--output");
  }
  auto doc = new_document("fit");
  doc.update(laws::fit_report(fit, data, prov));
  if (!o.output.empty()) doc["output"] = o.output;
  emit(o.json, doc, human_report(fit, data, o.output));
}

}  // namespace

void setup_fit(CLI::App& app) {
  auto o = std::make_shared<FitOptions>();
  auto* sub = app.add_subcommand("fit", "Fit a Chinchilla-form scaling law to your own training runs (Ceres)");
  sub->add_option("runs", o->runs, "CSV of runs: model size, tokens (or FLOPs), final loss")->required();
  sub->add_option("--output,-o", o->output, "write the fitted law (JSON) here, for --law");
  sub->add_option("--estimator", o->estimator, "huber (Hoffmann et al. grid) or huber-mle (Epoch AI)")
      ->capture_default_str();
  sub->add_option("--huber-delta", o->huber_delta, "Huber threshold on log residuals")->capture_default_str();
  sub->add_option("--bootstrap", o->bootstrap, "bootstrap resamples for standard errors and intervals");
  sub->add_option("--seed", o->seed, "bootstrap seed (results do not depend on --threads)");
  sub->add_option("--threads", o->threads, "worker threads (default: every core)");
  sub->add_option("--max-loss", o->max_loss, "drop points with a higher loss (Epoch used 3.44)");
  sub->add_option("--min-params", o->min_params, "drop models smaller than this");
  sub->add_option("--columns", o->columns, "map columns: params=COL,tokens=COL,flops=COL,loss=COL");
  sub->add_flag("--full-grid", o->full_grid, "run all 4,500 grid starts to convergence (slower)");
  add_json_flag(*sub, o->json);
  sub->footer(
      "Example:\n  scaleplan fit ../shared/data/svg_extracted_data.csv --max-loss 3.44 "
      "--bootstrap 1000 --output chinchilla.json\n  scaleplan tokens --params 7B --law chinchilla.json");
  sub->callback([o] { run_fit(*o); });
}

}  // namespace scaleplan::cli
