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
// The eager Hugging Face Llama layer (transformers LlamaRMSNorm,
// apply_rotary_pos_emb, LlamaMLP, the residual adds; one kernel per op)
// moves per token, forward, in bytes: each RMSNorm 36 h (bf16 -> fp32 cast
// 6, square 8, mean 4, scale 8, fp32 -> bf16 cast 6, weight 4), twice; the
// rotary embedding 20 per value of q (h) and k (kv) (two products, the
// rotate-half negation and concatenation, the sum); the residual adds 12 h;
// SiLU and the gate product 10 f. Backward moves about twice the forward,
// so 3 x (104 h + 20 kv + 10 f) per token and layer, at the same ~70% of
// HBM bandwidth as above (a count over the transformers 4.3x code, not a fit).
inline constexpr double kEagerElementwiseBytesPerHidden = 3 * 104 / 0.7;
inline constexpr double kEagerElementwiseBytesPerKv = 3 * 20 / 0.7;
inline constexpr double kEagerElementwiseBytesPerFfn = 3 * 10 / 0.7;
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
// The eager stacks fine-tuning runs on (Hugging Face transformers + PEFT,
// LitGPT) issue one kernel per PyTorch op from Python, and a small
// micro-batch leaves the GPU waiting on the CPU: a pass takes the longer of
// its GPU work and its ops' dispatch. Kernels per layer, counted over the
// transformers Llama layer: ~41 forward (each RMSNorm 8: two casts, square,
// mean, add, rsqrt, two products; q, k, v, o and three MLP products; rotary
// 10; attention and its layout copies 3; SiLU and the gate product 2; two
// residual adds) and ~80 backward (about two per forward op).
inline constexpr double kEagerKernelsPerLayerForward = 41, kEagerKernelsPerLayerBackward = 80;
// PEFT's LoRA linear (peft/tuners/lora/layer.py) adds 5 kernels forward per
// adapted matrix (dropout, the A and B products, the scaling, the add) and
// 7 backward (their gradients, both adapters' weight gradients, the
// input-gradient sum); QLoRA's dequantisation 2 per matrix and pass (the
// double-quantised absmax, then the weights).
inline constexpr double kAdapterKernelsForward = 5, kAdapterKernelsBackward = 7, kDequantKernels = 2;
// CPU time per eager op (Python, the dispatcher, autograd, the launch):
// LitGPT LoRA at micro-batch 1 on ~110-token Alpaca examples, where GPU work
// is a few ms, takes 97 ms per iteration for phi-1.5 (24 layers) and 74 ms
// for StableLM 3B (32 layers) on an A100-SXM4-40GB (LitGPT
// tutorials/resource-tables.md, 10/2023): 28 and 16 us per op at the counts
// above (q, v adapters). 20 us, their middle.
inline constexpr double kEagerOpCpuS = 20e-6;
// QLoRA stores the base's block matrices in NF4 with double quantisation,
// 4.127 bits per weight (Dettmers et al. 2023, Sec. 3), and dequantises a
// matrix to bf16 for each product that uses it, forward and again
// backward: its NF4 bytes read and bf16 bytes written.
inline constexpr double kNf4BytesPerParam = 4.127 / 8;
// bitsandbytes 0.41's dequantisation moves those bytes at ~22% of HBM
// bandwidth: on an A100-SXM4-40GB (1.555 TB/s), NF4 LoRA costs 191 ms more
// per iteration than bf16 LoRA for Llama 2 13B (12.7e9 block weights, two
// passes: 21.5%) and 35 ms more for StableLM 3B (2.5e9: 23%) (LitGPT
// resource tables, micro-batch 1). bitsandbytes 0.48 (PR #1747) reports
// its kernel 1.4-2.1x faster on A100 and H100.
inline constexpr double kDequantHbmFraction = 0.22;
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
// The 80% interval of billed hours: the published runs' measured /
// modelled billed GPU-hours (validation/billed_runs.csv, 23 runs), its 2nd
// and 22nd order statistics, the split-conformal interval that covers a
// new exchangeable run with probability >= 80% (Lei et al. 2018,
// "Distribution-free predictive inference for regression", JASA, sec. 2.2:
// ranks floor(0.1 (n + 1)) and ceil(0.9 (n + 1))). Left out one at a time,
// it covers 19 of the 23 (validate_test).
inline constexpr double kBilledHoursLowFactor = 0.650, kBilledHoursHighFactor = 1.450;
inline constexpr double kBilledHoursIntervalLevel = 0.80;
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
