#include "planning/validate.h"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <map>
#include <numeric>
#include <string_view>

#include "laws/csv.h"
#include "planning/validation_embedded.h"
#include "systems/errors.h"
#include "systems/throughput.h"

namespace scaleplan::planner {

namespace {

constexpr double kGib = 1024.0 * 1024 * 1024;

// The columns a validation CSV may have (validation/README.md): what
// identifies the run, its shape, where it ran, its layout, what it measured.
const char* const kColumns[] = {"run",
                                "source",
                                "gpus_basis",
                                "notes",
                                "model",
                                "params",
                                "layers",
                                "hidden",
                                "heads",
                                "kv_heads",
                                "ffn",
                                "vocab",
                                "gated_mlp",
                                "hardware",
                                "gpus",
                                "seq_len",
                                "global_batch",
                                "tokens",
                                "tp",
                                "pp",
                                "dp",
                                "vpp",
                                "micro_batch",
                                "zero",
                                "recompute",
                                "stack",
                                "step_s",
                                "tflops_per_gpu",
                                "tokens_per_s_per_gpu",
                                "peak_memory_gib",
                                "gpu_hours"};

// Names and words (true, megatron-2022, selective) compared as CSV columns are.
std::string normalized(const std::string& name) { return laws::normalized_column_name(name); }

void refuse_unknown_columns(const laws::CsvTable& t) {
  for (size_t c = 0; c < t.header.size(); ++c) {
    const bool known = std::any_of(std::begin(kColumns), std::end(kColumns),
                                   [&](const char* k) { return normalized(k) == normalized(t.header[c]); });
    if (!known) {
      throw PlanError(t.origin + ":1:" + std::to_string(c + 1) + ": unknown column '" + t.header[c] +
                      "'; expected the columns of validation/README.md (run, hardware, gpus, seq_len, a "
                      "shape, a measurement such as step_s or gpu_hours)");
    }
  }
}

// One row's cells by column name, each refusal naming file:line:column.
class RowReader {
 public:
  RowReader(const laws::CsvTable& t, size_t row) : t_(t), row_(row) {}

  std::string where(int column = -1) const {
    std::string w = t_.origin + ":" + std::to_string(t_.line_numbers[row_]);
    if (column >= 0) w += ":" + std::to_string(column + 1) + ": column '" + t_.header[column] + "'";
    return w;
  }
  int column(const char* name) const { return t_.find_column({name}); }
  std::string text(const char* name) const {
    const int c = column(name);
    return c < 0 ? std::string() : t_.rows[row_][c];
  }
  std::optional<double> positive(const char* name) const {
    const int c = column(name);
    if (c < 0 || t_.rows[row_][c].empty()) return std::nullopt;
    const double v = t_.number(row_, c);
    if (v <= 0)
      throw PlanError(where(c) + ": " + t_.rows[row_][c] + " is not positive; expected a number > 0");
    return v;
  }
  std::optional<int> integer(const char* name, int least = 1) const {
    const int c = column(name);
    if (c < 0 || t_.rows[row_][c].empty()) return std::nullopt;
    const double v = t_.number(row_, c);
    if (v < least || v != std::floor(v) || v > 1e9) {
      throw PlanError(where(c) + ": " + t_.rows[row_][c] +
                      " is not a whole number >= " + std::to_string(least));
    }
    return static_cast<int>(v);
  }
  template <class T>
  T required(std::optional<T> v, const char* name) const {
    if (v) return *v;
    throw PlanError(where() + ": column '" + std::string(name) + "' is empty or missing; it is required");
  }

