#pragma once
// The High-tier advisor: when a run lands in the EPS High tier, each way
// to reduce its footprint is recomputed by the same models (energy, CO2eq,
// tier and saving), with a one-line why. Lower tiers get the EPS measures
// for their tier and no invented alternatives.

#include <optional>
#include <string>
#include <vector>

#include "hardware_db/database.h"
#include "laws/law.h"
#include "planner/finetune.h"
#include "planner/forecast.h"

namespace scaleplan::planner {

struct Recommendation {
  std::string kind;   // "hardware", "region", "optimizer", "quantised-inference", ...
  std::string title;  // what to do
  std::string why;    // one line
  double energy_kwh = 0, co2_kg = 0;
  EpsTier tier = EpsTier::kLow;
  double energy_saving_pct = 0, co2_saving_pct = 0;
  std::optional<int> gpus;                      // where it changes the count
  std::optional<double> offset_tonnes, offset_cost;
};

struct Advice {
  EpsTier tier = EpsTier::kLow;
  std::vector<std::string> measures;
  std::vector<Recommendation> recommendations;  // only for High
};

struct TrainingRun {
  ForecastInput input;  // params, tokens, hardware, grid options as used
  Forecast forecast;
  double inference_tokens = 0;
  std::string inference_hardware;
};

Advice advise_training(const hardware_db::Database& db, const laws::Law& law, const TrainingRun& run,
                       std::optional<double> offset_price);
Advice advise_finetune(const hardware_db::Database& db, const FinetuneRequest& request,
                       const FinetuneResult& result, std::optional<double> offset_price);

}  // namespace scaleplan::planner
