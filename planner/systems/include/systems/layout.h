#pragma once
// One parallel layout of a training run: its memory per accelerator and its
// step time.
//
// Layout: TP x PP x DP = accelerators; micro-batch b sequences of s tokens,
// m micro-batches per step and replica (gradient accumulation), v
// interleaved pipeline chunks per accelerator, recomputation, ZeRO stage
// (Layout below, in Megatron-LM's names).
//
// Memory per accelerator (bytes) on the busiest pipeline stage:
//   weights 2 P, gradients 2 P, AdamW state 12 P (fp32 master, m, v), with
//   P the stage's weights / TP; ZeRO-1 shards the optimizer state over DP,
//   ZeRO-2 the gradients too, ZeRO-3 (FSDP) the weights too (Rajbhandari et
//   al. 2020, Sec. 5).
//   activations per layer and micro-batch, tensor and sequence parallel
//   (Korthikanti et al. 2022, eq. 2-5, Table 2):
//     none       s b h (c + 5 a s / h) / t
//     selective  s b h c / t
//     full       2 s b h / t (+ one layer's working set while recomputing)
//   c = 34 for GPT (attention 11, MLP 19, layer norms 4), generalised here
//   to grouped-query attention (7 + 4 kv/a) and an MLP of width f
//   (3 + 4 f/h, gated 3 + 6 f/h). The first stage keeps min(m, PP)
//   micro-batches in flight (1F1B), x (1 + (PP-1)/(PP v)) interleaved.
//   The last stage adds fp32 logits, 4 s b V / t per micro-batch.
//
// Step time on the slowest stage:
//   GEMMs at max_eff x peak x I / (I + I_half) per matrix product, I its
//   arithmetic intensity (hardware_db "gemm"); the attention core (s x d x
//   s products per head) on the same curve; element-wise work (norms,
//   activations, residuals, dropout) memory-bound at HBM bandwidth;
//   TP: 4 all-reduce volumes per layer (6 with full recompute), 2 (t-1)/t
//   x s b h x 2 bytes each, on the scale-up link, not overlapped (Megatron);
//   PP: 1F1B, step = (m + (PP-1)/v) x stage time, plus the point-to-point
//   activations (Narayanan et al. 2021, Sec. 2.2);
//   DP: reduce-scatter of bf16 gradients and all-gather of weights, ring
//   volume 2 (d-1)/d x 2 P bytes, overlapped with the last micro-batch's
//   backward pass (and the first forward); ZeRO-3 gathers the weights
//   again for every micro-batch, overlapped with its compute;
//   the optimizer step, memory-bound (36 bytes per sharded parameter).
// Links run at kLinkEfficiency of their rated bandwidth.
//
// A frozen base (Workload::training, LoRA and QLoRA) keeps its weights
// (bf16, or NF4 for QLoRA's block matrices) but gradients and optimizer
// state only for the adapters; its backward pass runs each weight product
// once (the input gradient), adds the adapters' small products and
// launches, and QLoRA dequantises every block matrix forward and backward;
// only the adapters' gradients are reduced over DP, while ZeRO-3 still
// gathers the stored base weights every micro-batch.

#include <optional>
#include <string>
#include <vector>
#include "systems/constants.h"

#include "hardware_db/database.h"
#include "systems/transformer_flops.h"

