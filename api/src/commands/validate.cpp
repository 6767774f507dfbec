// scaleplan validate: the model scored against measured runs, the shipped
// datasets or the user's own CSV.
#include <cstdio>

#include "api/units.h"
#include "commands.h"
#include "laws/csv.h"
#include "planning/validate.h"
#include "shared_fields.h"
#include "systems/number_text.h"

namespace scaleplan::api {

namespace {

// Validation CSVs are a few hundred rows; 8 MiB holds ~50,000.
constexpr size_t kMaxRunsCsvBytes = 8u << 20;

struct ValidateRequest {
  std::string runs, runs_csv, hardware_db;
  bool cases = false;

  static const Schema<ValidateRequest>& schema() {
    static const auto s = [] {
      FieldInfo file = input_file_field(
          "runs", "CSV of your measured runs (columns: validation/README.md); default: the shipped datasets");
      file.required = false;
      return Schema<ValidateRequest>()
          .add(file, &ValidateRequest::runs)
          .add({.name = "runs_csv", .help = "the same CSV as text (for the HTTP API and Python)"},
               &ValidateRequest::runs_csv)
          .add({.name = "cases", .help = "list every run: measured, predicted, ratio, layout"},
               &ValidateRequest::cases)
          .add(hardware_db_field(), &ValidateRequest::hardware_db);
    }();
    return s;
  }
};

std::string ratio_text(double r) { return planner::number_text(r, "x%.2f"); }

// A measurement in the unit people quote it in.
double shown(planner::Quantity q, double v) {
  switch (q) {
    case planner::Quantity::kThroughput:
      return v / 1e12;
    case planner::Quantity::kPeakMemory:
      return v / (1024.0 * 1024 * 1024);
    default:
      return v;
  }
}

const char* shown_unit(planner::Quantity q) {
  switch (q) {
    case planner::Quantity::kStepTime:
      return "s per step";
    case planner::Quantity::kThroughput:
      return "TFLOP/s per GPU (hardware FLOPs)";
    case planner::Quantity::kTokensPerGpu:
      return "tokens/s per GPU";
    case planner::Quantity::kPeakMemory:
      return "GiB per GPU";
    case planner::Quantity::kGpuHours:
      return "billed GPU-hours";
  }
  return "";
}

nlohmann::ordered_json case_json(const planner::ValidationCase& c) {
  nlohmann::ordered_json j = {{"run", c.run},
                              {"measured", shown(c.quantity, c.measured)},
                              {"predicted", shown(c.quantity, c.predicted)},
                              {"ratio", c.ratio()},
                              {"layout", c.layout}};
  if (c.range) {
    j["range"] = {{"low", shown(c.quantity, c.range->low)}, {"high", shown(c.quantity, c.range->high)}};
    j["covered"] = c.measured >= c.range->low && c.measured <= c.range->high;
  }
  if (!c.source.empty()) j["source"] = c.source;
  return j;
}

// Which way the bias points: a throughput above the measured one, or a
// time, memory or hours below it, is optimistic.
const char* optimism(const planner::ValidationScore& s) {
  const bool throughput =
      s.quantity == planner::Quantity::kThroughput || s.quantity == planner::Quantity::kTokensPerGpu;
  const bool optimistic = throughput ? s.bias > 1 : s.bias < 1;
  return optimistic ? "optimistic" : "pessimistic";
}

nlohmann::ordered_json score_json(const planner::ValidationScore& s) {
  nlohmann::ordered_json j = {{"dataset", s.dataset},
                              {"quantity", planner::quantity_name(s.quantity)},
                              {"unit", shown_unit(s.quantity)},
                              {"cases", s.cases.size()},
                              {"median_abs_error_pct", 100 * s.median_abs_error},
                              {"mean_abs_error_pct", 100 * s.mean_abs_error},
                              {"bias", s.bias},
                              {"model_is", optimism(s)},
                              {"within_x1_2", s.within_1_2},
                              {"within_x1_5", s.within_1_5}};
  if (s.with_range > 0) j["range"] = {{"cases", s.with_range}, {"covered", s.covered}};
  nlohmann::ordered_json runs = nlohmann::ordered_json::array();
  for (const auto& c : s.cases) runs.push_back(case_json(c));
  j["runs"] = std::move(runs);
  return j;
}

void add_score_rows(Table& t, const planner::ValidationScore& s, bool cases) {
  const size_t n = s.cases.size();
  std::string note = std::to_string(n) + (n == 1 ? " run, " : " runs, ") + std::to_string(s.within_1_2) +
                     " within x1.2, " + std::to_string(s.within_1_5) + " within x1.5";
  if (s.with_range > 0)
    note += "; printed range covers " + std::to_string(s.covered) + "/" + std::to_string(s.with_range);
  t.row(s.dataset + ": " + shown_unit(s.quantity),
        planner::number_text(100 * s.median_abs_error, "median error %.1f%%, ") +
            planner::number_text(100 * s.mean_abs_error, "MAPE %.1f%%, ") + "bias " + ratio_text(s.bias) +
            " (" + optimism(s) + ")",
        note);
  if (!cases) return;
  t.line(s.dataset + " (" + shown_unit(s.quantity) + "):");
  for (const auto& c : s.cases) {
    char line[256];
    std::snprintf(line, sizeof line, "  %-24s measured %10.4g  predicted %10.4g  %s  %s", c.run.c_str(),
                  shown(s.quantity, c.measured), shown(s.quantity, c.predicted),
                  ratio_text(c.ratio()).c_str(), c.layout.c_str());
    t.line(line);
  }
}

std::vector<planner::ValidationScore> scores_for(const ValidateRequest& r, const hardware_db::Database& db) {
  if (!r.runs.empty() && !r.runs_csv.empty())
    throw InputError(Field{"runs_csv"}, "give the runs as a file or as text, not both");
  if (r.runs_csv.size() > kMaxRunsCsvBytes)
    throw InputError(Field{"runs_csv"}, "larger than 8 MiB; expected a CSV of measured runs");
  if (!r.runs.empty()) {
    const std::string text = laws::read_csv_text(r.runs);
    return planner::validate_runs(db, r.runs, planner::read_validation_runs(text, r.runs));
  }
  if (!r.runs_csv.empty())
    return planner::validate_runs(db, "runs_csv", planner::read_validation_runs(r.runs_csv, "runs_csv"));
  return planner::validate_shipped(db);
}

Result run_validate(const ValidateRequest& r) {
  const auto db = hardware_db::Database::load(r.hardware_db);
  const bool shipped = r.runs.empty() && r.runs_csv.empty();
  const std::vector<planner::ValidationScore> scores = scores_for(r, db);
  auto doc = new_document("validate");
  doc["errors"] =
      "error = |predicted / measured - 1|: median and mean (MAPE); bias = geometric mean of predicted / "
      "measured (for times, memory and hours below 1 means the model is optimistic; for throughput, above 1)";
  if (shipped) {
    nlohmann::ordered_json sets = nlohmann::ordered_json::array();
    for (const auto& d : planner::shipped_datasets())
      sets.push_back({{"name", d.name}, {"description", d.description}});
    doc["datasets"] = std::move(sets);
  }
  nlohmann::ordered_json out = nlohmann::ordered_json::array();
  for (const auto& s : scores) out.push_back(score_json(s));
  doc["scores"] = std::move(out);
  return {std::move(doc), [scores, cases = r.cases, shipped] {
            Table t(shipped ? "The model against the measured runs shipped with scaleplan"
                            : "The model against your measured runs");
            for (const auto& s : scores) add_score_rows(t, s, cases);
            t.line(
                "error = |predicted / measured - 1|; bias = geometric mean of predicted / measured: for "
                "times, memory and hours below x1 is optimistic, for throughput above x1.");
            t.line(shipped ? "Each dataset's rows carry their source (validation/*.csv in the repository)."
                           : "Columns: validation/README.md in the repository.");
            if (!cases) t.line("--cases lists every run: measured, predicted, ratio, layout.");
            return t.render();
          }};
}

}  // namespace

Command validate_command() {
  return command<ValidateRequest>(
      "validate", "The model scored against measured step times, throughput, memory and billed GPU-hours",
      "Example:\n  scaleplan validate\n  scaleplan validate my_runs.csv --cases --json", run_validate);
}

}  // namespace scaleplan::api
