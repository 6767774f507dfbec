#pragma once
// Fine-tuning budgets: full fine-tuning, LoRA and QLoRA side by side, on
// the systems model pre-training uses (systems/layout.h): the same GEMM,
// attention, element-wise, tensor-, pipeline- and data-parallel terms and
// the same layout search (TP, PP, DP, ZeRO 0-3 / FSDP, recompute,
// micro-batch, accumulation), with a frozen base for LoRA and QLoRA
// (systems/transformer_flops.h Training): no weight gradients, optimizer
// state or gradient reduction for the base, the adapters' products and
// launches added, QLoRA's NF4 base dequantised for every product.
//
// Policy: with neither --gpus nor a deadline, the fewest GPUs (in the
// progression of systems/gpu_count.h) on which some layout holds the run,
// and its fastest layout there; with a deadline, the fewest that finish
// within it. Methods are then compared at one micro-batch: the smallest
// any of them needs, the others re-planned at it on their own counts.
// Time is the training loop's steady state: no evaluation, checkpointing
// or restarts (pre-training's goodput is a figure of months-long runs).
// Optimizer state bytes per trainable parameter beyond the bf16 weight and
// gradient: AdamW 12, 8-bit AdamW 6, Adafactor ~4 (factored 2nd moment),
// SGD+momentum 8 (Rajbhandari et al. 2020; Dettmers et al. 2022; Shazeer &
// Stern 2018).

#include <optional>
#include <string>
#include <vector>
#include "planning/constants.h"
#include "systems/constants.h"

#include "footprint/forecast.h"
#include "hardware_db/database.h"
#include "scaleplan/error.h"
#include "systems/layout.h"

namespace scaleplan::planner {

enum class Method { kFull, kLora, kQlora };
enum class Optimizer { kAdamW, kAdamW8bit, kAdafactor, kSgd };
const char* method_name(Method m);
const char* optimizer_name(Optimizer o);
Method method_from_name(const std::string& s);  // throws PlanError
// Optimizer state bytes per trainable parameter beyond the bf16 weight and
// gradient, fp32 master copy included: AdamW 12 (ZeRO: 4 + 4 + 4), 8-bit
// AdamW 6, Adafactor 4, SGD with momentum 8.
double optimizer_bytes(Optimizer o);
Optimizer optimizer_from_name(const std::string& s);  // throws PlanError

struct FinetuneRequest {
  std::optional<std::string> model;              // catalogue id, or
  std::optional<double> params;                  // a shape derived from N (planner/shape.h), or
  std::optional<hardware_db::ModelShape> shape;  // one read from a config.json (systems/hf_config.h)
  double tokens = 0;                             // or examples x epochs x their length:
  std::optional<double> examples;
  int epochs = 1;
  // Mean tokens per example (default: seq_len, every example fills its
  // sequence). Unpacked, each example is padded to seq_len and the padding
  // is computed and paid for; packed, examples are concatenated into full
  // sequences and only their own tokens are processed.
  std::optional<double> mean_length;
  bool packing = false;
  std::string hardware;
  std::vector<Method> methods = {Method::kFull, Method::kLora, Method::kQlora};
  Optimizer optimizer = Optimizer::kAdamW;
  int lora_rank = 16;
  LoraTargets lora_targets = LoraTargets::kAllLinear;
  int seq_len = 2048;
  int global_batch = kFinetuneGlobalBatch;  // sequences per optimizer step
  int micro_batch = 4;                      // kept when search_micro_batch is false
  bool recompute = false;                   // force full activation recompute
  // Let the layout search choose the micro-batch (up to the global batch)
  // and the recomputation; false keeps the request's.
  bool search_micro_batch = true;
  bool search_recompute = true;
  std::optional<int> gpus;
  std::optional<double> deadline_hours;  // the fewest GPUs that finish within it
  std::optional<double> mfu;
  std::optional<std::string> region;
  std::optional<double> carbon_intensity, pue;
  std::optional<double> power_w;  // per accelerator, for parts with no published TDP

  std::vector<Problem> problems() const;
  // The tokens the run processes (padding included) and, of them, padding.
  double processed_tokens() const;
  double padding_tokens() const;
};

// Per GPU, in GB of 1e9 bytes; the capacity it is held to is
// Accelerator::memory_bytes (the datasheet GB read as GiB).
struct Memory {
  double weights_gb = 0, gradients_gb = 0, optimizer_gb = 0, activations_gb = 0, overhead_gb = 0;
  double total_gb() const { return weights_gb + gradients_gb + optimizer_gb + activations_gb + overhead_gb; }
};

struct MethodResult {
  Method method = Method::kFull;
  bool fits = false;
  std::string why_not;  // when it fits on no GPU count
  int gpus = 0;
  Layout layout;                    // the layout chosen (layout.describe())
  int micro_batch = 0;              // its micro-batch and
  int gradient_accumulation = 1;    // accumulation: the global batch per DP replica
  bool recompute = false;           // any recomputation
  bool config_changed = false;      // micro-batch or recompute differ from the request's
  StepTime step;                    // the layout's step (tokens/s, MFU, communication)
  Memory memory;                    // per GPU at that count
  bool deadline_assumed = false;    // the fewest GPUs overran kDefaultDeadlineDays: sized for it
  bool mixture_of_experts = false;  // timed as dense (time_caveat)
  bool deadline_missed = false;     // ... and no count up to the scan's limit finishes within it
  double trainable_params = 0;
  double flops = 0;
  Forecast forecast;  // when it fits
  double energy_kwh = 0, co2_kg = 0;
  EpsTier tier = EpsTier::kLow;
  bool cheapest = false;
};

struct FinetuneResult {
  hardware_db::ModelShape shape;
  bool shape_derived = false;
  double tokens = 0, padding_tokens = 0;  // processed, and the padding among them
  std::vector<MethodResult> methods;
};

// The caveat a method's time carries, empty when none: sharded with
// ZeRO-3/FSDP over several GPUs, eager stacks ran 1.6-3.8x slower than
// modelled (Qwen-7B full fine-tuning on two A100s, QwenLM/Qwen README).
std::string time_caveat(const MethodResult& method);

double lora_params(const hardware_db::ModelShape& shape, int rank,
                   LoraTargets targets = LoraTargets::kAllLinear);
// The workload the systems model runs for one method of a request.
Workload finetune_workload(const FinetuneRequest& request, const hardware_db::ModelShape& shape,
                           const System& system, Method method);

FinetuneResult plan_finetune(const hardware_db::Database& db, const FinetuneRequest& request);

}  // namespace scaleplan::planner