namespace scaleplan::planner {

// The software stack's two choices that move step time most. Defaults are
// today's: FlashAttention (Dao et al. 2022), whose causal kernels skip the
// masked half and never store the s x s scores, and gradient reduction
// overlapped with the backward pass (Megatron-LM --overlap-grad-reduce,
// PyTorch DDP/FSDP buckets). Megatron-LM as measured in 2021-22 (Narayanan
// et al. 2021, Korthikanti et al. 2022) had neither.
//
// fused_elementwise: Megatron-LM's fused norm, bias-activation and
// residual kernels; false is the eager Hugging Face transformers stack
// most fine-tuning runs on (PyTorch ops one by one, norms in fp32), which
// moves ~4x the element-wise bytes and waits on the CPU's dispatch of
// each op when micro-batches are small (kEager*, constants.h).
struct Stack {
  bool fused_attention = true;
  bool overlap_dp = true;
  bool fused_elementwise = true;
};

// The accelerator as the model sees it, in SI units.
struct System {
  std::string id;
  double peak_flops = 0;    // dense BF16 (or FP16)
  double memory_bytes = 0;  // HBM capacity (Accelerator::memory_bytes)
  double hbm_bytes_per_s = 0;
  int node_size = 8;                                    // accelerators in one scale-up domain
  double intra_bytes_per_s = 0, inter_bytes_per_s = 0;  // per accelerator, per direction
  double gemm_max_efficiency = kDefaultGemmMaxEfficiency, gemm_half_intensity = 100;
  bool fused_attention = true;  // FlashAttention kernels exist for the part
  // The fused kernel's measured FLOP/s by sequence length (the database's
  // attention rates); empty: attention at the GEMM rate.
  struct AttentionRate {
    double seq_len = 0, forward_flops_per_s = 0, backward_flops_per_s = 0;
  };
  std::vector<AttentionRate> attention_rates;
  std::string attention_kernel;
};
// The stack a run on `system` gets by default: fused attention where the
// part has it, overlapped gradient reduction.
Stack default_stack(const System& system);
// Throws PlanError when the database lacks what the model needs.
// `network_gbps` (Gbit/s per accelerator) replaces the scale-out link.
System system_for(const hardware_db::Accelerator& acc, std::optional<double> network_gbps = std::nullopt);

// One parallel layout, in Megatron-LM's terms (ModelParallelConfig and the
// pretrain_gpt.py arguments): the type the search ranks, the recipe writes
// and the JSON prints.
struct Layout {
  int tensor_parallel = 1;                 // --tensor-model-parallel-size, within one node
  int pipeline_parallel = 1;               // --pipeline-model-parallel-size
  int data_parallel = 1;                   // the replicas: accelerators / (TP x PP)
  int virtual_pipeline = 1;                // interleaved 1F1B chunks per accelerator (1: not interleaved)
  int micro_batch = 1;                     // --micro-batch-size, sequences
  int num_micro_batches = 1;               // per step and replica: the gradient accumulation
  Recompute recompute = Recompute::kNone;  // --recompute-activations (selective), --recompute-granularity
  // ZeRO (Rajbhandari et al. 2020): 0 none, 1 the optimizer state sharded
  // (Megatron-LM --use-distributed-optimizer), 2 + gradients, 3 + weights (FSDP).
  int zero_stage = 1;
  int gpus() const { return tensor_parallel * pipeline_parallel * data_parallel; }
  // --sequence-parallel: the memory and time model assume it with every TP > 1
  // (Korthikanti et al. 2022), so it is not a choice of its own.
  bool sequence_parallel() const { return tensor_parallel > 1; }
  // --global-batch-size: micro-batch x DP x micro-batches.
  long long global_batch_sequences() const {
    return static_cast<long long>(micro_batch) * data_parallel * num_micro_batches;
  }
  std::string describe() const;  // "TP8 PP4 DP32 mb1 x16 v2 selective ZeRO-1"
};

struct Workload {
  hardware_db::ModelShape shape;
  int seq_len = kDefaultSeqLen;
  double global_batch_seqs = 0;  // sequences per optimizer step
  Stack stack;
  Training training;  // every weight, or adapters on a frozen base
};

struct LayoutMemory {
  double weights_bytes = 0, gradients_bytes = 0, optimizer_bytes = 0, activations_bytes = 0,
         overhead_bytes = 0;
  double total_bytes() const {
    return weights_bytes + gradients_bytes + optimizer_bytes + activations_bytes + overhead_bytes;
  }
};

struct StepTime {
  double compute_s = 0;     // GEMMs, attention, element-wise, on the pipeline (incl. bubble)
  double tp_comm_s = 0;     // tensor-parallel collectives (incl. bubble share)
  double pp_comm_s = 0;     // point-to-point between stages
  double bubble_s = 0;      // idle share of the above: (PP-1)/v stage times
  double dp_comm_s = 0;     // gradient and weight collectives, total
  double dp_exposed_s = 0;  // the part not hidden behind compute (+ contention of the rest)
  double optimizer_s = 0;
  double step_s = 0;
  double tokens_per_s = 0;  // whole run
  double mfu = 0, hfu = 0;
  double dp_overlapped_fraction() const { return dp_comm_s > 0 ? 1 - dp_exposed_s / dp_comm_s : 1; }
};

struct LayoutResult {
  Layout layout;
  LayoutMemory memory;
  StepTime time;
  bool fits = false;
};

LayoutMemory layout_memory(const System& system, const Workload& work, const Layout& layout);
// The whole model's training state in bytes, before any sharding: its
// stored weights and the trained ones' gradients and optimizer state (no
// activations). Over G accelerators no layout holds less than this / G.
double model_state_bytes(const Workload& work);
StepTime step_time(const System& system, const Workload& work, const Layout& layout);
LayoutResult evaluate_layout(const System& system, const Workload& work, const Layout& layout);

// Empty when the layout is valid for the workload and system; else one
// line naming the constraint (TP beyond a node, heads not divisible by TP,
// a global batch smaller than one micro-batch per replica, ...).
std::string layout_problem(const System& system, const Workload& work, const Layout& layout);

// The same test without building the message: a search rejects thousands
// of layouts and reads none of the reasons.
bool layout_valid(const System& system, const Workload& work, const Layout& layout);

namespace detail {
// One micro-batch, forward and backward, through the busiest stage.
struct MicroBatchTime {
  double compute_s = 0, tp_comm_s = 0, backward_s = 0, forward_s = 0;
};
}  // namespace detail

// Evaluates many layouts of one workload, as a search does: what depends on
// the workload alone is computed once, and a micro-batch's time once per
// TP, PP, micro-batch and recomputation (ZeRO and interleaving leave it as
// it is). Its figures are evaluate_layout's, bit for bit. Holds references
// to `system` and `work`; one per search, not shared between threads.
class LayoutEvaluator {
 public:
  LayoutEvaluator(const System& system, const Workload& work);
  LayoutResult evaluate(const Layout& layout);
  // The layout, its memory and whether it fits; the time left at zero.
  LayoutResult measure(const Layout& layout);
  // Fills in r.time, as evaluate would.
  void time(LayoutResult& r);
  // A lower bound of time(r).step_s, for a fraction of its work: a search
  // skips the time of layouts that cannot rank.
  double step_floor_s(const Layout& layout);
  // One micro-batch's compute and tensor-parallel time on the busiest
  // stage, the part of a step that no ZeRO stage or interleaving changes.
  double micro_batch_floor_s(const Layout& layout);

 private:
  void at_base(const Layout& layout);  // a new TP x PP empties the caches
  const detail::MicroBatchTime& micro_batch(const Layout& layout);

  struct Cached {
    int micro_batch;
    Recompute recompute;
    detail::MicroBatchTime time;
  };
  static constexpr int kPowerSlots = 8;  // micro-batches 1, 2, 4 ... 128: a slot each
  const System& sys_;
  const Workload& work_;
  double block_params_, activation_coefficient_, model_flops_per_token_;
  double hardware_flops_per_token_[3];  // by Recompute
  int cached_tp_ = 0, cached_pp_ = 0;   // the TP x PP the caches hold
  double stage_params_ = 0;             // stage_params at that TP x PP
  bool filled_[3][kPowerSlots] = {};    // by Recompute and log2 of the micro-batch
  detail::MicroBatchTime by_power_[3][kPowerSlots];
  std::vector<Cached> others_;  // micro-batches that are no power of two
};

}  // namespace scaleplan::planner
