// scaleplan fit: fit a scaling law (Chinchilla form or IsoFLOP profiles) to the user's own runs.
#include <cctype>
#include <cerrno>
#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <sstream>

#include "api/progress.h"
#include "api/units.h"
#include "commands.h"
#include "fit_output.h"
#include "laws/fit.h"
#include "laws/fit_report.h"
#include "laws/isoflop.h"
#include "laws/isoflop_report.h"
#include "laws/law_file.h"
#include "laws/row_groups.h"
#include "shared_fields.h"

namespace scaleplan::api {

namespace {

// Bootstrap resamples worth asking for: below 100 an interval's ends are
// among its noisiest quantiles (Efron & Tibshirani 1993, sec. 13.3 suggest
// at least 1,000 for percentile intervals, 25-200 for standard errors).
constexpr int kMinBootstrap = 100;
constexpr int kMaxBootstrap = 100000;

// max_loss and min_params stay text: the law file records the filters as
// they were typed ("3.44", "70M"). seed is the one unsigned 64-bit number.
struct FitRequest {
  std::string runs, method = "parametric", estimator = "huber", seed, max_loss, min_params, columns;
  double budget_tolerance = 0, window = 1, flops_per_token = 6, huber_delta = 1e-3;
  std::vector<std::string> group_by, where;
  int digits = 5, threads = 0;
  std::optional<int> bootstrap;  // absent: none, or 200 for isoflop
  std::optional<std::string> output;
  bool full_grid = false, quiet = false;