 private:
  const laws::CsvTable& t_;
  size_t row_;
};

std::optional<bool> read_bool(const RowReader& r, const char* name) {
  const std::string v = normalized(r.text(name));
  if (v.empty()) return std::nullopt;
  if (v == "true" || v == "1" || v == "yes") return true;
  if (v == "false" || v == "0" || v == "no") return false;
  throw PlanError(r.where(r.column(name)) + ": '" + r.text(name) + "' is not true or false");
}

std::optional<Stack> read_stack(const RowReader& r) {
  const std::string v = normalized(r.text("stack"));
  if (v.empty() || v == "default") return std::nullopt;
  // Megatron-LM of 2021-22: attention unfused, the gradient all-reduce
  // after the backward pass (Narayanan et al. 2021; Korthikanti et al. 2022).
  if (v == "megatron2022") return Stack{false, false, true};
  // PyTorch without torch.compile: fused attention (SDPA), overlapped
  // gradient reduction, element-wise ops one kernel each.
  if (v == "eager") return Stack{true, true, false};
  throw PlanError(r.where(r.column("stack")) + ": '" + r.text("stack") +
                  "' is not a stack; expected default, eager or megatron-2022");
}

ShapeQuery read_shape(const RowReader& r, int seq_len) {
  ShapeQuery q;
  q.seq_len = seq_len;
  if (const std::string m = r.text("model"); !m.empty()) q.model = m;
  q.params = r.positive("params");
  q.layers = r.integer("layers");
  q.hidden = r.integer("hidden");
  q.heads = r.integer("heads");
  q.kv_heads = r.integer("kv_heads");
  q.ffn = r.integer("ffn");
  q.vocab = r.integer("vocab");
  q.gated_mlp = read_bool(r, "gated_mlp");
  const bool dims = q.layers && q.hidden && q.heads;
  if (!q.model && !q.params && !dims) {
    throw PlanError(r.where() + ": no shape; expected a model, params, or layers, hidden and heads");
  }
  return q;
}

void read_layout(const RowReader& r, ValidationRun& run) {
  run.pins.tensor_parallel = r.integer("tp");
  run.pins.pipeline_parallel = r.integer("pp");
  run.data_parallel = r.integer("dp");
  run.pins.virtual_pipeline = r.integer("vpp");
  run.pins.micro_batch = r.integer("micro_batch");
  run.pins.zero_stage = r.integer("zero", 0);
  if (run.pins.zero_stage && *run.pins.zero_stage > 3)
    throw PlanError(r.where(r.column("zero")) + ": " + r.text("zero") + " is not a ZeRO stage 0-3");
  if (const std::string rc = r.text("recompute"); !rc.empty()) {
    try {
      run.pins.recompute = recompute_from_name(normalized(rc));
    } catch (const PlanError&) {
      throw PlanError(r.where(r.column("recompute")) + ": '" + rc +
                      "' is not a recomputation; expected none, selective or full");
    }
  }
  const auto& p = run.pins;
  if (p.tensor_parallel && p.pipeline_parallel && run.data_parallel &&
      *p.tensor_parallel * *p.pipeline_parallel * *run.data_parallel != run.gpus) {
    throw PlanError(r.where(r.column("dp")) + ": tp x pp x dp = " +
                    std::to_string(*p.tensor_parallel * *p.pipeline_parallel * *run.data_parallel) +
                    ", not the " + std::to_string(run.gpus) + " GPUs of column 'gpus'");
  }
}

void read_measured(const RowReader& r, ValidationRun& run) {
  if (auto v = r.positive("step_s")) run.measured.emplace_back(Quantity::kStepTime, *v);
  if (auto v = r.positive("tflops_per_gpu")) run.measured.emplace_back(Quantity::kThroughput, *v * 1e12);
  if (auto v = r.positive("tokens_per_s_per_gpu")) run.measured.emplace_back(Quantity::kTokensPerGpu, *v);
  if (auto v = r.positive("peak_memory_gib")) run.measured.emplace_back(Quantity::kPeakMemory, *v * kGib);
  if (auto v = r.positive("gpu_hours")) run.measured.emplace_back(Quantity::kGpuHours, *v);
  if (run.measured.empty()) {
    throw PlanError(r.where() +
                    ": no measurement; expected one of step_s, tflops_per_gpu, tokens_per_s_per_gpu, "
                    "peak_memory_gib, gpu_hours");
  }
  const bool per_step = std::any_of(run.measured.begin(), run.measured.end(),
                                    [](const auto& m) { return m.first != Quantity::kGpuHours; });
  if (per_step && !run.global_batch_seqs)
    throw PlanError(r.where() + ": a step measurement needs column 'global_batch' (sequences per step)");
  if (!per_step && !run.tokens) throw PlanError(r.where() + ": gpu_hours needs column 'tokens'");
}

ValidationRun read_run(const laws::CsvTable& t, size_t row) {
  const RowReader r(t, row);
  ValidationRun run;
  run.line = t.line_numbers[row];
  run.name = r.text("run");
  if (run.name.empty()) run.name = "line " + std::to_string(run.line);
  run.source = r.text("source");
  run.hardware = r.text("hardware");
  if (run.hardware.empty()) throw PlanError(r.where() + ": column 'hardware' is empty or missing");
  run.gpus = r.required(r.integer("gpus"), "gpus");
  run.seq_len = r.required(r.integer("seq_len"), "seq_len");
  run.shape = read_shape(r, run.seq_len);
  run.global_batch_seqs = r.positive("global_batch");
  run.tokens = r.positive("tokens");
  run.stack = read_stack(r);
  read_layout(r, run);
  read_measured(r, run);
  return run;
}

}  // namespace

const char* quantity_name(Quantity q) {
  switch (q) {
    case Quantity::kStepTime:
      return "step_time_s";
    case Quantity::kThroughput:
      return "tflops_per_gpu";
    case Quantity::kTokensPerGpu:
      return "tokens_per_s_per_gpu";
    case Quantity::kPeakMemory:
      return "peak_memory_gib";
    case Quantity::kGpuHours:
      return "gpu_hours";
  }
  return "";
}

const char* quantity_unit(Quantity q) {
  switch (q) {
    case Quantity::kStepTime:
      return "s per step";
    case Quantity::kThroughput:
      return "hardware FLOP/s per GPU";
    case Quantity::kTokensPerGpu:
      return "tokens/s per GPU";
    case Quantity::kPeakMemory:
      return "bytes per GPU";
    case Quantity::kGpuHours:
      return "billed GPU-hours";
  }
  return "";
}

std::vector<ValidationRun> read_validation_runs(const std::string& text, const std::string& origin) {
  const laws::CsvTable t = laws::parse_csv(text, origin);
  refuse_unknown_columns(t);
  if (t.rows.empty()) throw PlanError(origin + ": no runs; expected a header and at least one row");
  std::vector<ValidationRun> runs;
  for (size_t i = 0; i < t.rows.size(); ++i) runs.push_back(read_run(t, i));
  return runs;
}

namespace {

struct Prediction {
  double value = 0;
  std::optional<Range> range;
  std::string layout;
};

std::string where(const std::string& dataset, const ValidationRun& run) {
  return dataset + ":" + std::to_string(run.line) + " (" + run.name + "): ";
}

// The given layout where TP, PP, DP and the micro-batch are all known;
// else the fastest fitting one the search finds within the pins.
LayoutResult run_layout(const System& sys, const Workload& w, const ValidationRun& run,
                        const std::string& at) {
  const SearchOptions& p = run.pins;
  std::optional<int> dp = run.data_parallel;
  if (!dp && p.tensor_parallel && p.pipeline_parallel &&
      run.gpus % (*p.tensor_parallel * *p.pipeline_parallel) == 0)
    dp = run.gpus / (*p.tensor_parallel * *p.pipeline_parallel);
  if (p.tensor_parallel && p.pipeline_parallel && dp && p.micro_batch) {
    Layout l;
    l.tensor_parallel = *p.tensor_parallel;
    l.pipeline_parallel = *p.pipeline_parallel;
    l.data_parallel = *dp;
    l.virtual_pipeline = p.virtual_pipeline.value_or(1);
    l.micro_batch = *p.micro_batch;
    l.num_micro_batches =
        std::max(1, static_cast<int>(std::lround(w.global_batch_seqs / (*dp * *p.micro_batch))));
    l.zero_stage = p.zero_stage.value_or(l.zero_stage);
    l.recompute = p.recompute.value_or(Recompute::kNone);
    if (const std::string problem = layout_problem(sys, w, l); !problem.empty())
      throw PlanError(at + "the layout " + l.describe() + " is not valid: " + problem);
    return evaluate_layout(sys, w, l);
  }
  SearchOptions o = p;
  o.gpus = run.gpus;
  o.top = 1;
  const SearchResult r = search_layouts(sys, w, o);
  if (r.best.empty()) throw PlanError(at + "no layout fits: " + r.why_none);
  return r.best.front();
}

Prediction predict_step(const hardware_db::Database& db, const ValidationRun& run, Quantity q,
                        const std::string& at) {
  const System sys = system_for(db.accelerator(run.hardware));
  const ResolvedShape shape = resolve_shape(db, run.shape);
  const Workload w{shape.shape, run.seq_len, *run.global_batch_seqs, run.stack.value_or(default_stack(sys)),
                   Training{}};
  const LayoutResult r = run_layout(sys, w, run, at);
  Prediction p;
  p.layout = r.layout.describe() + (r.fits ? "" : " (over memory)");
  switch (q) {
    case Quantity::kStepTime:
      p.value = r.time.step_s;
      break;
    case Quantity::kThroughput:
      p.value = r.time.hfu * sys.peak_flops;
      break;
    case Quantity::kTokensPerGpu:
      p.value = r.time.tokens_per_s / run.gpus;
      break;
    case Quantity::kPeakMemory:
      p.value = r.memory.total_bytes();
      break;
    case Quantity::kGpuHours:
      break;
  }
  return p;
}

// Billed hours as forecast prints them: the best layout on the run's GPU
// count, the goodput model and its band. A shape derived from N alone is
// scaled back to N, so the rule's rounding is not counted as error.
Prediction predict_billed(const hardware_db::Database& db, const ValidationRun& run) {
  ThroughputRequest r;
  r.shape = run.shape;
  r.tokens = *run.tokens;
  r.hardware = run.hardware;
  r.gpus = run.gpus;
  r.seq_len = run.seq_len;
  if (run.global_batch_seqs) r.global_batch_tokens = *run.global_batch_seqs * run.seq_len;
  r.pins = run.pins;
  const ThroughputPlan p = plan_throughput(db, r);
  const bool from_params = run.shape.params && !run.shape.layers && !run.shape.model;
  const double scale = from_params ? *run.shape.params / p.shape.params : 1.0;
  Prediction out;
  out.value = p.billed_gpu_hours * scale;
  out.range = Range{p.billed_gpu_hours_range.low * scale, p.billed_gpu_hours_range.high * scale};
  if (!p.search.best.empty()) out.layout = p.search.best.front().layout.describe();
  return out;
}

ValidationCase predict(const hardware_db::Database& db, const std::string& dataset, const ValidationRun& run,
                       Quantity q, double measured) {
  const std::string at = where(dataset, run);
  Prediction p;
  try {
    p = q == Quantity::kGpuHours ? predict_billed(db, run) : predict_step(db, run, q, at);
  } catch (const PlanError& e) {
    if (std::string_view(e.what()).starts_with(at)) throw;
    throw PlanError(at + e.what());
  } catch (const Error& e) {
    throw PlanError(at + e.what());
  }
  return ValidationCase{run.name, run.source, p.layout, q, measured, p.value, p.range};
}

double median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  const size_t n = v.size();
  return n % 2 ? v[n / 2] : 0.5 * (v[n / 2 - 1] + v[n / 2]);
}

ValidationScore score(const std::string& dataset, Quantity q, std::vector<ValidationCase> cases) {
  ValidationScore s;
  s.dataset = dataset;
  s.quantity = q;
  std::vector<double> errors;
  double log_sum = 0;
  for (const ValidationCase& c : cases) {
    const double r = c.ratio();
    errors.push_back(std::abs(r - 1));
    log_sum += std::log(r);
    const double fold = std::max(r, 1 / r);
    s.within_1_2 += fold <= 1.2;
    s.within_1_5 += fold <= 1.5;
    if (c.range) {
      ++s.with_range;
      s.covered += c.measured >= c.range->low && c.measured <= c.range->high;
    }
  }
  s.median_abs_error = median(errors);
  s.mean_abs_error = std::accumulate(errors.begin(), errors.end(), 0.0) / errors.size();
  s.bias = std::exp(log_sum / cases.size());
  s.cases = std::move(cases);
  return s;
}

// A dataset's description: its leading `#` lines, joined.
std::string leading_comment(const std::string& text) {
  std::string description;
  for (size_t pos = 0; pos < text.size() && text[pos] == '#';) {
    const size_t end = text.find('\n', pos);
    std::string line = text.substr(pos + 1, end == std::string::npos ? std::string::npos : end - pos - 1);
    while (!line.empty() && line.front() == ' ') line.erase(line.begin());
    description += (description.empty() ? "" : " ") + line;
    pos = end == std::string::npos ? text.size() : end + 1;
  }
  return description;
}

}  // namespace

