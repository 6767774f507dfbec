#pragma once
// The High-tier advisor. A recommendation is the baseline with exactly one
// thing changed (accelerator, region, serving precision, reuse of an open
// model, fine-tuning method, over-training), recomputed by the same models
// with the same target, GPU policy and scope, and listed only when it saves
// at least kMinSavingPct of the objective. Memory measures (a leaner
// optimizer) do not save energy: they are listed apart, with what they free
// and what that enables. Offsets come last: they reduce nothing. Lower tiers
// get the EPS measures for their tier and no invented alternatives.

#include <optional>
#include <string>
#include <vector>
#include "planning/constants.h"

#include "footprint/forecast.h"
#include "hardware_db/database.h"
#include "laws/law.h"
#include "planning/finetune.h"
#include "planning/plan.h"

namespace scaleplan::planner {

enum class Category { kSaving, kMemory, kOffset };
const char* category_name(Category c);

struct Recommendation {
  Category category = Category::kSaving;
  std::string kind;                   // "hardware", "region", "optimizer", "quantised-inference", ...
  std::string title;                  // what to do
  std::string why;                    // one line: what changed and its effect
  double energy_kwh = 0, co2_kg = 0;  // in the advice's scope
  EpsTier tier = EpsTier::kLow;
  double energy_saving_pct = 0, co2_saving_pct = 0, objective_saving_pct = 0;
  std::optional<int> gpus;
  std::optional<double> wall_days;
  std::optional<double> state_gb_per_gpu;  // training state per GPU after the change
  std::optional<double> freed_gb_per_gpu;  // memory measures
  std::string enables;                     // memory measures: fewer GPUs, a smaller card
  std::optional<double> offset_tonnes, offset_credits, offset_cost;
};

struct Advice {
  EpsTier tier = EpsTier::kLow;
  std::string objective = "energy";  // what savings are ranked by
  std::string scope;                 // what every figure covers
  std::vector<std::string> measures;
  std::vector<Recommendation> recommendations;  // only for High: savings by objective, memory, offsets
  std::vector<std::string> not_listed;          // changes tried and why they are not advice
};

// A forecast run (fixed N and D).
struct TrainingRun {
  ForecastInput input;  // params, tokens, hardware, grid options as used
  Forecast forecast;
  double inference_tokens = 0;
  std::string inference_hardware;
};

Advice advise_training(const hardware_db::Database& db, const laws::Law& law, const TrainingRun& run,
                       std::optional<double> offset_price);
// A plan: each change re-planned by plan_option() for the plan's target.
Advice advise_plan(const hardware_db::Database& db, const laws::Law& law, const PlanRequest& request,
                   const Plan& plan, std::optional<double> offset_price);
Advice advise_finetune(const hardware_db::Database& db, const FinetuneRequest& request,
                       const FinetuneResult& result, std::optional<double> offset_price);

}  // namespace scaleplan::planner