  static const Schema<FitRequest>& schema();
};

// The runs, the method and its IsoFLOP settings, the rows to fit.
Schema<FitRequest>& add_data_fields(Schema<FitRequest>& s) {
  using R = FitRequest;
  return s.add(input_file_field("runs", "CSV of runs: loss and two of model size, tokens, FLOPs"), &R::runs)
      .add({.name = "method",
            .help = "parametric (L = E + A/N^alpha + B/D^beta) or isoflop (Chinchilla approach 2: "
                    "minima of each budget's profile, then N*(C), D*(C), L*(C))",
            .default_text = "parametric"},
           &R::method)
      .add(typed_field("budget_tolerance",
                       "isoflop: runs whose FLOPs differ by at most this fraction share a budget (0: exact)",
                       "FLOAT"),
           &R::budget_tolerance)
      .add(typed_field("window",
                       "isoflop: fit each parabola to sizes within this many decades of the lowest loss "
                       "(0: all)",
                       "FLOAT", "1"),
           &R::window)
      .add(typed_field("flops_per_token",
                       "k in C = k N D, to derive the missing one of params, tokens, FLOPs", "FLOAT", "6"),
           &R::flops_per_token)
      .add({.name = "group_by", .help = "fit each group of rows with equal values in these columns"},
           &R::group_by)
      .add({.name = "where", .help = "keep only rows with COL=VALUE (repeatable)", .whole_items = true},
           &R::where);
}

// The table, the law file, the parametric fit, its bootstrap and filters.
Schema<FitRequest>& add_fit_fields(Schema<FitRequest>& s) {
  using R = FitRequest;
  return s.add(typed_field("digits", "significant figures in the table", "INT", "5"), &R::digits)
      .add(output_field("write the fitted law (JSON) here, for --law"), &R::output)
      .add({.name = "estimator",
            .help = "huber (Hoffmann et al. grid) or huber-mle (Epoch AI)",
            .default_text = "huber"},
           &R::estimator)
      .add(typed_field("huber_delta", "Huber threshold on log residuals", "FLOAT", "0.001"), &R::huber_delta)
      .add(typed_field("bootstrap",
                       "bootstrap resamples for standard errors and intervals (isoflop: default 200)", "INT"),
           &R::bootstrap)
      .add({.name = "seed",
            .help = "bootstrap seed (results do not depend on --threads)",
            .type_name = "UINT"},
           &R::seed)
      .add(typed_field("threads", "worker threads (default: every core)", "INT"), &R::threads)
      .add({.name = "max_loss", .help = "drop points with a higher loss (Epoch used 3.44)"}, &R::max_loss)
      .add({.name = "min_params", .help = "drop models smaller than this"}, &R::min_params)
      .add({.name = "columns", .help = "map columns: params=COL,tokens=COL,flops=COL,loss=COL"}, &R::columns)
      .add({.name = "full_grid", .help = "run all 4,500 grid starts (slower)"}, &R::full_grid)
      .add({.name = "quiet",
            .help = "no progress line on stderr (shown for fits over 2 s)",
            .short_name = "q"},
           &R::quiet);
}

const Schema<FitRequest>& FitRequest::schema() {
  static const auto s = [] {
    Schema<FitRequest> fields;
    add_fit_fields(add_data_fields(fields));
    return fields;
  }();
  return s;
}

// The request with what it leaves open settled: the bootstrap count
// (isoflop: 200 unless given), the seed as a number, the output path.
struct FitOptions {
  FitRequest r;
  int bootstrap = 0;
  uint64_t seed = 0;
  std::string output;
};

// An unsigned 64-bit seed; empty is 0. strtoull alone would wrap "-1" to
// the largest seed and skip leading spaces, so digits only.
uint64_t seed_of(const std::string& text) {
  if (text.empty()) return 0;
  char* end = nullptr;
  errno = 0;
  const unsigned long long seed = std::strtoull(text.c_str(), &end, 10);
  const bool digits_only = text.find_first_not_of("0123456789") == std::string::npos;
  if (!digits_only || end != text.c_str() + text.size() || errno == ERANGE) {
    throw InputError(Field{"seed"}, "'" + text + "' is not a whole number from 0 to 18446744073709551615");
  }
  return seed;
}

FitOptions options_of(const FitRequest& r) {
  FitOptions o;
  o.r = r;
  o.bootstrap = r.bootstrap.value_or(r.method == "isoflop" ? 200 : 0);
  o.seed = seed_of(r.seed);
  o.output = r.output.value_or("");
  return o;
}

laws::ColumnMap parse_columns(const std::string& spec) {
  laws::ColumnMap map;
  std::stringstream ss(spec);
  std::string item;
  while (std::getline(ss, item, ',')) {
    const auto eq = item.find('=');
    const std::string key = item.substr(0, eq);
    const std::string col = eq == std::string::npos ? "" : item.substr(eq + 1);
    if (col.empty()) {
      throw InputError(Field{"columns"},
                       "'" + item + "' is not KEY=COLUMN (keys: params, tokens, flops, loss)");
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
      throw InputError(Field{"columns"},
                       "unknown key '" + key + "' (expected params, tokens, flops or loss)");
  }
  return map;
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
  s["method"] = o.r.method;
  if (o.r.method == "parametric") {
    s["estimator"] = o.r.estimator;
    s["huber_delta"] = o.r.huber_delta;
    s["full_grid"] = o.r.full_grid;
  } else {
    s["budget_tolerance"] = o.r.budget_tolerance;
    s["window_decades"] = o.r.window;
  }
  s["bootstrap"] = o.bootstrap;
  s["seed"] = o.seed;
  s["flops_per_token"] = o.r.flops_per_token;
  s["columns"] = o.r.columns;
  s["max_loss"] = o.r.max_loss;
  s["min_params"] = o.r.min_params;
  s["where"] = o.r.where;
  s["group_by"] = o.r.group_by;
  s["group"] = group;
  return s;
}

// One group's fit: the law document to write, the report, the table.
struct GroupFit {
  std::string label, output;
  nlohmann::ordered_json law_doc, report;
  std::function<std::string()> human;  // the table, built when asked for
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
  prov.input_path = o.r.runs;
  prov.input_sha256 = laws::file_sha256(o.r.runs);
  prov.scaleplan_version = SCALEPLAN_VERSION;
  prov.law_name = out.output.empty() ? "fit" : std::filesystem::path(out.output).stem().string();
  try {
    if (o.r.method == "isoflop") {
      laws::IsoflopOptions io;
      io.budget_tolerance = o.r.budget_tolerance;
      io.window_decades = o.r.window;
      io.bootstrap = o.bootstrap;
      io.seed = o.seed;
      io.flops_per_token = o.r.flops_per_token;
      const laws::IsoflopResult fit = laws::fit_isoflop(data.runs, io);
      out.law_doc = laws::isoflop_law_document(fit, data, prov);
      out.report = laws::isoflop_report(fit, data, prov);
      out.human = [fit, data, digits = o.r.digits] { return isoflop_human(fit, data, digits); };
      out.estimates = fit.estimates;
    } else {
      laws::FitOptions fo;
      fo.estimator = laws::estimator_from_name(o.r.estimator);
      fo.huber_delta = o.r.huber_delta;
      fo.bootstrap = o.bootstrap;
      fo.seed = o.seed;
      fo.threads = o.r.threads;
      fo.full_grid = o.r.full_grid;
      fo.progress = o.r.quiet ? Progress() : new_progress();
      const laws::FitResult fit = laws::fit_law(data.runs, fo);
      out.law_doc = laws::fit_law_document(fit, data, prov);
      out.report = laws::fit_report(fit, data, prov);
      out.human = [fit, data, output = out.output, digits = o.r.digits] {
        return human_report(fit, data, output, digits);
      };
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
  if (o.r.method != "parametric" && o.r.method != "isoflop") {
    throw InputError(Field{"method"},
                     "'" + o.r.method + "' is not a fit method (expected parametric or isoflop)");
  }
  if (o.r.method == "parametric") {
    laws::FitOptions fo;
    fo.estimator = laws::estimator_from_name(o.r.estimator);
    fo.huber_delta = o.r.huber_delta;
    fo.bootstrap = o.bootstrap;
    fo.threads = o.r.threads;
    refuse_problems(fo);
  } else {
    laws::IsoflopOptions io;
    io.budget_tolerance = o.r.budget_tolerance;
    io.window_decades = o.r.window;
    io.bootstrap = o.bootstrap;
    io.flops_per_token = o.r.flops_per_token;
    refuse_problems(io);
  }
  // Fewer resamples give a standard error that is mostly noise (one gives NaN).
  if (o.bootstrap != 0 && (o.bootstrap < kMinBootstrap || o.bootstrap > kMaxBootstrap)) {
    throw InputError(Field{"bootstrap"}, std::to_string(o.bootstrap) +
                                             " resamples is outside the useful range; expected 0 (none) or " +
                                             std::to_string(kMinBootstrap) + " to " +
                                             std::to_string(kMaxBootstrap));
  }
  if (o.r.output) check_output_path(o.output, {o.r.runs}, "--output");
  if (o.r.digits < 1 || o.r.digits > 17) {
    throw InputError(Field{"digits"},
                     std::to_string(o.r.digits) + " is not between 1 and 17 significant figures");
  }
}

// One fit per group of rows (one group without --group-by).
std::vector<GroupFit> fit_groups(const FitOptions& o) {
  laws::RunsFilter filter;
  if (!o.r.max_loss.empty()) filter.max_loss = parse_quantity(o.r.max_loss, "max_loss");
  if (!o.r.min_params.empty()) filter.min_params = parse_quantity(o.r.min_params, "min_params");
  check_options(o);
  laws::ColumnMap columns = parse_columns(o.r.columns);
  columns.flops_per_token = o.r.flops_per_token;
  std::vector<laws::RowCondition> where;
  for (const std::string& w : o.r.where) where.push_back(laws::parse_condition(w, "where"));
  const auto groups = laws::select_and_group(laws::read_csv_file(o.r.runs), where, o.r.group_by);
  std::vector<GroupFit> fits;
  for (const laws::RowGroup& g : groups) fits.push_back(fit_group(o, g, columns, filter, groups.size() > 1));
  return fits;
}

Result one_result(const FitOptions& o, const GroupFit& fit) {
  auto doc = new_document("fit");
  doc.update(fit.report);
  if (!o.output.empty()) doc["output"] = o.output;
  return {std::move(doc), [human = fit.human, isoflop = o.r.method == "isoflop", output = o.output] {
            std::string text = human();
            if (isoflop && !output.empty()) {
              text += "law written to " + output + " (use it with --law " + output + ")\n";
            }
            return text;
          }};
}

Result groups_result(const FitOptions& o, const std::vector<GroupFit>& fits) {
  auto doc = new_document("fit");
  doc["group_by"] = o.r.group_by;
  doc["groups"] = nlohmann::ordered_json::array();
  std::vector<GroupColumn> columns_out;
  std::vector<std::string> outputs;
  for (const GroupFit& f : fits) {
    nlohmann::ordered_json g = f.report;
    g["group"] = f.label;
    if (!f.output.empty()) g["output"] = f.output;
    doc["groups"].push_back(g);
    columns_out.push_back({f.label, f.estimates});
    outputs.push_back(f.output);
  }
  const std::string title =
      std::to_string(fits.size()) + " groups fitted (" + o.r.method + "), value [95% interval]";
  return {std::move(doc), [title, columns_out, outputs, digits = o.r.digits] {
            std::string human = side_by_side(title, columns_out, digits);
            for (const std::string& output : outputs) {
              if (!output.empty()) human += "  law written to " + output + "\n";
            }
            return human;
          }};
}

// A law that --law would refuse (an exponent at or below 0 on data where
// loss does not fall with N or D) is not written: the fit is refused by the
// reader's own checks, before anything is.
void refuse_unusable(const GroupFit& f) {
  try {
    laws::law_from_json(nlohmann::json::parse(f.law_doc.dump()), "the fitted law");
  } catch (const laws::LawError& e) {
    throw InputError(Field{"output"},
                     std::string(e.what()) + (f.label.empty() ? "" : " (group " + f.label + ")") +
                         "; the runs do not show loss falling with N and D, so no law is written");
  }
}

Result run_fit(const FitRequest& r) {
  const FitOptions o = options_of(r);
  const std::vector<GroupFit> fits = fit_groups(o);
  // Every group fitted and checked before anything is written: a refusal writes nothing.
  for (const GroupFit& f : fits) {
    if (!f.output.empty()) refuse_unusable(f);
  }
  for (const GroupFit& f : fits) {
    if (!f.output.empty()) write_file_atomically(f.output, f.law_doc.dump(2) + "\n", {o.r.runs}, "--output");
  }
  return fits.size() == 1 ? one_result(o, fits.front()) : groups_result(o, fits);
}

}  // namespace

Command fit_command() {
  return command<FitRequest>(
      "fit", "Fit a scaling law to your own training runs: Chinchilla form (Ceres) or IsoFLOP profiles",
      "Example:\n  scaleplan fit tests/data/svg_extracted_data.csv --max-loss 3.44 "
      "--bootstrap 1000 --output chinchilla.json\n  scaleplan tokens --params 7B --law chinchilla.json\n"
      "  scaleplan fit tests/data/isoflops_points.csv --method isoflop --output llama3-isoflop.json\n"
      "  scaleplan fit tests/data/porian2024_isoflop_points.csv --method isoflop "
      "--group-by dataset,hparams,warmup,decay,param_count,loss_split",
      run_fit);
}

}  // namespace scaleplan::api
