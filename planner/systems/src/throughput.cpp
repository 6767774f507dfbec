#include "systems/throughput.h"

#include <algorithm>
#include <cmath>
#include <map>
#include <tuple>

#include "systems/errors.h"
#include "systems/number_text.h"

namespace scaleplan::planner {

// Ordered maps: a budget plan bisects on the loss and asks thousands of
// questions. Keys are finite numbers only (NaN has no place in an order).
struct ThroughputMemo::Store {
  using MfuQuestion =
      std::tuple<const hardware_db::Database*, std::string, double, double, int, int, std::optional<double>>;
  struct MfuAnswer {
    std::optional<ModelledMfu> mfu;
    std::string why_not;
    bool explained = false;  // why_not was asked for (a failure only)
  };
  std::map<MfuQuestion, MfuAnswer> mfu;
  std::map<double, hardware_db::ModelShape> shapes;  // by parameter count
};

namespace {

thread_local ThroughputMemo::Store* memo = nullptr;

// A shape given by its parameter count alone is derived from it alone
// (shape.h): the memo keys it on that count.
hardware_db::ModelShape shape_of(const hardware_db::Database& db, const ShapeQuery& q) {
  const bool by_params = q.params && !q.model && !q.layers && !q.hidden && !q.heads && !q.kv_heads &&
                         !q.ffn && !q.vocab && !q.gated_mlp && q.seq_len == kDefaultSeqLen &&
                         !q.tied_embeddings;
  if (!memo || !by_params || !std::isfinite(*q.params)) return dense_shape(db, q);
  if (auto it = memo->shapes.find(*q.params); it != memo->shapes.end()) return it->second;
  hardware_db::ModelShape shape = dense_shape(db, q);
  memo->shapes.emplace(*q.params, shape);
  return shape;
}

}  // namespace

hardware_db::ModelShape dense_shape(const hardware_db::Database& db, const ShapeQuery& q) {
  // The catalogue's record is asked first, before its overrides are checked.
  if (q.model) {
    const hardware_db::ModelShape& record = db.model(*q.model);
    if (record.experts > 1) {
      throw PlanError(Field{"model"},
                      record.id + " is a mixture of experts; the layout model covers dense transformers");
    }
  }
  return resolve_shape(db, q).shape;
}

ThroughputMemo::ThroughputMemo() {
  if (memo) return;
  store_ = std::make_unique<Store>();
  memo = store_.get();
}

ThroughputMemo::~ThroughputMemo() {
  if (store_) memo = nullptr;
}

namespace {

// plan_throughput, with an empty search.best instead of an error when no
// layout fits: the plan's forecasts ask about counts that cannot hold the
// model by the dozen, and an exception each is a cost.
ThroughputPlan plan_layouts(const hardware_db::Database& db, const ThroughputRequest& r) {
  if (r.gpus <= 0) throw PlanError(Field{"gpus"}, std::to_string(r.gpus) + " must be a positive count");
  if (r.seq_len <= 0)
    throw PlanError(Field{"seq_len"}, std::to_string(r.seq_len) + " must be a positive count");
  if (!(r.tokens > 0 && std::isfinite(r.tokens))) throw PlanError(Field{"tokens"}, "must be positive");
  if (r.global_batch_tokens && !(*r.global_batch_tokens > 0 && std::isfinite(*r.global_batch_tokens))) {
    throw PlanError(Field{"global_batch_tokens"}, "must be positive");
  }
  if (r.network_gbps && !(*r.network_gbps > 0 && std::isfinite(*r.network_gbps))) {
    throw PlanError(Field{"network_gbps"}, "must be positive (Gbit/s per accelerator)");
  }
  ThroughputPlan p;
  p.shape = shape_of(db, r.shape);
  p.system = system_for(db.accelerator(r.hardware), r.network_gbps);
  const double n = p.shape.params;
  p.tokens_given = r.tokens_default.empty();
  p.tokens = r.tokens;
  if (r.global_batch_tokens) {
    p.global_batch_tokens = *r.global_batch_tokens;
    p.batch_source = "given (--global-batch-tokens)";
  } else {
    // 6 N D, not the law's M D (non_embedding_flops_per_token x D, as the
    // recipe computes it): with M D the default batch is 4-8% larger, and
    // plans that sit where the cost jumps between whole nodes or micro-batch
    // counts move across those jumps (planner/systems/README.md).
    p.global_batch_tokens = batch_law_tokens(6 * n * p.tokens);
    p.batch_source = "DeepSeek LLM batch law " + number_text(kBatchLawCoefficient, "%g") + " C^" +
                     number_text(kBatchLawExponent, "%g") + " (DeepSeek-AI 2024, eq. 1)";
  }
  const double seqs = std::max(1.0, std::round(p.global_batch_tokens / r.seq_len));
  p.global_batch_tokens = seqs * r.seq_len;
  p.work = Workload{p.shape, r.seq_len, seqs, default_stack(p.system), Training{}};
  p.model_flops_per_token = model_flops_per_token(p.shape, r.seq_len);
  p.six_n_flops_per_token = 6 * n;

  SearchOptions o = r.pins;
  o.gpus = r.gpus;
  p.search = search_layouts(p.system, p.work, o);
  if (p.search.best.empty()) return p;

  const StepTime& best = p.search.best.front().time;
  p.goodput = goodput_for(r.gpus);
  p.steady_gpu_hours = p.tokens / best.tokens_per_s * r.gpus / 3600.0;
  p.billed_gpu_hours = p.steady_gpu_hours / p.goodput.value;
  p.billed_gpu_hours_range = {p.steady_gpu_hours / p.goodput.high, p.steady_gpu_hours / p.goodput.low};
  p.billed_mfu = best.mfu * p.goodput.value;
  return p;
}

std::string no_fit(const SearchResult& s) { return s.why_none + " (try more accelerators)"; }

}  // namespace

ThroughputPlan plan_throughput(const hardware_db::Database& db, const ThroughputRequest& r) {
  ThroughputPlan p = plan_layouts(db, r);
  if (p.search.best.empty()) throw PlanError(Field{"gpus"}, no_fit(p.search));
  return p;
}

namespace {

std::optional<ModelledMfu> model_mfu(const hardware_db::Database& db, const std::string& hardware,
                                     double params, double tokens, int gpus, int seq_len,
                                     std::optional<double> network_gbps, std::string* why_not) {
  ThroughputRequest r;
  r.shape.params = params;
  r.tokens = tokens;
  r.hardware = hardware;
  r.gpus = gpus;
  r.seq_len = seq_len;
  r.network_gbps = network_gbps;
  r.pins.top = 1;
  r.pins.count_all = false;  // only the best is read
  r.pins.explain_none = why_not != nullptr;
  try {
    const ThroughputPlan p = plan_layouts(db, r);
    if (p.search.best.empty()) {
      if (why_not) *why_not = no_fit(p.search);
      return std::nullopt;
    }
    const LayoutResult& best = p.search.best.front();
    const double steady = 6 * p.shape.params * best.time.tokens_per_s / gpus / p.system.peak_flops;
    ModelledMfu m;
    m.mfu = steady * p.goodput.value;
    m.low = steady * p.goodput.low;
    m.high = steady * p.goodput.high;
    m.steady_mfu = best.time.mfu;
    m.goodput = p.goodput.value;
    m.layout = best.layout.describe();
    return m;
  } catch (const PlanError& e) {
    if (why_not) *why_not = e.detail();
    return std::nullopt;
  }
}

}  // namespace

std::optional<ModelledMfu> modelled_mfu(const hardware_db::Database& db, const std::string& hardware,
                                        double params, double tokens, int gpus, int seq_len,
                                        std::optional<double> network_gbps, std::string* why_not) {
  const bool finite =
      std::isfinite(params) && std::isfinite(tokens) && std::isfinite(network_gbps.value_or(0));
  if (!memo || !finite) return model_mfu(db, hardware, params, tokens, gpus, seq_len, network_gbps, why_not);
  ThroughputMemo::Store::MfuQuestion question{&db, hardware, params, tokens, gpus, seq_len, network_gbps};
  auto it = memo->mfu.find(question);
  if (it == memo->mfu.end() || (why_not && !it->second.mfu && !it->second.explained)) {
    ThroughputMemo::Store::MfuAnswer answer;
    answer.explained = why_not != nullptr;
    answer.mfu = model_mfu(db, hardware, params, tokens, gpus, seq_len, network_gbps,
                           answer.explained ? &answer.why_not : nullptr);
    it = memo->mfu.insert_or_assign(std::move(question), std::move(answer)).first;
  }
  if (why_not && !it->second.mfu) *why_not = it->second.why_not;
  return it->second.mfu;
}

double modelled_mfu_ceiling(const hardware_db::Database& db, const std::string& hardware, double params,
                            int seq_len, std::optional<double> network_gbps) {
  const System sys = system_for(db.accelerator(hardware), network_gbps);
  ShapeQuery q;
  q.params = params;
  const hardware_db::ModelShape shape = shape_of(db, q);
  const Workload w{shape, seq_len, 1, default_stack(sys), Training{}};
  // Per accelerator, no layout beats one that holds the whole model (TP
  // and PP shrink each GEMM, repeat the launches and the output layer, and
  // add traffic) at the largest micro-batch searched (the time per
  // sequence never grows with it), without recomputation, bubble, data
  // parallel traffic or optimizer step.
  Layout whole;
  whole.micro_batch = kLargestMicroBatch;
  LayoutEvaluator evaluator(sys, w);
  const double tokens_per_s =
      static_cast<double>(whole.micro_batch) * seq_len / evaluator.micro_batch_floor_s(whole);
  return 6 * shape.params * tokens_per_s / sys.peak_flops * goodput_for(1).value;
}

}  // namespace scaleplan::planner
