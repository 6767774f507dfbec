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

// Fine-tuning MFU default: short, padded instruction-tuning batches run far
// below pre-training utilisation; 5-15% is what small-batch instruction
// tuning implies (Stanford Alpaca's reported cost), single-GPU LoRA reaches
// 30-45% with packed sequences. 0.15 is the top of the padded range.
inline constexpr double kFinetuneMfu = 0.15;
inline constexpr double kQloraSlowdown = 1.45;
inline constexpr double kRuntimeOverheadGb = 1.5;
inline constexpr double kNf4BytesPerParam = 4.127 / 8;

// With neither a GPU count nor a deadline, a plan sizes its cluster for this
// wall clock (an assumption the output states): the fewest accelerators that
// hold the model would give 7B on one GPU for months.
inline constexpr double kDefaultDeadlineDays = 30;

}  // namespace scaleplan::planner
