#pragma once
// The planner: the least-energy (or least-CO2eq) model size N and token
// count D that reach a target loss, on the best of the candidate
// accelerators; and its dual, the lowest loss within a budget.
//
// On one accelerator energy is proportional to FLOPs, so without inference
// the plan is the least-compute point of the iso-loss curve. With lifetime
// inference of T tokens (2 N FLOPs each, Sardana & Frankle 2023) the plan
// minimises 6 N D + 2 N T r, where r is the inference hardware's cost per
// FLOP relative to the training hardware's.

#include <optional>
#include <string>
#include <vector>
#include "planning/constants.h"

#include "footprint/forecast.h"
#include "hardware_db/database.h"
#include "laws/allocation.h"
#include "laws/law.h"
#include "scaleplan/error.h"

namespace scaleplan::planner {

enum class Objective { kEnergy, kCo2 };

struct PlanRequest {
  // Exactly one goal: a target loss, the loss of the compute-optimal model
  // of target_params, or a budget.
  std::optional<double> target_loss;
  std::optional<double> target_params;
  std::optional<double> budget_kwh, budget_co2_kg, budget_flops;

  std::vector<std::string> hardware = {"h100-sxm5-80gb"};  // or {"all"}
  std::optional<int> gpus;                                 // fixed count
  std::optional<double> deadline_days;                     // else: the fewest GPUs meeting it
  std::optional<std::string> region;
  std::optional<double> carbon_intensity, pue;
  std::optional<double> power_w;  // per accelerator, for parts with no published TDP
  std::optional<double> max_params;
  std::optional<double> unique_tokens;
  double inference_tokens = 0;
  std::string inference_hardware;  // default: the training accelerator
  double experiment_overhead = 1;  // final run x F = the whole project
  // Serving energy per token relative to bf16 (quantised serving < 1).
  double inference_energy_factor = 1;
  Objective minimize = Objective::kEnergy;

  std::vector<Problem> problems() const;
};

// What a figure covers. Every comparison uses one scope on both sides.
struct Footprint {
  double energy_kwh = 0, co2_kg = 0, co2_operational_kg = 0, co2_embodied_kg = 0;
};
Footprint footprint_of(const Forecast& f, double times = 1);
Footprint operator+(const Footprint& a, const Footprint& b);

// One accelerator's plan.
struct PlanOption {
  double params = 0, tokens = 0, loss = 0;
  double training_flops = 0, inference_flops = 0;
  Forecast training;                  // the final run
  std::optional<Forecast> inference;  // lifetime serving, when asked for
  Footprint final_run;                // the final training run
  Footprint experiments;              // the runs before it: (overhead - 1) x the final run
  Footprint serving;                  // lifetime inference
  Footprint total;                    // the three together
  double energy_kwh = 0;              // = total.energy_kwh
  double co2_kg = 0;                  // = total.co2_kg
  EpsTier tier = EpsTier::kLow;       // of the training (with experiments)
};

struct Interval {
  double low = 0, high = 0;
};

struct Plan {
  std::string law_name;
  double target_loss = 0;
  std::string goal;  // "target_loss", "budget_kwh", "budget_co2_kg", "budget_flops"
  double budget = 0;
  PlanOption best;
  std::vector<PlanOption> alternatives;  // the other accelerators, best first
  std::vector<std::string> skipped;      // accelerators lacking data, with why
  laws::Allocation chinchilla;           // least-compute plan for the same target
  double chinchilla_energy_kwh = 0;      // its total: training x overhead + inference
  std::optional<double> deadline_days;   // the deadline the GPU count was sized for
  bool deadline_assumed = false;         // kDefaultDeadlineDays, not the user's
  double experiment_overhead = 1;
  std::optional<double> unique_tokens;
  // From a law's bootstrap replicates: 95% intervals.
  int replicates_used = 0;
  std::optional<Interval> params_ci, tokens_ci, energy_ci;
};

Plan make_plan(const hardware_db::Database& db, const laws::Law& law, const PlanRequest& request);

// The request as planned: the default deadline applied when neither a count
// nor a deadline is given.
PlanRequest effective_request(const PlanRequest& request);
// The plan for `target_loss` on one accelerator under `request`'s GPU policy,
// grid and scope: what a recommendation recomputes with one thing changed.
// Its forecasts carry figures only, no assumptions or notes. Throws
// PlanError when the accelerator cannot hold the model or meet the deadline.
PlanOption plan_option(const hardware_db::Database& db, const laws::Law& law, const PlanRequest& request,
                       const std::string& hardware, double target_loss);
double objective_of(const PlanRequest& request, const PlanOption& option);
// A lower bound of objective_of(plan_option(...)) that needs no layout
// search: the same plan with its training at the highest MFU the
// throughput model allows any layout on that accelerator (or the
// database's flat figure, if higher). Energy and carbon scale with 1/MFU
// and nothing else in the objective depends on it. Throws PlanError as
// plan_option would for a request it refuses outright.
double objective_floor(const hardware_db::Database& db, const laws::Law& law, const PlanRequest& request,
                       const std::string& hardware, double target_loss);

// The fewest GPUs (systems/gpu_count.h) that finish `in` within the deadline,
// scanned up from the count that would finish in time at the highest MFU any
// layout reaches (exact near it, a 1% grid far above it; see plan.cpp).
// Throws PlanError when none does, with the fastest found.
Forecast forecast_for_deadline(const hardware_db::Database& db, ForecastInput in, double deadline_days);

// forecast() on the given --gpus; without them, on the cluster a plan would
// choose: the fewest that finish in `deadline_days` (kDefaultDeadlineDays
// when not given; refused beside --gpus or --gpu-hours).
Forecast forecast_default_cluster(const hardware_db::Database& db, const ForecastInput& in,
                                  std::optional<double> deadline_days = std::nullopt);

}  // namespace scaleplan::planner
