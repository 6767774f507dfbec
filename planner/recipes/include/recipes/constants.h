#pragma once
// The recipes' constants: the hyperparameter preset and schedule figures and
// the architecture defaults a recipe writes, each with its source.
// The library README says which test guards each, and which none does yet.

namespace scaleplan::planner {

inline constexpr const char* kDefaultHyperparamLaw = "deepseek-llm-2024";

// DeepSeek LLM's learning-rate law, eta = 0.3118 C^-0.1250 with C = M D
// (Bi et al. 2024, arXiv:2401.02954, §3.1 eq. 1), fitted from 1e17 to 3e20
// FLOPs, and the AdamW it was fitted with (§2.3: beta1 0.9, beta2 0.95,
// weight decay 0.1, gradient clipping 1.0; epsilon 1e-8, the AdamW default).
inline constexpr double kDeepSeekLrCoefficient = 0.3118, kDeepSeekLrExponent = -0.1250;
inline constexpr double kDeepSeekFittedMinFlops = 1e17, kDeepSeekFittedMaxFlops = 3e20;
inline constexpr double kDeepSeekAdamBeta1 = 0.9, kDeepSeekAdamBeta2 = 0.95, kDeepSeekAdamEps = 1e-8;
inline constexpr double kDeepSeekWeightDecay = 0.1, kDeepSeekGradClip = 1.0;

inline constexpr long long kWarmupSteps = 2000;
inline constexpr double kMaxWarmupShare = 0.10;
// The schedules' shapes (hyperparams.h). Multi-step (DeepSeek LLM §2.3):
// 31.6% of the peak after 80% of the steps, 10% after 90%. Cosine (Llama 2
// §2.2): down to 10% of the peak. Warmup-stable-decay: a linear cooldown to
// zero over the last 20% (Hägele et al. 2024, arXiv:2405.18392 §3).
inline constexpr double kMultiStepFirstDropAt = 0.8, kMultiStepFirstDropTo = 0.316;
inline constexpr double kMultiStepSecondDropAt = 0.9, kMultiStepSecondDropTo = 0.1;
inline constexpr double kCosineFloor = 0.1;
inline constexpr double kWsdCooldownShare = 0.2;

// A recipe rounds the law's batch to whole micro-batches per replica; past
// this share the rounding is worth a note (scaleplan's threshold).
inline constexpr double kBatchRoundingNote = 0.05;

// The Llama settings written to config.json and Megatron's arguments.
// RoPE base 500,000 (Llama 3, arXiv:2407.21783 §3.2); RMSNorm epsilon 1e-5
// (Llama 2 and 3 configs); initialisation std 0.02 (the Llama configs).
inline constexpr double kRopeTheta = 500000;
inline constexpr double kRmsNormEps = 1e-5;
inline constexpr double kInitStd = 0.02;

}  // namespace scaleplan::planner
