// scaleplan layout: the fastest parallel layouts of a training run on a
// number of accelerators, with step time, MFU, memory and billed hours.
#include <cmath>
#include <cstdio>

#include "api/units.h"
#include "commands.h"
#include "laws/allocation.h"
#include "laws/presets.h"
#include "shared_fields.h"
#include "systems/throughput.h"
#include "systems/throughput_json.h"

namespace scaleplan::api {

namespace {

using nlohmann::ordered_json;

struct LayoutRequest {
  std::optional<double> params, tokens, global_batch_tokens, network_gbps;
  std::string model, hardware, recompute, mlp, hardware_db;
  ShapeParts shape;
  std::optional<int> tp, pp, micro_batch, virtual_stages, zero;
  int seq_len = planner::kDefaultSeqLen;
  int gpus = 0;
  int top = 5;

  static const Schema<LayoutRequest>& schema();
};

// The CLI11-typed options of before: INT in the help, their range the planner's.
FieldInfo int_field(const std::string& name, const std::string& help) {
  return typed_field(name, help, "INT");
}

// The shape's parts, overriding the derived shape.
Schema<ShapeParts> shape_fields() {
  using S = ShapeParts;
  return Schema<S>()
      .add(int_field("layers", "transformer layers (overrides the derived shape)"), &S::layers)
      .add(int_field("hidden", "hidden size"), &S::hidden)
      .add(int_field("heads", "attention heads"), &S::heads)
      .add(int_field("kv_heads", "key/value heads (grouped-query attention)"), &S::kv_heads)
      .add(int_field("ffn", "MLP width"), &S::ffn)
      .add(int_field("vocab", "vocabulary size"), &S::vocab);
}

const Schema<LayoutRequest>& LayoutRequest::schema() {
  using R = LayoutRequest;
  static const auto s =
      Schema<R>()
          .add({.name = "params",
                .help = "model size in parameters, e.g. 70B (a Llama-like shape is derived)",
                .short_name = "N"},
               &R::params)
          .add({.name = "model", .help = "a catalogue model's shape instead (scaleplan models)"}, &R::model)
          .group(&R::shape, shape_fields())
          .add({.name = "mlp",
                .help = "MLP kind: gated (SwiGLU, 3 matrices; default) or plain (GELU, 2)",
                .choices = {"gated", "plain"}},
               &R::mlp)
          .add(int_field("seq_len", "tokens per sequence (default 4096)"), &R::seq_len)
          .add(required(shared_field("hardware")), &R::hardware)
          .add(required(shared_field("gpus")), &R::gpus)
          .add({.name = "tokens",
                .help = "training tokens, for the hours (default: compute-optimal)",
                .short_name = "D"},
               &R::tokens)
          .add({.name = "global_batch_tokens",
                .help = "tokens per optimizer step (default: DeepSeek LLM batch law)"},
               &R::global_batch_tokens)
          .add({.name = "network_gbps", .help = "scale-out bandwidth per accelerator in Gbit/s"},
               &R::network_gbps)
          .add(int_field("tp", "pin the tensor-parallel degree"), &R::tp)
          .add(int_field("pp", "pin the pipeline-parallel degree"), &R::pp)
          .add(int_field("micro_batch", "pin the micro-batch (sequences)"), &R::micro_batch)
          .add(int_field("virtual_stages", "pin the interleaved pipeline chunks per GPU"), &R::virtual_stages)
          .add({.name = "recompute", .help = "pin activation recompute: none, selective or full"},
               &R::recompute)
          .add(int_field("zero", "pin the ZeRO stage: 0, 1, 2 or 3 (3 = FSDP)"), &R::zero)
          .add(int_field("top", "how many layouts to list (default 5)"), &R::top)
          .add(hardware_db_field(), &R::hardware_db);
  return s;
}

planner::ThroughputRequest request_from(const LayoutRequest& o) {
  planner::ThroughputRequest r;
  if (!o.model.empty()) r.shape.model = o.model;
  r.shape.params = o.params;
  o.shape.fill(r.shape);
  if (!o.mlp.empty()) r.shape.gated_mlp = o.mlp == "gated";
  r.seq_len = o.seq_len;
  r.hardware = o.hardware;
  r.gpus = o.gpus;
  if (o.tokens) r.tokens = *o.tokens;
  r.global_batch_tokens = o.global_batch_tokens;
  r.network_gbps = o.network_gbps;
  r.pins.tensor_parallel = o.tp;
  r.pins.pipeline_parallel = o.pp;
  r.pins.micro_batch = o.micro_batch;
  r.pins.virtual_pipeline = o.virtual_stages;
  r.pins.zero_stage = o.zero;
  if (!o.recompute.empty()) r.pins.recompute = planner::recompute_from_name(o.recompute);
  if (o.top < 1) throw InputError(Field{"top"}, std::to_string(o.top) + " must be at least 1");
  r.pins.top = static_cast<size_t>(o.top);
  return r;
}

std::string fixed(const char* f, double v) {
  char buf[64];
  std::snprintf(buf, sizeof buf, f, v);
  return buf;
}

std::string seconds(double s) { return s < 1 ? fixed("%.0f ms", s * 1e3) : fixed("%.2f s", s); }

// The shape, the batch, the FLOPs per token and the links, then one row per layout.
void add_setup_rows(Table& t, const planner::ThroughputPlan& p, const planner::ThroughputRequest& req) {
  const auto& s = p.shape;
  const auto& sys = p.system;
  t.row("shape", std::to_string(s.layers) + " layers x " + std::to_string(s.hidden),
        std::to_string(s.heads) + " heads (" + std::to_string(s.kv_heads) + " kv), FFN " +
            std::to_string(s.ffn) + ", vocab " + std::to_string(s.vocab) + "; " + s.source);
  t.row("sequence, batch", std::to_string(p.work.seq_len) + " tokens",
        human_count(p.global_batch_tokens) + " tokens per step (" + p.batch_source + ")");
  t.row("FLOPs per token", short_number(p.model_flops_per_token),
        "model, attention included; 6N = " + short_number(p.six_n_flops_per_token));
  t.row("links per GPU", fixed("%.0f Gb/s", sys.intra_bytes_per_s * 8 / 1e9) + " in node",
        fixed("%.0f Gb/s", sys.inter_bytes_per_s * 8 / 1e9) + " between nodes of " +
            std::to_string(sys.node_size) + (req.network_gbps ? " (--network-gbps)" : ""));
  int rank = 1;
  for (const auto& r : p.search.best) {
    t.row(std::to_string(rank++) + ". " + r.layout.describe(), seconds(r.time.step_s) + " per step",
          human_count(r.time.tokens_per_s) + " tokens/s, MFU " + fixed("%.1f%%", 100 * r.time.mfu) +
              ", HFU " + fixed("%.1f%%", 100 * r.time.hfu) + ", " +
              fixed("%.1f GB/GPU", r.memory.total_bytes() / 1e9));
  }
}

// Where the best layout's step time and memory go.
void add_best_rows(Table& t, const planner::LayoutResult& b, const planner::System& sys) {
  const auto& bt = b.time;
  t.row("best: step time", seconds(bt.step_s),
        "compute " + seconds(bt.compute_s) + " and TP comm " + seconds(bt.tp_comm_s) + " (pipeline bubble " +
            seconds(bt.bubble_s) + " of them), PP " + seconds(bt.pp_comm_s) + ", DP exposed " +
            seconds(bt.dp_exposed_s) + " of " + seconds(bt.dp_comm_s) +
            fixed(" (%.0f%% overlapped)", 100 * bt.dp_overlapped_fraction()) + ", optimizer " +
            seconds(bt.optimizer_s));
  const auto& bm = b.memory;
  t.row("best: memory per GPU", fixed("%.1f GB", bm.total_bytes() / 1e9),
        fixed("weights %.1f", bm.weights_bytes / 1e9) + fixed(", gradients %.1f", bm.gradients_bytes / 1e9) +
            fixed(", optimizer %.1f", bm.optimizer_bytes / 1e9) +
            fixed(", activations %.1f", bm.activations_bytes / 1e9) +
            fixed(", runtime %.1f", bm.overhead_bytes / 1e9) + fixed(" of %.1f GB", sys.memory_bytes / 1e9) +
            fixed(" (%.0f GiB)", sys.memory_bytes / hardware_db::kBytesPerMemoryGb));
}

// The tokens, the goodput and the hours billed for them.
void add_hours_rows(Table& t, const planner::ThroughputPlan& p, const planner::ThroughputRequest& req) {
  t.row("tokens", human_count(p.tokens), p.tokens_given ? "given" : req.tokens_default);
  t.row("goodput", fixed("%.0f%%", 100 * p.goodput.value), "restarts, checkpoints, evaluation, stalls");
  t.row("billed GPU-hours", human_hours(p.billed_gpu_hours),
        "80% interval " + human_hours(p.billed_gpu_hours_range.low) + " - " +
            human_hours(p.billed_gpu_hours_range.high) + "; steady state " + human_hours(p.steady_gpu_hours) +
            ", " + human_days(p.billed_gpu_hours / req.gpus / 24) + " of wall time");
  t.row("billed MFU", fixed("%.1f%%", 100 * p.billed_mfu), "model FLOPs over peak x billed hours");
  t.line(std::to_string(p.search.evaluated) + " layouts evaluated, " + std::to_string(p.search.fitting) +
         " fit in memory" + (p.work.stack.fused_attention ? "" : "; no fused attention on this part"));
}

// Without --tokens, the compute-optimal tokens of the resolved shape by
// the default law.
void default_tokens(const hardware_db::Database& db, planner::ThroughputRequest& r) {
  const double n = planner::dense_shape(db, r.shape).params;
  r.tokens = laws::compute_optimal_tokens(laws::preset(laws::kDefaultLaw), n);
  r.tokens_default = "compute-optimal (" + std::string(laws::kDefaultLaw) + ")";
}

Result run_layout(const LayoutRequest& o) {
  planner::ThroughputRequest req = request_from(o);
  const auto db = hardware_db::Database::load(o.hardware_db);
  if (!o.tokens) default_tokens(db, req);
  const planner::ThroughputPlan p = planner::plan_throughput(db, req);
  auto doc = new_document("layout");
  doc.update(planner::throughput_json(p, req));
  return {std::move(doc), [p, req] {
            Table t("Parallel layouts (estimate) for " + human_count(p.shape.params) + " parameters on " +
                    std::to_string(req.gpus) + " x " + p.system.id);
            add_setup_rows(t, p, req);
            add_best_rows(t, p.search.best.front(), p.system);
            add_hours_rows(t, p, req);
            return t.render();
          }};
}

}  // namespace

Command layout_command() {
  return command<LayoutRequest>(
      "layout", "fastest TP x PP x DP layouts: step time, MFU, memory, billed hours",
      "Example:\n  scaleplan layout --params 70B --hardware h100-sxm5-80gb --gpus 1024\n"
      "  scaleplan layout --model llama-2-7b --hardware a100-sxm4-80gb --gpus 64 --tokens 2T --json",
      run_layout);
}

}  // namespace scaleplan::api
