#include "systems/layout.h"

#include <algorithm>
#include <bit>
#include <cmath>
#include <cstdio>
#include <vector>

#include "systems/errors.h"

namespace scaleplan::planner {

namespace {

// Seconds for a forward matrix product of (M x K) by (K x N) at the
// accelerator's achievable rate for its arithmetic intensity.
double gemm_s(const System& sys, double m, double k, double n) {
  const double flops = 2 * m * k * n;
  const double intensity = flops / (kBf16Bytes * (m * k + k * n + m * n));
  const double rate =
      sys.peak_flops * sys.gemm_max_efficiency * intensity / (intensity + sys.gemm_half_intensity);
  return flops / rate;
}

int layers_per_stage(const Workload& w, const Layout& l) {
  return (w.shape.layers + l.pipeline_parallel - 1) / l.pipeline_parallel;
}

double ffn_width(const hardware_db::ModelShape& m) { return (m.gated_mlp ? 2.0 : 1.0) * m.ffn; }

// Stored activation values per token and layer, times h (Korthikanti's c).
double activation_coefficient(const hardware_db::ModelShape& m) {
  const double kv_ratio = static_cast<double>(m.kv_heads) / m.heads;
  const double mlp = 3 + (m.gated_mlp ? 6.0 : 4.0) * m.ffn / m.hidden;
  return 7 + 4 * kv_ratio + mlp + 4;
}

// Ring collective time for `bytes` per accelerator over `group` members.
double all_reduce_s(double bytes, int group, double bytes_per_s) {
  if (group <= 1) return 0;
  return 2.0 * (group - 1) / group * bytes / (bytes_per_s * kLinkEfficiency);
}

// Weights held by the busiest stage per TP rank (before ZeRO sharding):
// its blocks (`block` weights each), plus an embedding or output matrix
// (both without PP).
double stage_params(const Workload& w, const Layout& l, double block) {
  const double embed =
      static_cast<double>(w.shape.vocab) * w.shape.hidden * (l.pipeline_parallel == 1 ? 2 : 1);
  return (layers_per_stage(w, l) * block + embed) / l.tensor_parallel;
}

// Bandwidth the DP collectives see: the scale-up link while the group stays
// in one node (ranks ordered TP, then DP, then PP, as Megatron-LM does);
// across nodes, the node's NICs shared by the group's members in it.
double dp_bytes_per_s(const System& sys, const Layout& l) {
  if (l.tensor_parallel * l.data_parallel <= sys.node_size) return sys.intra_bytes_per_s;
  const int members_per_node = std::max(1, sys.node_size / l.tensor_parallel);
  return std::min(sys.intra_bytes_per_s, members_per_node * sys.inter_bytes_per_s);
}

double pp_bytes_per_s(const System& sys, const Layout& l) {
  return l.tensor_parallel * l.data_parallel < sys.node_size ? sys.intra_bytes_per_s : sys.inter_bytes_per_s;
}

using detail::MicroBatchTime;

// What a frozen base adds to one layer's forward and backward pass on one
// TP rank: the adapters' products (rank r, x A then B, and backward the
// input gradient and both weight gradients) and kernels, and for QLoRA the
// dequantisation of the block's matrices, once forward and once backward.
// Zero for a trained base.
struct FrozenBaseTime {
  double forward_s = 0, backward_s = 0;
  double forward_kernels = 0, backward_kernels = 0;
};

FrozenBaseTime frozen_base_time(const System& sys, const Workload& w, const Layout& l, double tokens) {
  const Training& tr = w.training;
  if (!tr.frozen()) return {};
  const auto& m = w.shape;
  const double t = l.tensor_parallel, r = tr.lora_rank;
  const std::vector<MatrixDims> matrices = adapted_matrices(m, tr.targets);
  double adapters = 0;
  for (const MatrixDims& d : matrices)
    adapters += gemm_s(sys, tokens, d.in, r) + gemm_s(sys, tokens, r, d.out / t);
  const double n = static_cast<double>(matrices.size());
  FrozenBaseTime out{adapters, 2 * adapters, n * kAdapterKernelsForward, n * kAdapterKernelsBackward};
  if (tr.base == BaseWeights::kFrozenNf4) {
    const double dequant =
        block_params(m) / t * (kNf4BytesPerParam + kBf16Bytes) / (kDequantHbmFraction * sys.hbm_bytes_per_s);
    const double quantised = m.gated_mlp ? 7 : 6;  // every linear matrix of the block
    out.forward_s += dequant;
    out.backward_s += dequant;
    out.forward_kernels += quantised * kDequantKernels;
    out.backward_kernels += quantised * kDequantKernels;
  }
  return out;
}

// Element-wise bytes per token and layer: Megatron's fused kernels or the
// eager Hugging Face layer's ops one by one.
double elementwise_bytes(const Workload& w) {
  const auto& m = w.shape;
  if (w.stack.fused_elementwise)
    return kElementwiseBytesPerHidden * m.hidden + kElementwiseBytesPerFfn * m.ffn;
  const double kv = m.kv_heads * (static_cast<double>(m.hidden) / m.heads);
  return kEagerElementwiseBytesPerHidden * m.hidden + kEagerElementwiseBytesPerKv * kv +
         kEagerElementwiseBytesPerFfn * m.ffn;
}

// One layer's pass: GPU work plus launch gaps on the fused stack; on an
// eager one the longer of the GPU work and the CPU's dispatch of its
// kernels (launches are asynchronous, so the two overlap).
double pass_s(const Stack& stack, double gpu_s, double fused_launch_s, double eager_kernels) {
  if (stack.fused_elementwise) return gpu_s + fused_launch_s;
  return std::max(gpu_s, eager_kernels * kEagerOpCpuS);
}

// The fused kernel's measured forward and backward rates at `seq_len`:
// linear in log2 of the sequence between the measured lengths, the end
// points' rates beyond them.
std::pair<double, double> attention_rates_at(const System& sys, double seq_len) {
  const auto& r = sys.attention_rates;
  if (seq_len <= r.front().seq_len) return {r.front().forward_flops_per_s, r.front().backward_flops_per_s};
  for (size_t i = 1; i < r.size(); ++i) {
    if (seq_len > r[i].seq_len) continue;
    const double f = std::log2(seq_len / r[i - 1].seq_len) / std::log2(r[i].seq_len / r[i - 1].seq_len);
    return {r[i - 1].forward_flops_per_s + f * (r[i].forward_flops_per_s - r[i - 1].forward_flops_per_s),
            r[i - 1].backward_flops_per_s + f * (r[i].backward_flops_per_s - r[i - 1].backward_flops_per_s)};
  }
  return {r.back().forward_flops_per_s, r.back().backward_flops_per_s};
}

// The attention core of one layer and micro-batch on one TP rank, forward
// and backward: per head (s x d) x (d x s) scores and (s x s) x (s x d).
// Unfused kernels compute all of it at the GEMM rate; fused causal ones
// half, at the part's measured kernel rate where the database has one
// (FLOPs as FlashAttention counts them: 2 s^2 d per head forward with the
// causal mask, 2.5x that backward), else at the GEMM rate.
std::pair<double, double> attention_s(const System& sys, const Workload& w, const Layout& l) {
  const auto& m = w.shape;
  const double heads = m.heads / static_cast<double>(l.tensor_parallel) * l.micro_batch;
  const double head_dim = static_cast<double>(m.hidden) / m.heads;
  const double products = 2 * heads * gemm_s(sys, w.seq_len, head_dim, w.seq_len);
  if (!w.stack.fused_attention) return {products, 2 * products};
  if (sys.attention_rates.empty()) return {products / 2, products};
  const double forward_flops = 2 * heads * static_cast<double>(w.seq_len) * w.seq_len * head_dim;
  const auto [forward_rate, backward_rate] = attention_rates_at(sys, w.seq_len);
  return {forward_flops / forward_rate, 2.5 * forward_flops / backward_rate};
}

// One micro-batch, forward and backward, through the busiest stage (all
// its v chunks).
MicroBatchTime micro_batch_time(const System& sys, const Workload& w, const Layout& l) {
  const auto& m = w.shape;
  const double t = l.tensor_parallel, tokens = static_cast<double>(l.micro_batch) * w.seq_len, h = m.hidden;
  const double head_dim = h / m.heads, kv = m.kv_heads * head_dim;
  // Forward GEMMs of one layer on one TP rank.
  const double gemms = gemm_s(sys, tokens, h, (h + 2 * kv) / t) + gemm_s(sys, tokens, h / t, h) +
                       gemm_s(sys, tokens, h, ffn_width(m) / t) + gemm_s(sys, tokens, m.ffn / t, h);
  // Unfused attention also streams the scores through memory.
  const double heads_per_rank = m.heads / t;
  const auto [attention, attention_backward] = attention_s(sys, w, l);
  double scores_s = 0;
  if (!w.stack.fused_attention) {
    scores_s = heads_per_rank * l.micro_batch * static_cast<double>(w.seq_len) * w.seq_len *
               kUnfusedScoreBytes / sys.hbm_bytes_per_s;
  }
  const double elementwise = tokens * elementwise_bytes(w) / t / sys.hbm_bytes_per_s;
  // Forward share of element-wise traffic is a third of the total.
  const FrozenBaseTime frozen = frozen_base_time(sys, w, l, tokens);
  const double fwd = pass_s(w.stack, gemms + attention + (elementwise + scores_s) / 3 + frozen.forward_s,
                            kLayerLaunchOverheadS / 3, kEagerKernelsPerLayerForward + frozen.forward_kernels);
  const double bwd =
      pass_s(w.stack,
             (w.training.frozen() ? 1 : 2) * gemms + attention_backward + (elementwise + scores_s) * 2 / 3 +
                 frozen.backward_s,
             kLayerLaunchOverheadS * 2 / 3, kEagerKernelsPerLayerBackward + frozen.backward_kernels);
  double recompute = 0;
  if (l.recompute == Recompute::kSelective) recompute = attention + scores_s / 3;
  if (l.recompute == Recompute::kFull) recompute = fwd;
  const int layers = layers_per_stage(w, l);
  MicroBatchTime out;
  out.forward_s = layers * fwd;
  out.backward_s = layers * (bwd + recompute);
  // The output projection and loss on the last stage (the first stage's
  // embedding lookup is negligible).
  const double head =
      3 * gemm_s(sys, tokens, h, m.vocab / t) + tokens * m.vocab / t * 16 / sys.hbm_bytes_per_s;
  out.compute_s = out.forward_s + out.backward_s + head;
  const int collectives = l.recompute == Recompute::kFull ? 6 : 4;
  out.tp_comm_s =
      layers * collectives * all_reduce_s(tokens * h * kBf16Bytes, l.tensor_parallel, sys.intra_bytes_per_s);
  out.forward_s += out.tp_comm_s * 2 / collectives;
  out.backward_s += out.tp_comm_s * (collectives - 2) / collectives;
  return out;
}

}  // namespace

System system_for(const hardware_db::Accelerator& acc, std::optional<double> network_gbps) {
  auto missing = [&](const char* what) {
    return PlanError(Field{"hardware"}, "the database has no " + std::string(what) + " for " + acc.id +
                                            "; add it with --hardware-db FILE");
  };
  if (!acc.memory_gb) throw missing("memory size");
  if (!acc.bandwidth_tbps) throw missing("memory bandwidth");
  if (!acc.intra_node_gbps || !acc.node_size) throw missing("links (links.intra_node_gbps, links.node_size)");
  if (!acc.inter_node_gbps && !network_gbps) throw missing("scale-out network (links.inter_node_gbps)");
  System s;
  s.id = acc.id;
  s.peak_flops = *acc.training_peak_tflops() * 1e12;
  s.memory_bytes = *acc.memory_bytes();
  s.hbm_bytes_per_s = *acc.bandwidth_tbps * 1e12;
  s.node_size = *acc.node_size;
  s.intra_bytes_per_s = *acc.intra_node_gbps * 1e9 / 8;
  s.inter_bytes_per_s = network_gbps.value_or(acc.inter_node_gbps.value_or(0)) * 1e9 / 8;
  s.gemm_max_efficiency = acc.gemm_max_efficiency.value_or(kDefaultGemmMaxEfficiency);
  s.gemm_half_intensity =
      acc.gemm_half_intensity.value_or(kDefaultGemmHalfIntensityOfRidge * s.peak_flops / s.hbm_bytes_per_s);
  s.fused_attention = acc.fused_attention;
  for (const auto& r : acc.attention_rates)
    s.attention_rates.push_back({r.seq_len, r.forward_tflops * 1e12, r.backward_tflops * 1e12});
  s.attention_kernel = acc.attention_kernel;
  return s;
}

Stack default_stack(const System& system) {
  Stack stack;
  stack.fused_attention = system.fused_attention;
  return stack;
}

std::string Layout::describe() const {
  // Appends, not snprintf: a plan describes dozens of layouts.
  std::string out = "TP" + std::to_string(tensor_parallel) + " PP" + std::to_string(pipeline_parallel) +
                    " DP" + std::to_string(data_parallel) + " mb" + std::to_string(micro_batch) + " x" +
                    std::to_string(num_micro_batches);
  if (virtual_pipeline > 1) out += " v" + std::to_string(virtual_pipeline);
  out += ' ';
  out += recompute_name(recompute);
  out += " ZeRO-" + std::to_string(zero_stage);
  return out;
}

namespace {

// The constraints a layout can break, in the order they are checked.
enum class Fault { kNone, kDegree, kTpNode, kTpHeads, kTpKvHeads, kPpLayers, kVirtualStages, kZero, kBatch };

Fault fault_of(const System& sys, const Workload& w, const Layout& l) {
  const auto& m = w.shape;
  if (l.tensor_parallel < 1 || l.pipeline_parallel < 1 || l.data_parallel < 1 || l.micro_batch < 1 ||
      l.num_micro_batches < 1 || l.virtual_pipeline < 1)
    return Fault::kDegree;
  if (l.tensor_parallel > sys.node_size) return Fault::kTpNode;
  if (m.heads % l.tensor_parallel != 0) return Fault::kTpHeads;
  if (m.kv_heads % l.tensor_parallel != 0 && l.tensor_parallel % m.kv_heads != 0) return Fault::kTpKvHeads;
  if (l.pipeline_parallel > m.layers) return Fault::kPpLayers;
  if (l.virtual_pipeline > 1 &&
      (l.pipeline_parallel == 1 || layers_per_stage(w, l) % l.virtual_pipeline != 0))
    return Fault::kVirtualStages;
  if (l.zero_stage < 0 || l.zero_stage > 3) return Fault::kZero;
  if (w.global_batch_seqs < static_cast<double>(l.data_parallel) * l.micro_batch) return Fault::kBatch;
  return Fault::kNone;
}

}  // namespace

bool layout_valid(const System& sys, const Workload& w, const Layout& l) {
  return fault_of(sys, w, l) == Fault::kNone;
}

std::string layout_problem(const System& sys, const Workload& w, const Layout& l) {
  const auto& m = w.shape;
  auto n = [](double v) { return std::to_string(static_cast<long long>(v)); };
  switch (fault_of(sys, w, l)) {
    case Fault::kNone:
      return "";
    case Fault::kDegree:
      return "--tp/--pp/--micro-batch: every degree must be at least 1";
    case Fault::kTpNode:
      return "--tp: " + n(l.tensor_parallel) + " is beyond one node of " + n(sys.node_size) + " " + sys.id +
             " (tensor parallelism needs the scale-up link)";
    case Fault::kTpHeads:
      return "--tp: " + n(l.tensor_parallel) + " does not divide the " + n(m.heads) + " attention heads";
    case Fault::kTpKvHeads:
      return "--tp: " + n(l.tensor_parallel) + " does not divide the " + n(m.kv_heads) + " kv heads";
    case Fault::kPpLayers:
      return "--pp: " + n(l.pipeline_parallel) + " stages for " + n(m.layers) + " layers";
    case Fault::kVirtualStages:
      return "--virtual-stages: " + n(l.virtual_pipeline) + " chunks need PP > 1 and divide the " +
             n(layers_per_stage(w, l)) + " layers per stage";
    case Fault::kZero:
      return "--zero: " + n(l.zero_stage) + " is not 0, 1, 2 or 3";
    case Fault::kBatch:
      break;
  }
  char buf[200];
  std::snprintf(buf, sizeof buf,
                "--global-batch-tokens: %.0f sequences per step are fewer than one micro-batch of %d on each "
                "of %d data-parallel replicas",
                w.global_batch_seqs, l.micro_batch, l.data_parallel);
  return buf;
}

namespace {

// The weights the busiest stage stores per TP rank, in bytes, and those
// it trains: all of its p in bf16 for a trained base; for a frozen one the
// base (QLoRA: the block matrices in NF4, embeddings in bf16) and the
// adapters in bf16, of which only the adapters train.
struct StageState {
  double stored_weight_bytes = 0, trained_params = 0;
};

StageState stage_state(const Workload& w, const Layout& l, double p) {
  const Training& tr = w.training;
  if (!tr.frozen()) return {kBf16Bytes * p, p};
  const double t = l.tensor_parallel;
  const double embed =
      static_cast<double>(w.shape.vocab) * w.shape.hidden * (l.pipeline_parallel == 1 ? 2 : 1) / t;
  const double adapters =
      layers_per_stage(w, l) * adapter_params_per_layer(w.shape, tr.lora_rank, tr.targets) / t;
  const double base = tr.base == BaseWeights::kFrozenNf4
                          ? kNf4BytesPerParam * (p - embed) + kBf16Bytes * embed
                          : kBf16Bytes * p;
  return {base + kBf16Bytes * adapters, adapters};
}

// The memory of a layout, given its stage's weights (stage_params) and the
// workload's activation coefficient.
LayoutMemory memory_of(const Workload& w, const Layout& l, double p, double c) {
  const auto& m = w.shape;
  const double d = l.data_parallel, t = l.tensor_parallel;
  const StageState state = stage_state(w, l, p);
  LayoutMemory mem;
  mem.weights_bytes = state.stored_weight_bytes / (l.zero_stage >= 3 ? d : 1);
  mem.gradients_bytes = kBf16Bytes * state.trained_params / (l.zero_stage >= 2 ? d : 1);
  mem.optimizer_bytes =
      w.training.optimizer_bytes_per_param * state.trained_params / (l.zero_stage >= 1 ? d : 1);
  const double sbh = static_cast<double>(w.seq_len) * l.micro_batch * m.hidden;
  double per_layer = 0;
  switch (l.recompute) {
    case Recompute::kNone:
      per_layer = sbh * (c + (w.stack.fused_attention ? 0 : 5.0 * m.heads * w.seq_len / m.hidden)) / t;
      break;
    case Recompute::kSelective:
      per_layer = sbh * c / t;
      break;
    case Recompute::kFull:
      per_layer = 2 * sbh / t;
      break;
  }
  const int layers = layers_per_stage(w, l);
  const double in_flight = std::min(l.num_micro_batches, l.pipeline_parallel);
  const double interleave = l.virtual_pipeline > 1
                                ? 1 + (l.pipeline_parallel - 1.0) / (l.pipeline_parallel * l.virtual_pipeline)
                                : 1;
  double first = per_layer * layers * in_flight * interleave;
  if (l.recompute == Recompute::kFull) first += sbh * c / t;  // the layer being recomputed
  const double logits = 4.0 * w.seq_len * l.micro_batch * m.vocab / t;
  const double last = (l.pipeline_parallel == 1 ? first : per_layer * layers) + logits;
  mem.activations_bytes = std::max(first, last);
  mem.overhead_bytes = kRuntimeOverheadBytes;
  return mem;
}

// Micro-batch slots of a step on the busiest stage: its own micro-batches
// and the pipeline bubble.
double step_slots(const Layout& l) {
  return l.num_micro_batches + (l.pipeline_parallel - 1.0) / l.virtual_pipeline;
}

// The step time of a layout from its micro-batch time, its stage's weights
// (stage_params) and the workload's FLOPs per token (model, and hardware at
// l.recompute).
StepTime time_of(const System& sys, const Workload& w, const Layout& l, const MicroBatchTime& mb, double p,
                 double model_flops, double hardware_flops) {
  StepTime st;
  const double stage = mb.compute_s + mb.tp_comm_s;
  const double bubble_stages = (l.pipeline_parallel - 1.0) / l.virtual_pipeline;
  const double p2p_bytes =
      static_cast<double>(w.seq_len) * l.micro_batch * w.shape.hidden * kBf16Bytes / l.tensor_parallel;
  const double p2p = l.pipeline_parallel > 1
                         ? 2.0 * l.virtual_pipeline * p2p_bytes / (pp_bytes_per_s(sys, l) * kLinkEfficiency)
                         : 0;
  const double slots = step_slots(l);
  st.compute_s = slots * mb.compute_s;
  st.tp_comm_s = slots * mb.tp_comm_s;
  st.pp_comm_s = slots * p2p;
  st.bubble_s = bubble_stages * (stage + p2p);

  // Data parallel: reduce-scatter gradients, all-gather weights (ZeRO
  // >= 1; plain all-reduce is the same volume), hidden behind the last
  // backward and the first forward; ZeRO-3 regathers per micro-batch.
  // A frozen base reduces and regathers only its adapters' weights.
  const StageState state = stage_state(w, l, p);
  const double trained = state.trained_params;
  const double bw = dp_bytes_per_s(sys, l);
  const double buckets =
      std::ceil(trained / std::max(kBucketElements, kBucketElementsPerReplica * l.data_parallel));
  const double ring_latency = l.data_parallel > 1 ? (l.data_parallel - 1) * kRingHopLatencyS : 0;
  const double half = all_reduce_s(trained * kBf16Bytes, l.data_parallel, bw) / 2 + buckets * ring_latency;
  st.dp_comm_s = 2 * half;
  st.dp_exposed_s = w.stack.overlap_dp
                        ? std::max(0.0, half - mb.backward_s) + std::max(0.0, half - mb.forward_s)
                        : st.dp_comm_s;
  if (l.zero_stage >= 3 && l.data_parallel > 1) {
    // FSDP gathers each layer's weights forward and backward and
    // reduce-scatters its gradients, every micro-batch.
    const double per_mb = all_reduce_s(state.stored_weight_bytes, l.data_parallel, bw) +
                          3.0 * layers_per_stage(w, l) * ring_latency;
    st.dp_comm_s += l.num_micro_batches * per_mb;
    st.dp_exposed_s += l.num_micro_batches * std::max(0.0, per_mb - (mb.forward_s + mb.backward_s));
  }
  st.dp_exposed_s += kOverlapContention * (st.dp_comm_s - std::min(st.dp_comm_s, st.dp_exposed_s));
  const double sharded = trained / (l.zero_stage >= 1 ? l.data_parallel : 1);
  st.optimizer_s = sharded * kOptimizerBytesPerParam / sys.hbm_bytes_per_s;
  st.step_s = st.compute_s + st.tp_comm_s + st.pp_comm_s + st.dp_exposed_s + st.optimizer_s;
  const double tokens = w.global_batch_seqs * w.seq_len;
  st.tokens_per_s = tokens / st.step_s;
  const double per_gpu = st.tokens_per_s / l.gpus();
  st.mfu = model_flops * per_gpu / sys.peak_flops;
  st.hfu = hardware_flops * per_gpu / sys.peak_flops;
  return st;
}

}  // namespace

double model_state_bytes(const Workload& w) {
  const Layout whole;  // TP1 PP1: every weight once
  const StageState s = stage_state(w, whole, stage_params(w, whole, block_params(w.shape)));
  return s.stored_weight_bytes + (kBf16Bytes + w.training.optimizer_bytes_per_param) * s.trained_params;
}

LayoutMemory layout_memory(const System&, const Workload& w, const Layout& l) {
  return memory_of(w, l, stage_params(w, l, block_params(w.shape)), activation_coefficient(w.shape));
}

StepTime step_time(const System& sys, const Workload& w, const Layout& l) {
  return time_of(sys, w, l, micro_batch_time(sys, w, l), stage_params(w, l, block_params(w.shape)),
                 model_flops_per_token(w.shape, w.seq_len, w.training),
                 hardware_flops_per_token(w.shape, w.seq_len, l.recompute, w.training));
}

LayoutResult evaluate_layout(const System& sys, const Workload& w, const Layout& l) {
  LayoutResult r;
  r.layout = l;
  r.memory = layout_memory(sys, w, l);
  r.fits = r.memory.total_bytes() <= sys.memory_bytes;
  r.time = step_time(sys, w, l);
  return r;
}

LayoutEvaluator::LayoutEvaluator(const System& system, const Workload& work)
    : sys_(system),
      work_(work),
      block_params_(block_params(work.shape)),
      activation_coefficient_(activation_coefficient(work.shape)),
      model_flops_per_token_(model_flops_per_token(work.shape, work.seq_len, work.training)) {
  for (Recompute r : {Recompute::kNone, Recompute::kSelective, Recompute::kFull})
    hardware_flops_per_token_[static_cast<int>(r)] =
        hardware_flops_per_token(work.shape, work.seq_len, r, work.training);
}

void LayoutEvaluator::at_base(const Layout& l) {
  if (l.tensor_parallel == cached_tp_ && l.pipeline_parallel == cached_pp_) return;
  std::fill(&filled_[0][0], &filled_[0][0] + 3 * kPowerSlots, false);
  others_.clear();
  cached_tp_ = l.tensor_parallel;
  cached_pp_ = l.pipeline_parallel;
  stage_params_ = stage_params(work_, l, block_params_);
}

const MicroBatchTime& LayoutEvaluator::micro_batch(const Layout& l) {
  at_base(l);
  const int rc = static_cast<int>(l.recompute);
  const unsigned b = static_cast<unsigned>(l.micro_batch);
  if (b > 0 && (b & (b - 1)) == 0 && b < (1u << kPowerSlots)) {
    const int slot = std::countr_zero(b);
    if (!filled_[rc][slot]) {
      by_power_[rc][slot] = micro_batch_time(sys_, work_, l);
      filled_[rc][slot] = true;
    }
    return by_power_[rc][slot];
  }
  for (const Cached& c : others_) {
    if (c.micro_batch == l.micro_batch && c.recompute == l.recompute) return c.time;
  }
  others_.push_back({l.micro_batch, l.recompute, micro_batch_time(sys_, work_, l)});
  return others_.back().time;
}

LayoutResult LayoutEvaluator::measure(const Layout& l) {
  at_base(l);
  LayoutResult r;
  r.layout = l;
  r.memory = memory_of(work_, l, stage_params_, activation_coefficient_);
  r.fits = r.memory.total_bytes() <= sys_.memory_bytes;
  return r;
}

// time_of sums compute, TP, PP, exposed DP and optimizer time in that
// order, all >= 0; rounding never makes a sum of non-negative doubles
// smaller than its first terms, so this holds bit for bit.
double LayoutEvaluator::step_floor_s(const Layout& l) {
  const MicroBatchTime& mb = micro_batch(l);
  const double slots = step_slots(l);
  return slots * mb.compute_s + slots * mb.tp_comm_s;
}

double LayoutEvaluator::micro_batch_floor_s(const Layout& l) {
  const MicroBatchTime& mb = micro_batch(l);
  return mb.compute_s + mb.tp_comm_s;
}

void LayoutEvaluator::time(LayoutResult& r) {
  const Layout& l = r.layout;
  const MicroBatchTime& mb = micro_batch(l);
  r.time = time_of(sys_, work_, l, mb, stage_params_, model_flops_per_token_,
                   hardware_flops_per_token_[static_cast<int>(l.recompute)]);
}

LayoutResult LayoutEvaluator::evaluate(const Layout& l) {
  LayoutResult r = measure(l);
  time(r);
  return r;
}

}  // namespace scaleplan::planner
