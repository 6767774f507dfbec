#pragma once
// The recipes' constants: the hyperparameter preset and schedule figures and
// the architecture defaults a recipe writes, each with its source.
// The library README says which test guards each, and which none does yet.

namespace scaleplan::planner {

inline constexpr const char* kDefaultHyperparamLaw = "deepseek-llm-2024";

inline constexpr long long kWarmupSteps = 2000;
inline constexpr double kMaxWarmupShare = 0.10;

// The Llama settings written to config.json and Megatron's arguments.
// RoPE base 500,000 (Llama 3, arXiv:2407.21783 §3.2); RMSNorm epsilon 1e-5
// (Llama 2 and 3 configs); initialisation std 0.02 (the Llama configs).
inline constexpr double kRopeTheta = 500000;
inline constexpr double kRmsNormEps = 1e-5;
inline constexpr double kInitStd = 0.02;

}  // namespace scaleplan::planner
