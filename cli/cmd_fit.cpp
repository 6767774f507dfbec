// scaleplan fit: fit a scaling law (Chinchilla form or IsoFLOP profiles) to the user's own runs.
#include <unistd.h>

#include <cctype>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <memory>
#include <sstream>

#include "commands.h"
#include "fit_output.h"
#include "laws/fit.h"
#include "laws/fit_report.h"
#include "laws/isoflop.h"
#include "laws/isoflop_report.h"
#include "laws/law_file.h"
#include "laws/row_groups.h"
#include "output.h"
#include "units.h"

namespace scaleplan::cli {

namespace {

// Bootstrap resamples worth asking for: below 100 an interval's ends are
// among its noisiest quantiles (Efron & Tibshirani 1993, sec. 13.3 suggest
// at least 1,000 for percentile intervals, 25-200 for standard errors).
constexpr int kMinBootstrap = 100;
constexpr int kMaxBootstrap = 100000;

struct FitOptions {
  std::string runs;
  std::string output;
  bool output_given = false;
  std::string estimator = "huber";
  double huber_delta = 1e-3;
  int bootstrap = 0;
  uint64_t seed = 0;
  int threads = 0;
  std::string max_loss, min_params, columns;
  bool full_grid = false;
  bool quiet = false;
  bool json = false;
  std::string method = "parametric";
  double budget_tolerance = 0;
  double window_decades = 1;
  double flops_per_token = 6;
  std::vector<std::string> group_by, where;
  int digits = 5;
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
    if (key == "params")
      map.params = col;
    else if (key == "tokens")
      map.tokens = col;
    else if (key == "flops")
      map.flops = col;
    else if (key == "loss")
      map.loss = col;
    else
      throw InputError("--columns: unknown key '" + key + "' (expected params, tokens, flops or loss)");
  }
  return map;
}

// Progress on stderr for fits that run longer than 2 s
// (SCALEPLAN_PROGRESS_AFTER_S overrides, for tests): a bar redrawn in place
// on a terminal; otherwise (a log, CI) a plain line at most every kLogEvery
// and at the end of each stage. --quiet silences it.
std::function<void(const char*, int, int)> progress_reporter(bool quiet) {
  if (quiet) return {};
  using Clock = std::chrono::steady_clock;
  constexpr std::chrono::seconds kLogEvery{5};
  const char* after = std::getenv("SCALEPLAN_PROGRESS_AFTER_S");
  const std::chrono::duration<double> quiet_for(after != nullptr ? std::atof(after) : 2.0);
  struct State {
    Clock::time_point start = Clock::now(), last{};
    bool tty = isatty(STDERR_FILENO) != 0, shown = false;
    std::string stage;  // the last report, so a repeat is not printed twice
    int done = -1;
  };
  auto st = std::make_shared<State>();
  return [st, quiet_for, kLogEvery](const char* stage, int done, int total) {
    const auto now = Clock::now();
    if (now - st->start < quiet_for || (st->stage == stage && st->done == done)) return;
    const double elapsed_s = std::chrono::duration<double>(now - st->start).count();
    const bool stage_done = done >= total;
    if (st->tty) {
      if (!stage_done && now - st->last < std::chrono::milliseconds(100)) return;
      const int width = 30, filled = total > 0 ? width * done / total : width;
      std::fprintf(stderr, "\r%-9s [%s%s] %d/%d  %.0f s", stage, std::string(filled, '#').c_str(),
                   std::string(width - filled, ' ').c_str(), done, total, elapsed_s);
      if (stage_done) std::fprintf(stderr, "\r%*s\r", width + 40, "");
    } else {
      if (!stage_done && st->shown && now - st->last < kLogEvery) return;
      std::fprintf(stderr, "fit: %s %d/%d after %.0f s\n", stage, done, total, elapsed_s);
    }
    std::fflush(stderr);
    st->last = now;
    st->shown = true;
    st->stage = stage;
    st->done = done;
  };
}

std::string human_report(const laws::FitResult& fit, const laws::RunsData& data, const std::string& output,
                         int digits) {
  Table t("Fit of L = E + A/N^alpha + B/D^beta (" + std::string(laws::estimator_name(fit.estimator)) +
          ", delta " + short_number(fit.huber_delta) + ")");
  const bool boot = !fit.replicates.empty();
  for (const laws::Estimate& e : fit.estimates) {
    std::string note;
    if (boot)
      note = "se " + sig(e.standard_error, 3) + "  95% [" + sig(e.ci_low, digits) + ", " +
             sig(e.ci_high, digits) + "]";
    t.row(e.name, sig(e.value, digits), note);
  }
  t.line("points: " + std::to_string(data.points_read) + " read, " + std::to_string(data.runs.size()) +
         " used, " + std::to_string(data.dropped.size()) + " dropped" +
         (data.tokens_from_flops ? " (tokens = FLOPs / 6N)" : ""));
  t.line("Huber cost " + short_number(fit.cost) + ", RMSE of log residuals " + short_number(fit.rmse_log));
  if (fit.estimator == laws::Estimator::kHuber) {
    t.line("starts: " + std::to_string(fit.starts) + " on the grid, " + std::to_string(fit.starts_run) +
           " run, " + std::to_string(fit.starts_at_best) + " reached the best cost, " +
           std::to_string(fit.starts_abandoned) + " stopped early (unable to beat the best found)");
    if (fit.search_points < static_cast<int>(data.runs.size())) {
      t.line("search on " + std::to_string(fit.search_points) +
             " evenly spaced points, best optima refined on all");
    }
  }
  if (boot) {
    t.line("bootstrap: " + std::to_string(fit.replicates.size()) + " resamples (" +
           std::to_string(fit.bootstrap_failed) + " failed)");
  }
  for (const auto& w : fit.warnings) t.line("warning: " + w);
  if (!output.empty()) t.line("law written to " + output + " (use it with --law " + output + ")");
  return t.render();
}

// Every setting that shaped the fit, so the law file says how it was made.
nlohmann::ordered_json settings_json(const FitOptions& o, const std::string& group) {
  nlohmann::ordered_json s;
  s["method"] = o.method;
  if (o.method == "parametric") {
    s["estimator"] = o.estimator;
    s["huber_delta"] = o.huber_delta;
    s["full_grid"] = o.full_grid;
  } else {
    s["budget_tolerance"] = o.budget_tolerance;
    s["window_decades"] = o.window_decades;
  }
  s["bootstrap"] = o.bootstrap;
  s["seed"] = o.seed;
  s["flops_per_token"] = o.flops_per_token;
  s["columns"] = o.columns;
  s["max_loss"] = o.max_loss;
  s["min_params"] = o.min_params;
  s["where"] = o.where;
  s["group_by"] = o.group_by;
  s["group"] = group;
  return s;
}

// One group's fit: the law document to write, the report, the table.
struct GroupFit {
  std::string label, output;
  nlohmann::ordered_json law_doc, report;
  std::string human;
  std::vector<laws::Estimate> estimates;
};

std::string group_output(const std::string& output, const std::string& label, bool several) {
  if (output.empty() || !several) return output;
  std::string slug;
  for (char c : label) {
    if (std::isalnum(static_cast<unsigned char>(c)) || c == '.' || c == '-')
      slug += c;
    else if (!slug.empty() && slug.back() != '_')
      slug += '_';
  }
  const std::filesystem::path p(output);
  return (p.parent_path() / (p.stem().string() + "-" + slug + p.extension().string())).string();
}

GroupFit fit_group(const FitOptions& o, const laws::RowGroup& g, const laws::ColumnMap& columns,
                   const laws::RunsFilter& filter, bool several) {
  GroupFit out;
  out.label = g.label;
  out.output = group_output(o.output, g.label, several);
  const laws::RunsData data = laws::load_runs(g.table, columns, filter);
  laws::FitProvenance prov;
  prov.input_path = o.runs;
  prov.input_sha256 = laws::file_sha256(o.runs);
  prov.scaleplan_version = SCALEPLAN_VERSION;
  prov.law_name = out.output.empty() ? "fit" : std::filesystem::path(out.output).stem().string();
  try {
    if (o.method == "isoflop") {
      laws::IsoflopOptions io;
      io.budget_tolerance = o.budget_tolerance;
      io.window_decades = o.window_decades;
      io.bootstrap = o.bootstrap;
      io.seed = o.seed;
      io.flops_per_token = o.flops_per_token;
      const laws::IsoflopResult fit = laws::fit_isoflop(data.runs, io);
      out.law_doc = laws::isoflop_law_document(fit, data, prov);
      out.report = laws::isoflop_report(fit, data, prov);
      out.human = isoflop_human(fit, data, o.digits);
      out.estimates = fit.estimates;
    } else {
      laws::FitOptions fo;
      fo.estimator = laws::estimator_from_name(o.estimator);
      fo.huber_delta = o.huber_delta;
      fo.bootstrap = o.bootstrap;
      fo.seed = o.seed;
      fo.threads = o.threads;
      fo.full_grid = o.full_grid;
      fo.progress = progress_reporter(o.quiet);
      const laws::FitResult fit = laws::fit_law(data.runs, fo);
      out.law_doc = laws::fit_law_document(fit, data, prov);
      out.report = laws::fit_report(fit, data, prov);
      out.human = human_report(fit, data, out.output, o.digits);
      out.estimates = fit.estimates;
    }
  } catch (const laws::LawError& e) {
    if (g.label.empty()) throw;
    throw laws::LawError("group " + g.label + ": " + e.what());
  }
  out.law_doc["fit"]["settings"] = settings_json(o, g.label);
  out.report["settings"] = settings_json(o, g.label);
  return out;
}

// Refuses what the fit would refuse, before the file is read or anything
// written: the method's options, the bootstrap count, --output, --digits.
void check_options(const FitOptions& o) {
  if (o.method != "parametric" && o.method != "isoflop") {
    throw InputError("--method: '" + o.method + "' is not a fit method (expected parametric or isoflop)");
  }
  if (o.method == "parametric") {
    laws::FitOptions fo;
    fo.estimator = laws::estimator_from_name(o.estimator);
    fo.huber_delta = o.huber_delta;
    fo.bootstrap = o.bootstrap;
    fo.threads = o.threads;
    if (auto p = fo.problems(); !p.empty()) throw_problem<InputError>(p.front());
  } else {
    laws::IsoflopOptions io;
    io.budget_tolerance = o.budget_tolerance;
    io.window_decades = o.window_decades;
    io.bootstrap = o.bootstrap;
    io.flops_per_token = o.flops_per_token;
    if (auto p = io.problems(); !p.empty()) throw_problem<InputError>(p.front());
  }
  // Fewer resamples give a standard error that is mostly noise (one gives NaN).
  if (o.bootstrap != 0 && (o.bootstrap < kMinBootstrap || o.bootstrap > kMaxBootstrap)) {
    throw InputError("--bootstrap: " + std::to_string(o.bootstrap) +
                     " resamples is outside the useful range; expected 0 (none) or " +
                     std::to_string(kMinBootstrap) + " to " + std::to_string(kMaxBootstrap));
  }
  if (!o.output.empty() || o.output_given) check_output_path(o.output, {o.runs}, "--output");
  if (o.digits < 1 || o.digits > 17) {
    throw InputError("--digits: " + std::to_string(o.digits) +
                     " is not between 1 and 17 significant figures");
  }
}

// One fit per group of rows (one group without --group-by).
std::vector<GroupFit> fit_groups(const FitOptions& o) {
  laws::RunsFilter filter;
  filter.max_loss = optional_quantity(o.max_loss, "--max-loss");
  filter.min_params = optional_quantity(o.min_params, "--min-params");
  check_options(o);
  laws::ColumnMap columns = parse_columns(o.columns);
  columns.flops_per_token = o.flops_per_token;
  std::vector<laws::RowCondition> where;
  for (const std::string& w : o.where) where.push_back(laws::parse_condition(w, "where"));
  const auto groups = laws::select_and_group(laws::read_csv_file(o.runs), where, o.group_by);
  std::vector<GroupFit> fits;
  for (const laws::RowGroup& g : groups) fits.push_back(fit_group(o, g, columns, filter, groups.size() > 1));
  return fits;
}

void emit_one(const FitOptions& o, const GroupFit& fit) {
  auto doc = new_document("fit");
  doc.update(fit.report);
  if (!o.output.empty()) doc["output"] = o.output;
  std::string human = fit.human;
  if (o.method == "isoflop" && !o.output.empty()) {
    human += "law written to " + o.output + " (use it with --law " + o.output + ")\n";
  }
  emit(o.json, std::move(doc), human);
}

void emit_groups(const FitOptions& o, const std::vector<GroupFit>& fits) {
  auto doc = new_document("fit");
  doc["group_by"] = o.group_by;
  doc["groups"] = nlohmann::ordered_json::array();
  std::vector<GroupColumn> columns_out;
  for (const GroupFit& f : fits) {
    nlohmann::ordered_json g = f.report;
    g["group"] = f.label;
    if (!f.output.empty()) g["output"] = f.output;
    doc["groups"].push_back(g);
    columns_out.push_back({f.label, f.estimates});
  }
  std::string human =
      side_by_side(std::to_string(fits.size()) + " groups fitted (" + o.method + "), value [95% interval]",
                   columns_out, o.digits);
  for (const GroupFit& f : fits) {
    if (!f.output.empty()) human += "  law written to " + f.output + "\n";
  }
  emit(o.json, std::move(doc), human);
}

void run_fit(const FitOptions& o) {
  const std::vector<GroupFit> fits = fit_groups(o);
  // Every group fitted before anything is written: a refusal writes nothing.
  for (const GroupFit& f : fits) {
    if (!f.output.empty()) write_file_atomically(f.output, f.law_doc.dump(2) + "\n", {o.runs}, "--output");
  }
  if (fits.size() == 1) {
    emit_one(o, fits.front());
  } else {
    emit_groups(o, fits);
  }
}

}  // namespace

