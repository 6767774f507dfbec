#pragma once
// Learning rate, batch size, schedule and optimizer settings from the
// compute budget, as swappable presets like the loss laws.
//
// DeepSeek LLM (Bi et al. 2024, arXiv:2401.02954, §3.1, eq. 1):
//   eta_opt = 0.3118 C^-0.1250        peak learning rate
//   B_opt   = 0.2920 C^0.3271         global batch in tokens
// with C = M D, D the training tokens and M the non-embedding FLOPs per
// token (§3.2, eq. 2):
//   M = 72 n_layer d^2 + 12 n_layer d l_seq
// Fitted on grid searches from 1e17 to 3e20 FLOPs with their multi-step
// schedule and AdamW (beta1 0.9, beta2 0.95, weight decay 0.1, gradient
// clipping 1.0; §2.3), and confirmed on their 7B and 67B runs. Outside the
// fitted range the numbers are extrapolations and the output says so.

#include <string>
#include <vector>
#include "recipes/constants.h"

#include "hardware_db/database.h"

namespace scaleplan::planner {

struct HyperparamLaw {
  std::string name, citation, caveat;
  double lr_coefficient = 0, lr_exponent = 0;         // eta = a C^b
  double fitted_min_flops = 0, fitted_max_flops = 0;  // C the fit covers
  // The optimizer the law was fitted with.
  double adam_beta1 = 0, adam_beta2 = 0, adam_eps = 0, weight_decay = 0, grad_clip = 0;
  std::string optimizer_source;
};

const std::vector<HyperparamLaw>& hyperparam_presets();
// Throws PlanError naming --hyperparams and the known presets.
const HyperparamLaw& hyperparam_preset(const std::string& name);

struct Hyperparams {
  std::string law;
  double flops_per_token = 0;  // M
  double compute_flops = 0;    // C = M D
  double peak_lr = 0;
  double batch_tokens = 0;
  bool in_fitted_range = true;
  std::string range_note;  // empty inside the fitted range
};

Hyperparams hyperparams_for(const HyperparamLaw& law, const hardware_db::ModelShape& shape, int seq_len,
                            double tokens);

// Learning-rate schedules, each as its source describes it.
//   multi-step  DeepSeek LLM §2.3: linear warmup over 2,000 steps, the peak
//               until 80% of the tokens, 31.6% of it until 90%, then 10%.
//   cosine      Llama 2 (Touvron et al. 2023, arXiv:2307.09288, §2.2):
//               2,000 warmup steps, cosine decay to 10% of the peak.
//   wsd         warmup-stable-decay (Hu et al. 2024, MiniCPM,
//               arXiv:2404.06395, §4): the peak until the last 20% of steps,
//               then a linear cooldown to zero, the length and shape
//               Hägele et al. 2024 (arXiv:2405.18392, §3) found to match
//               cosine; the run can be extended before the cooldown.
// Warmup is capped at 10% of the steps so a short run still spends most
// of its steps at the peak (scaleplan's guard, not a published figure).
enum class Schedule { kMultiStep, kCosine, kWsd };
const char* schedule_name(Schedule s);
Schedule schedule_from_name(const std::string& name);  // throws PlanError (--schedule)

struct ScheduleSpec {
  Schedule kind = Schedule::kMultiStep;
  long long warmup_steps = 0;
  double final_lr_fraction = 0;  // final / peak
  // multi-step: (step from which it applies, fraction of the peak).
  std::vector<std::pair<long long, double>> drops;
  long long decay_steps = 0;  // wsd: length of the cooldown
  std::string source;
};

ScheduleSpec schedule_for(Schedule kind, long long total_steps);
// The learning rate at `step` (0-based) of `total_steps`.
double learning_rate_at(const ScheduleSpec& spec, double peak_lr, long long step, long long total_steps);

}  // namespace scaleplan::planner
