#pragma once
// The systems model's constants: the step-time, memory, goodput, batch and shape
// models' measured and published figures, each with its source.
// The library README says which test guards each, and which none does yet.

namespace scaleplan::planner {

// NCCL all-reduce bus bandwidth reaches ~75-80% of the rated link
// bandwidth on DGX A100/H100 (NVIDIA nccl-tests results; Jiang et al. 2024,
// MegaScale, Sec. 6). Applied to every link.
inline constexpr double kLinkEfficiency = 0.75;
// Element-wise kernels (norms, activations, residual adds, dropout masks)
// move ~36 h + 6 f values per token and layer, forward and backward,
// in bf16, at ~70% of HBM bandwidth: (36 h + 6 f) x 2 / 0.7 bytes
// (a count over Megatron-LM's fused kernels, Korthikanti et al. 2022 Sec. 4.1).
inline constexpr double kElementwiseBytesPerHidden = 36 * 2 / 0.7;
inline constexpr double kElementwiseBytesPerFfn = 6 * 2 / 0.7;
// Unfused attention moves each s x s score element ~13 bytes forward
// (QK^T output, scale-mask-softmax in and out, dropout in, out and mask,
// read by the AV product) and twice that backward, at ~70% of HBM bandwidth.
inline constexpr double kUnfusedScoreBytes = 26 / 0.7;
// Ring collectives pay a latency per hop: NCCL's ring latency grows
// linearly with the ranks, ~5 us per step over InfiniBand (Jeaugey,
// "Massively Scale Your Deep Learning Training with NCCL 2.4", NVIDIA 2019).
inline constexpr double kRingHopLatencyS = 5e-6;
// Gradients are reduced in buckets of max(40M, 1M x DP) elements
// (Megatron-LM distributed data parallel default).
inline constexpr double kBucketElements = 40e6, kBucketElementsPerReplica = 1e6;
// Communication hidden behind compute still slows it: NCCL kernels take
// SMs and HBM bandwidth from the GEMMs they overlap. Assumed: each second
// of overlapped data-parallel traffic costs 0.15 s of compute.
inline constexpr double kOverlapContention = 0.15;
// Every kernel launch costs time the GPU idles when kernels are short:
// ~60 kernels per layer forward and backward in eager PyTorch at ~5 us of
// launch and dispatch each (the overhead CUDA graphs remove; PyTorch
// "Performance Tuning Guide", NVIDIA "Getting Started with CUDA Graphs").
// It matters for small models: 0.3 ms per layer and micro-batch.
inline constexpr double kLayerLaunchOverheadS = 60 * 5e-6;
// PEFT's LoRA linear (peft/tuners/lora/layer.py) adds ~12 kernels per
// adapted matrix and micro-batch: dropout, the A and B products, the
// scaling and the add forward; their gradients, both adapters' weight
// gradients and the input-gradient sum backward. At the launch cost above.
inline constexpr double kAdapterLaunchOverheadS = 12 * 5e-6;
// QLoRA stores the base's block matrices in NF4 with double quantisation,
// 4.127 bits per weight (Dettmers et al. 2023, Sec. 3), and dequantises a
// matrix to bf16 for each product that uses it: its NF4 bytes read and its
// bf16 bytes written, at HBM bandwidth, forward and again backward.
inline constexpr double kNf4BytesPerParam = 4.127 / 8;
// Mixed-precision AdamW keeps 16 bytes per parameter: bf16 weights and
// gradients (2 + 2) and fp32 master weights, momentum and variance (12)
// (Rajbhandari et al. 2020, "ZeRO", Sec. 3.1). Activations and the
// collectives' payloads are bf16 too.
inline constexpr double kBf16Bytes = 2;
inline constexpr double kAdamWStateBytesPerParam = 12;
inline constexpr double kAdamWBytesPerParam = 2 * kBf16Bytes + kAdamWStateBytesPerParam;
// Megatron-LM's distributed optimizer (--use-distributed-optimizer) shards
// the optimizer state only: ZeRO-1.
inline constexpr int kMegatronZeroStage = 1;
// The GEMM curve of a part with no measurement (hardware_db "gemm"):
// 80% of peak at most, half of it at half the ridge point (peak / HBM
// bandwidth), as assumed for the database's unmeasured records.
inline constexpr double kDefaultGemmMaxEfficiency = 0.8;
inline constexpr double kDefaultGemmHalfIntensityOfRidge = 0.5;
// CUDA context, NCCL buffers and allocator fragmentation per accelerator.
inline constexpr double kRuntimeOverheadBytes = 3e9;
// Optimizer step: read and write fp32 master, m, v and read the gradient.
inline constexpr double kOptimizerBytesPerParam = 36;

// The layout search and the goodput (layout_search.h derives each).
inline constexpr int kLargestMicroBatch = 64;           // sequences; the search tries powers of two up to it
inline constexpr double kBatchLawCoefficient = 0.2920;  // DeepSeek LLM eq. 1
inline constexpr double kBatchLawExponent = 0.3271;
inline constexpr double kGoodputBase = 0.65;
inline constexpr double kGoodputBaseLow = 0.50, kGoodputBaseHigh = 0.95;
inline constexpr double kInterruptionsPerGpuHour = 419.0 / (16384.0 * 54 * 24);
inline constexpr double kHoursLostPerInterruption = 10.0 / 60;

// Accelerators per server: HGX/DGX nodes, and the BLOOM study's 8-GPU
// server (Luccioni et al. 2023). Past one node, counts come in whole nodes
// (gpu_count.h); the footprint counts one server's embodied carbon per node.
inline constexpr int kGpusPerNode = 8;

// The fitted hidden-size law d = a N_ne^b (see the header comment).
inline constexpr double kHiddenCoefficient = 0.841;
inline constexpr double kHiddenExponent = 0.3707;
// Llama 2's 32,000-token SentencePiece vocabulary (Touvron et al. 2023, §2.1).
inline constexpr int kDefaultVocab = 32000;
// Llama 2 and DeepSeek LLM train on 4,096-token sequences: the shape's
// context and the throughput model's sequence.
inline constexpr int kDefaultSeqLen = 4096;
// The count a derived shape keeps to, relative to N.
inline constexpr double kShapeCountTolerance = 0.005;
// Heads of 128 from this width up (Llama, OLMo), of 64 below (Chinchilla
// Table A9, Pythia, Llama 3.2 1B).
inline constexpr int kWideHeadsFrom = 2048;
inline constexpr int kWideHeadDim = 128, kNarrowHeadDim = 64;
// Whole groups of heads, so tensor parallelism has divisors to use: 4 heads
// per step below d = 4096, 8 from there (TP 8 within a node, the split the
// large models need; Narayanan et al. 2021 §3.3).
inline constexpr int kEightHeadsFrom = 4096;
// Llama 3 uses 8 K/V groups at every size (Dubey et al. 2024, Table 3).
inline constexpr int kKvGroups = 8;
// Published MLP widths run from 8d/3 (Llama 1/2, OLMo) to 4d (Pythia,
// Chinchilla); outside 2..5 x d a shape is unusual enough to say so.
inline constexpr double kUsualFfnRatioLow = 2, kUsualFfnRatioHigh = 5;

}  // namespace scaleplan::planner