void setup_fit(CLI::App& app) {
  auto o = std::make_shared<FitOptions>();
  auto* sub = app.add_subcommand(
      "fit", "Fit a scaling law to your own training runs: Chinchilla form (Ceres) or IsoFLOP profiles");
  sub->add_option("runs", o->runs, "CSV of runs: loss and two of model size, tokens, FLOPs")->required();
  sub->add_option("--method", o->method,
                  "parametric (L = E + A/N^alpha + B/D^beta) or isoflop (Chinchilla approach 2: "
                  "minima of each budget's profile, then N*(C), D*(C), L*(C))")
      ->capture_default_str();
  sub->add_option("--budget-tolerance", o->budget_tolerance,
                  "isoflop: runs whose FLOPs differ by at most this fraction share a budget (0: exact)");
  sub->add_option("--window", o->window_decades,
                  "isoflop: fit each parabola to sizes within this many decades of the lowest loss (0: all)")
      ->capture_default_str();
  sub->add_option("--flops-per-token", o->flops_per_token,
                  "k in C = k N D, to derive the missing one of params, tokens, FLOPs")
      ->capture_default_str();
  sub->add_option("--group-by", o->group_by, "fit each group of rows with equal values in these columns")
      ->delimiter(',');
  sub->add_option("--where", o->where, "keep only rows with COL=VALUE (repeatable)");
  sub->add_option("--digits", o->digits, "significant figures in the table")->capture_default_str();
  add_output_option(*sub, o->output, o->output_given, "write the fitted law (JSON) here, for --law");
  sub->add_option("--estimator", o->estimator, "huber (Hoffmann et al. grid) or huber-mle (Epoch AI)")
      ->capture_default_str();
  sub->add_option("--huber-delta", o->huber_delta, "Huber threshold on log residuals")->capture_default_str();
  sub->add_option("--bootstrap", o->bootstrap,
                  "bootstrap resamples for standard errors and intervals (isoflop: default 200)");
  sub->add_option("--seed", o->seed, "bootstrap seed (results do not depend on --threads)");
  sub->add_option("--threads", o->threads, "worker threads (default: every core)");
  sub->add_option("--max-loss", o->max_loss, "drop points with a higher loss (Epoch used 3.44)");
  sub->add_option("--min-params", o->min_params, "drop models smaller than this");
  sub->add_option("--columns", o->columns, "map columns: params=COL,tokens=COL,flops=COL,loss=COL");
  sub->add_flag("--full-grid", o->full_grid, "run all 4,500 grid starts (slower)");
  sub->add_flag("--quiet,-q", o->quiet, "no progress line on stderr (shown for fits over 2 s)");
  add_json_flag(*sub, o->json);
  sub->footer(
      "Example:\n  scaleplan fit tests/data/svg_extracted_data.csv --max-loss 3.44 "
      "--bootstrap 1000 --output chinchilla.json\n  scaleplan tokens --params 7B --law chinchilla.json\n"
      "  scaleplan fit tests/data/isoflops_points.csv --method isoflop --output llama3-isoflop.json\n"
      "  scaleplan fit tests/data/porian2024_isoflop_points.csv --method isoflop "
      "--group-by dataset,hparams,warmup,decay,param_count,loss_split");
  reset_each_parse(*sub, o);
  sub->callback([o, sub] {
    if (o->method == "isoflop" && sub->count("--bootstrap") == 0) o->bootstrap = 200;
    run_fit(*o);
  });
}

}  // namespace scaleplan::cli
