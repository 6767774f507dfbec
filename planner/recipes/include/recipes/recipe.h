#pragma once
// A training recipe for a sized run (N parameters on D tokens): the shape
// (planner/shape.h, or a catalogue model), the global batch and peak
// learning rate from the compute budget (planner/hyperparams.h), the
// schedule, AdamW settings, the parallel layout (planner/default_layout.h),
// steps, and the run's forecast time, energy and CO2eq (planner/forecast.h),
// with the loss the scaling law expects. Everything in it is an estimate.
//
//   global batch  B_opt tokens rounded to whole sequences, then to
//                 micro-batch x DP x accumulation
//   steps         round(D / (global batch x l_seq)): the trained tokens are
//                 within half a step of D
//   warmup        2,000 steps (DeepSeek LLM, Llama 2), at most 10% of steps

#include <optional>
#include <string>
#include <vector>
#include "recipes/constants.h"

#include <nlohmann/json.hpp>

#include "footprint/forecast.h"
#include "hardware_db/database.h"
#include "laws/law.h"
#include "recipes/hyperparams.h"
#include "scaleplan/error.h"
#include "systems/default_layout.h"
#include "systems/shape.h"

namespace scaleplan::planner {

struct RecipeRequest {
  ShapeQuery shape;  // a catalogue model, or N and any given parts (seq_len here too)
  double tokens = 0;
  std::string hardware = "h100-sxm5-80gb";
  int gpus = 0;
  bool raise_gpus_to_fit = false;  // use more GPUs when `gpus` cannot hold the layout
  std::string hyperparams = kDefaultHyperparamLaw;
  Schedule schedule = Schedule::kMultiStep;
  std::optional<double> global_batch_tokens;  // instead of the law's
  std::optional<double> peak_lr;              // instead of the law's
  std::optional<double> mfu;
  std::optional<std::string> region;
  std::optional<double> carbon_intensity, pue;

  std::vector<Problem> problems() const;
};

struct Recipe {
  // The N trained: the N asked for when the shape rule holds it (within
  // 2%), else the shape's own count. The forecast and loss use it, so a
  // recipe for a plan repeats the plan's figures.
  double params = 0;
  hardware_db::ModelShape shape;
  bool shape_derived = false;
  std::vector<std::string> shape_notes;
  int seq_len = 0;
  double tokens = 0;  // planned
  HyperparamLaw law;
  Hyperparams hyperparams;         // what the law gives
  double batch_tokens_target = 0;  // the law's, or the one given
  bool batch_given = false, lr_given = false;
  DefaultLayout layout;
  double global_batch_tokens = 0;
  long long steps = 0;
  double trained_tokens = 0;  // steps x global batch tokens
  ScheduleSpec schedule;
  double peak_lr = 0, final_lr = 0;
  std::string precision = "bf16";
  std::string precision_source;
  Forecast forecast;
  double tokens_per_s = 0;
  double loss = 0;
  std::string loss_law;
  std::vector<std::string> notes;
};

Recipe make_recipe(const hardware_db::Database& db, const laws::Law& law, const RecipeRequest& request);

// The recipe as one JSON object (SI units), every assumption with it
// (planner/src/recipe_json.cpp).
nlohmann::ordered_json recipe_json(const Recipe& recipe);

// Files a trainer reads.
// config.json in the Hugging Face Llama format (LlamaForCausalLM).
nlohmann::ordered_json hf_llama_config(const Recipe& recipe);
// Megatron-LM pretrain_gpt.py arguments, one per line, '#' comments.
std::string megatron_args(const Recipe& recipe);

}  // namespace scaleplan::planner
