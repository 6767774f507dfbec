#pragma once
// Fine-tuning budgets: full fine-tuning, LoRA and QLoRA side by side.
//
// Memory per GPU (model state sharded ZeRO-3 style over G GPUs):
//   full   N x (2 weights + 2 grads + optimizer bytes incl. fp32 master) / G
//          AdamW 12, 8-bit AdamW 6, Adafactor ~4 (factored 2nd moment),
//          SGD+momentum 8 (Rajbhandari et al. 2020; Dettmers et al. 2022;
//          Shazeer & Stern 2018)
//   LoRA   2 N / G for the frozen bf16 base + N_a x (4 + optimizer) / G,
//          N_a = r (d_in + d_out) per adapted matrix (Hu et al. 2021)
//   QLoRA  NF4 with double quantisation, 4.127 bits per linear parameter,
//          bf16 for the rest; paged optimizer states (Dettmers et al. 2023)
//   + activations per layer 34 s b h (fused attention) or 2 s b h with full
//     recompute (Korthikanti et al. 2022), fp32 logits 4 b s V, and 1.5 GB of
//     runtime overhead.
// FLOPs per token: full 6N (8N with recompute); LoRA and QLoRA 4N + 6 N_a
// (6N + 8 N_a): no weight gradients for the frozen base. QLoRA runs 1.45x
// slower than LoRA on the same GPU (dequantisation; Raschka 2023 measured
// 1.85 h -> 2.79 h): it saves memory and GPUs, not energy per token.

#include <optional>
#include <string>
#include <vector>
#include "planning/constants.h"
#include "systems/constants.h"

#include "footprint/forecast.h"
#include "hardware_db/database.h"
#include "scaleplan/error.h"

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
  std::optional<std::string> model;  // catalogue id, or
  std::optional<double> params;      // a shape derived from N (planner/shape.h)
  double tokens = 0;
  std::string hardware;
  std::vector<Method> methods = {Method::kFull, Method::kLora, Method::kQlora};
  Optimizer optimizer = Optimizer::kAdamW;
  int lora_rank = 16;
  int seq_len = 2048;
  int micro_batch = 4;     // the largest tried; also sets the global batch per GPU
  bool recompute = false;  // force activation recompute
  // When the settings above do not fit: try halving the micro-batch (the
  // same global batch by gradient accumulation) and activation recompute,
  // and keep the least-FLOPs configuration that fits on the fewest GPUs.
  bool search_micro_batch = true;
  bool search_recompute = true;
  std::optional<int> gpus;
  std::optional<double> mfu;
  std::optional<std::string> region;
  std::optional<double> carbon_intensity, pue;
  std::optional<double> power_w;  // per accelerator, for parts with no published TDP

  std::vector<Problem> problems() const;
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
  int micro_batch = 0;            // the configuration chosen
  int gradient_accumulation = 1;  // keeps the requested global batch
  bool recompute = false;
  bool config_changed = false;  // differs from the request's settings
  Memory memory;                // per GPU at that count
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
  std::vector<MethodResult> methods;
};

double lora_params(const hardware_db::ModelShape& shape, int rank);
Memory finetune_memory(const hardware_db::ModelShape& shape, Method method, Optimizer optimizer, int rank,
                       int seq_len, int micro_batch, bool recompute, int gpus);

FinetuneResult plan_finetune(const hardware_db::Database& db, const FinetuneRequest& request);

}  // namespace scaleplan::planner
