#include "planning/plan_json.h"

#include "footprint/eps.h"
#include "footprint/forecast_json.h"
#include "laws/allocation.h"
#include "systems/errors.h"

namespace scaleplan::planner {

using nlohmann::ordered_json;

namespace {

ordered_json option_json(const PlanOption& p) {
  return {{"hardware", p.training.hardware_id},
          {"params", p.params},
          {"tokens", p.tokens},
          {"loss", p.loss},
          {"gpus", p.training.gpus},
          {"wall_days", p.training.wall_days},
          {"energy_kwh", p.energy_kwh},
          {"co2_kg", p.co2_kg},
          {"eps_tier", tier_name(p.tier)}};
}

ordered_json footprint_json(const Footprint& f, const std::string& covers) {
  return {{"covers", covers},
          {"energy_kwh", f.energy_kwh},
          {"co2_kg", f.co2_kg},
          {"co2_operational_kg", f.co2_operational_kg},
          {"co2_embodied_kg", f.co2_embodied_kg}};
}

// The goal and the best option's headline figures (its total's energy and CO2).
void add_headline(const Plan& plan, ordered_json& doc) {
  const PlanOption& b = plan.best;
  doc["goal"] = plan.goal;
  if (plan.goal != "target_loss") doc["budget"] = plan.budget;
  doc["target_loss"] = plan.target_loss;
  doc["params"] = b.params;
  doc["tokens"] = b.tokens;
  doc["tokens_per_param"] = b.tokens / b.params;
  if (plan.unique_tokens) {
    doc["unique_tokens"] = *plan.unique_tokens;
    doc["epochs"] = b.tokens / *plan.unique_tokens;
  }
  doc["loss"] = b.loss;
  doc["flops"] = b.training_flops;
  doc["inference_flops"] = b.inference_flops;
  doc["total_flops"] = b.training_flops + b.inference_flops;
  doc["hardware"] = b.training.hardware_id;
  doc["gpus"] = b.training.gpus;
  doc["wall_days"] = b.training.wall_days;
  if (plan.deadline_days) {
    doc["deadline_days"] = *plan.deadline_days;
    doc["deadline_assumed"] = plan.deadline_assumed;
  }
  doc["gpu_hours"] = b.training.gpu_hours;
  doc["experiment_overhead"] = plan.experiment_overhead;
  doc["final_run_energy_kwh"] = b.training.energy_kwh;
  doc["final_run_co2_kg"] = b.training.co2_kg;
  doc["energy_kwh"] = b.energy_kwh;
  doc["co2_kg"] = b.co2_kg;
  doc["co2_operational_kg"] = b.total.co2_operational_kg;
  doc["co2_embodied_kg"] = b.total.co2_embodied_kg;
  doc["eps_tier"] = tier_name(b.tier);
}

// One block per scope; the headline energy_kwh and co2_kg are the total's.
void add_scopes(const PlanOption& b, ordered_json& doc) {
  doc["training"] = forecast_json(b.training);
  doc["training"]["covers"] = "the final training run";
  doc["experiments"] =
      footprint_json(b.experiments, "the runs before the final one: (experiment_overhead - 1) x it");
  if (b.inference) {
    doc["inference"] = forecast_json(*b.inference);
    doc["inference"]["covers"] = "lifetime serving of the inference tokens";
  } else {
    doc["inference"] = footprint_json(b.serving, "no inference asked for");
  }
  doc["total"] = footprint_json(b.total, "training + experiments + inference");
}

ordered_json chinchilla_json(const Plan& plan, const PlanRequest& request) {
  return {{"params", plan.chinchilla.params},
          {"tokens", plan.chinchilla.tokens},
          {"flops", plan.chinchilla.flops},
          {"total_flops", plan.chinchilla.flops * plan.experiment_overhead +
                              laws::inference_flops(plan.chinchilla.params, request.inference_tokens)},
          {"energy_kwh", plan.chinchilla_energy_kwh},
          {"covers", "training + experiments + inference, as the plan's total"}};
}

}  // namespace

ordered_json plan_json(const Plan& plan, const PlanRequest& request) {
  ordered_json doc = ordered_json::object();
  add_headline(plan, doc);
  add_scopes(plan.best, doc);
  doc["chinchilla_optimal"] = chinchilla_json(plan, request);
  doc["alternatives"] = ordered_json::array();
  for (const auto& a : plan.alternatives) doc["alternatives"].push_back(option_json(a));
  doc["skipped_hardware"] = plan.skipped;
  if (plan.params_ci) {
    doc["intervals"] = {{"replicates_used", plan.replicates_used},
                        {"params", {plan.params_ci->low, plan.params_ci->high}},
                        {"tokens", {plan.tokens_ci->low, plan.tokens_ci->high}},
                        {"energy_kwh", {plan.energy_ci->low, plan.energy_ci->high}}};
  }
  return doc;
}

FinalRunFigures read_final_run(const nlohmann::json& doc, const std::string& label) {
  // A plan's total covers experiments and inference; a log measures one run.
  const auto training = doc.find("training");
  FinalRunFigures f;
  f.from_plan = training != doc.end() && training->is_object() &&
                (doc.value("command", "") == "plan" || doc.contains("total"));
  const nlohmann::json& run = f.from_plan ? *training : doc;
  auto get = [&](const char* key) {
    auto it = run.find(key);
    if (it == run.end() || !it->is_number()) {
      throw PlanError(Field{"plan"}, label + " has no number '" + (f.from_plan ? "training." : "") + key +
                                         "'; expected a `plan --json` or `forecast --json` document");
    }
    return it->get<double>();
  };
  f.gpu_hours = get("gpu_hours");
  f.energy_kwh = get("energy_kwh");
  f.co2_operational_kg = get("co2_operational_kg");
  f.co2_embodied_kg = get("co2_embodied_kg");
  for (auto [key, field] : {std::pair{"pue", &f.pue}, std::pair{"grid_gco2_per_kwh", &f.grid_gco2_per_kwh}}) {
    if (auto it = run.find(key); it != run.end() && it->is_number()) *field = it->get<double>();
  }
  return f;
}

}  // namespace scaleplan::planner
