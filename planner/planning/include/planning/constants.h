#pragma once
// The planning layer's constants: the advisor's thresholds, fine-tuning's
// utilisation and memory figures, the default deadline, each with its source.
// The library README says which test guards each, and which none does yet.

namespace scaleplan::planner {

// A change saving less than this share of the objective is noise next to
// the estimates' own uncertainty, not advice.
inline constexpr double kMinSavingPct = 1;
// An open model replaces pre-training with continued training on this many
// tokens, costed as full fine-tuning (finetune.h): a stated assumption.
inline constexpr double kReuseTokens = 1e9;

// Sequences per optimizer step of a fine-tuning run unless given: the
// QLoRA paper's batch for Guanaco on OASST1 (Dettmers et al. 2023, Table 9).
inline constexpr int kFinetuneGlobalBatch = 16;
// The most tokens a fine-tuning run may process: --tokens' own domain.
inline constexpr double kMaxFinetuneTokens = 1e18;
// Optimizer state beyond the bf16 weight and gradient, fp32 master copy
// included, in bytes per trainable parameter (the peft reference, Sec. 2.1):
// AdamW 12 (kAdamWStateBytesPerParam, systems/constants.h), 8-bit AdamW
// 4 + 1 + 1 (Dettmers et al. 2022), Adafactor 4 (its factored second moment
// ~0; Shazeer & Stern 2018), SGD with momentum 4 + 4.
inline constexpr double kAdamW8bitStateBytesPerParam = 6;
inline constexpr double kAdafactorStateBytesPerParam = 4;
inline constexpr double kSgdStateBytesPerParam = 8;

// Measured energy per token of quantised inference relative to fp16
// (Husom et al. 2025, arXiv:2504.03360, llama.cpp): Llama-3.2-1B int8 0.45,
// 4-bit 0.40; Qwen2.5-0.5B 4-bit used more than int8. Below 3B parameters
// only int8 is proposed.
inline constexpr double kInt8EnergyFactor = 0.45;
inline constexpr double kInt4EnergyFactor = 0.40;
inline constexpr double kInt4MinParams = 3e9;

// The smallest model worth planning: 10M parameters, compute-optimal.
inline constexpr double kSmallestSensibleParams = 1e7;
// The largest GPU count a CodeCarbon row may report; far above any cluster.
inline constexpr int kMaxLoggedGpus = 1'000'000;

// With neither a GPU count nor a deadline, a plan sizes its cluster for this
// wall clock (an assumption the output states): the fewest accelerators that
// hold the model would give 7B on one GPU for months.
inline constexpr double kDefaultDeadlineDays = 30;

}  // namespace scaleplan::planner