std::vector<ValidationScore> validate_runs(const hardware_db::Database& db, const std::string& dataset,
                                           const std::vector<ValidationRun>& runs) {
  const ThroughputMemo memo;
  std::map<Quantity, std::vector<ValidationCase>> by_quantity;
  for (const ValidationRun& run : runs) {
    for (const auto& [q, measured] : run.measured)
      by_quantity[q].push_back(predict(db, dataset, run, q, measured));
  }
  std::vector<ValidationScore> out;
  for (auto& [q, cases] : by_quantity) out.push_back(score(dataset, q, std::move(cases)));
  return out;
}

const std::vector<ShippedDataset>& shipped_datasets() {
  static const std::vector<ShippedDataset> sets = [] {
    std::vector<ShippedDataset> out;
    std::string text;
    size_t file = 0;
    for (const char* piece : detail::kEmbeddedData) {
      if (piece != nullptr) {
        text += piece;
        continue;
      }
      std::string name = detail::kEmbeddedNames[file++];
      name = name.substr(0, name.rfind('.'));
      out.push_back({name, leading_comment(text), text});
      text.clear();
    }
    return out;
  }();
  return sets;
}

std::vector<ValidationScore> validate_shipped(const hardware_db::Database& db) {
  std::vector<ValidationScore> out;
  for (const ShippedDataset& d : shipped_datasets()) {
    for (ValidationScore& s : validate_runs(db, d.name, read_validation_runs(d.text, d.name)))
      out.push_back(std::move(s));
  }
  return out;
}

}  // namespace scaleplan::planner
