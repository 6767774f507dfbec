// scaleplan plan: the least-energy (N, D) for a target loss, or the best
// loss within a budget, on the best of the candidate accelerators.
#include <cmath>
#include <sstream>

#include "commands.h"
#include "forecast_output.h"
#include "planning/plan.h"
#include "planning/plan_json.h"
#include "recipe_output.h"
#include "units.h"

namespace scaleplan::cli {

namespace {

using nlohmann::ordered_json;

struct PlanOptions {
  std::string target_loss, target_params, budget_kwh, budget_co2, budget_flops;
  std::string law;
  std::string hardware = "h100-sxm5-80gb";
  std::string gpus, deadline_days, region, carbon_intensity, pue, power_w, max_params, unique_tokens;
  std::string inference_tokens, inference_hardware, experiment_overhead;
  std::string minimize = "energy";
  std::string offset_price;
  std::string hardware_db;
  std::string emit_dir;
  bool force = false;
  bool json = false;
};

std::vector<std::string> split_list(const std::string& s) {
  std::vector<std::string> out;
  std::stringstream ss(s);
  for (std::string item; std::getline(ss, item, ',');) {
    if (!item.empty()) out.push_back(item);
  }
  return out;
}

// A budget with its unit: "50.0 MWh", "20.0 t", "1e23 FLOPs".
std::string budget_text(const std::string& goal, double budget) {
  if (goal == "budget_kwh") return human_energy_kwh(budget);
  if (goal == "budget_co2_kg") return human_co2_kg(budget) + " CO2eq";
  return short_number(budget) + " FLOPs";
}

// A goal that needs a model past the --params domain (a loss a hair above the
// floor asks for 1e21 parameters and 1e9 GPUs) is refused, not printed.
void refuse_out_of_domain(const planner::Plan& plan, const PlanOptions& o) {
  const Domain& params = *domain_of("--params");
  const Domain& gpus = *domain_of("--gpus");
  const planner::PlanOption& b = plan.best;
  if (b.params <= params.high && b.training.gpus <= gpus.high) return;
  std::string goal = "--target-loss " + o.target_loss;
  if (o.target_loss.empty()) goal = "the goal";
  throw InputError(goal + " needs " + human_count(b.params) + " parameters on " +
                   accelerator_noun(b.training.hardware_id, b.training.gpus) +
                   ", beyond what a plan covers (" + domain_text(params) + ", up to " +
                   human_count(gpus.high) +
                   " accelerators); expected a target further above the law's floor");
}

planner::PlanRequest request_from(const PlanOptions& o) {
  planner::PlanRequest r;
  if (!o.target_loss.empty()) r.target_loss = parse_quantity(o.target_loss, "--target-loss");
  r.target_params = optional_quantity(o.target_params, "--target-params");
  r.budget_kwh = optional_quantity(o.budget_kwh, "--budget-kwh");
  r.budget_co2_kg = optional_quantity(o.budget_co2, "--budget-co2-kg");
  r.budget_flops = optional_quantity(o.budget_flops, "--budget-flops");
  r.hardware = split_list(o.hardware);
  for (size_t i = 0; i < r.hardware.size(); ++i) {
    for (size_t j = 0; j < i; ++j) {
      if (r.hardware[i] == r.hardware[j]) {
        throw InputError("--hardware: '" + r.hardware[i] + "' is listed twice in '" + o.hardware +
                         "'; expected each accelerator once");
      }
    }
  }
  if (!o.gpus.empty()) r.gpus = parse_count(o.gpus, "--gpus");
  r.deadline_days = optional_quantity(o.deadline_days, "--deadline-days");
  if (!o.region.empty()) r.region = o.region;
  r.carbon_intensity = optional_quantity(o.carbon_intensity, "--carbon-intensity");
  r.pue = optional_quantity(o.pue, "--pue");
  r.power_w = optional_quantity(o.power_w, "--power-w");
  r.max_params = optional_quantity(o.max_params, "--max-params");
  r.unique_tokens = optional_quantity(o.unique_tokens, "--unique-tokens");
  r.inference_tokens = optional_quantity(o.inference_tokens, "--inference-tokens").value_or(0);
  r.inference_hardware = o.inference_hardware;
  r.experiment_overhead = optional_quantity(o.experiment_overhead, "--experiment-overhead").value_or(1);
  r.minimize = o.minimize == "co2" ? planner::Objective::kCo2 : planner::Objective::kEnergy;
  return r;
}

std::string footprint_text(const planner::Footprint& f) {
  return human_energy_kwh(f.energy_kwh) + ", " + human_co2_kg(f.co2_kg);
}

std::string plan_title(const planner::Plan& plan, const planner::PlanRequest& req) {
  return "Plan (estimate): loss " + short_number(plan.target_loss) + " at the least " +
         (req.minimize == planner::Objective::kCo2 ? "CO2eq" : "energy") +
         (plan.goal == "target_loss" ? "" : " within a budget of " + budget_text(plan.goal, plan.budget));
}

// Size, tokens and FLOPs of the best option, against Chinchilla's.
void add_size_rows(Table& t, const planner::Plan& plan) {
  const planner::PlanOption& b = plan.best;
  t.row("parameters", human_count(b.params),
        plan.params_ci
            ? "95% [" + human_count(plan.params_ci->low) + ", " + human_count(plan.params_ci->high) + "]"
            : "");
  t.row("tokens", human_count(b.tokens),
        short_number(b.tokens / b.params) + " tokens/param" +
            (plan.unique_tokens ? ", " + short_number(b.tokens / *plan.unique_tokens) + " epochs" : ""));
  t.row("training FLOPs", short_number(b.training_flops),
        b.inference_flops > 0 ? "+ " + short_number(b.inference_flops) +
                                    " inference = " + short_number(b.training_flops + b.inference_flops)
                              : "");
  const bool scoped = plan.experiment_overhead > 1 || b.inference;
  t.row("Chinchilla-optimal",
        human_count(plan.chinchilla.params) + " / " + human_count(plan.chinchilla.tokens),
        "params / tokens for the same loss, " + human_energy_kwh(plan.chinchilla_energy_kwh) +
            (scoped ? " (total, as the plan's " + human_energy_kwh(b.energy_kwh) + ")" : ""));
  if (plan.deadline_days) {
    t.row("deadline", short_number(*plan.deadline_days) + " days",
          plan.deadline_assumed ? "assumed (no --gpus or --deadline-days): the fewest GPUs that finish in "
                                  "time (whole 8-GPU nodes past 8)"
                                : "given: the fewest GPUs that finish in time (whole 8-GPU nodes past 8)");
  }
}

// The rows of the final run are its own; these say what each figure covers.
void add_scope_rows(Table& t, const planner::Plan& plan) {
  const planner::PlanOption& b = plan.best;
  if (plan.experiment_overhead <= 1 && !b.inference) return;
  t.row("scope: final run", footprint_text(b.final_run), "the training run above");
  if (plan.experiment_overhead > 1) {
    t.row("scope: experiments", footprint_text(b.experiments),
          "(x" + short_number(plan.experiment_overhead) + " - 1) x the final run");
  }
  if (b.inference) {
    t.row("scope: inference", footprint_text(b.serving),
          "on " + b.inference->hardware_id + ", same MFU as training assumed: an optimistic floor");
  }
  t.row("scope: total", footprint_text(b.total), "what the plan minimises and recommendations compare");
}

void add_alternative_lines(Table& t, const planner::Plan& plan) {
  if (plan.alternatives.empty()) return;
  const bool target = plan.goal == "target_loss";
  t.line(target ? "Alternatives (same loss, same GPU policy, total):"
                : "Alternatives (each held to the budget: its best loss within it, total):");
  for (const auto& a : plan.alternatives) {
    t.line("  " + a.training.hardware_id + ": " + (target ? "" : "loss " + short_number(a.loss) + ", ") +
           human_energy_kwh(a.energy_kwh) + ", " + human_co2_kg(a.co2_kg) + ", " +
           planner::tier_name(a.tier) + ", " + accelerator_noun(a.training.hardware_id, a.training.gpus) +
           ", " + human_days(a.training.wall_days));
  }
}

// plan --emit: the recipe folder for the best option, and its rows.
void add_emitted_recipe(const hardware_db::Database& db, const laws::Law& law,
                        const planner::PlanRequest& req, const planner::Plan& plan, const PlanOptions& o,
                        ordered_json& doc, Table& t) {
  const planner::Recipe recipe =
      emit_plan_folder(db, law, req, plan.best, doc, o.emit_dir, o.force, {o.hardware_db, o.law});
  Table rows("Training recipe for this plan (estimate):");
  add_recipe_rows(rows, recipe);
  rows.line("wrote " + folder_name(o.emit_dir) + "/config.json, megatron-args.txt and plan.json");
  const std::string text = rows.render();
  t.line(text.substr(0, text.size() - 1));
}

void run_plan(const PlanOptions& o) {
  const planner::PlanRequest req = request_from(o);
  if (auto p = req.problems(); !p.empty()) throw_problem<InputError>(p.front());
  const auto db = hardware_db::Database::load(o.hardware_db);
  const laws::Law law = law_for(o.law, false);
  const planner::Plan plan = planner::make_plan(db, law, req);
  refuse_out_of_domain(plan, o);

  auto doc = new_document("plan");
  add_law(doc, law);
  nlohmann::ordered_json plan_doc = planner::plan_json(plan, req);
  for (auto& [key, value] : plan_doc.items()) doc[key] = std::move(value);
  const planner::Advice advice =
      planner::advise_plan(db, law, req, plan, optional_quantity(o.offset_price, "--offset-price"));
  doc["recommendations"] = planner::advice_json(advice);
  doc["not_recommended"] = advice.not_listed;  // changes tried, and why they are not advice
  // The table only for a reader: the API and --json never show it.
  Table t(plan_title(plan, req));
  if (!o.json) {
    add_size_rows(t, plan);
    add_forecast_rows(t, plan.best.training);
    add_scope_rows(t, plan);
    add_alternative_lines(t, plan);
    add_advice_rows(t, advice);
    add_law(t, law);
  }
  if (!o.emit_dir.empty()) add_emitted_recipe(db, law, req, plan, o, doc, t);
  emit(o.json, std::move(doc), o.json ? std::string() : t.render());
}

}  // namespace

void setup_plan(CLI::App& app) {
  auto o = std::make_shared<PlanOptions>();
  auto* sub = app.add_subcommand(
      "plan", "Least-energy model size and tokens for a target loss, or best loss for a budget");
  sub->add_option("--target-loss", o->target_loss, "the loss to reach (nats/token under the law)");
  sub->add_option("--target-params", o->target_params,
                  "target: the loss of a compute-optimal model of this size");
  sub->add_option("--budget-kwh", o->budget_kwh, "instead of a target: the lowest loss within this energy");
  sub->add_option("--budget-co2-kg", o->budget_co2, "instead of a target: the lowest loss within this CO2eq");
  sub->add_option("--budget-flops", o->budget_flops,
                  "instead of a target: the lowest loss within these FLOPs");
  add_law_option(*sub, o->law);
  add_shared_option(*sub, "--hardware", o->hardware, "or a comma-separated list, or all")
      ->capture_default_str();
  add_shared_option(*sub, "--gpus", o->gpus,
                    "default: the fewest GPUs that meet the deadline (whole 8-GPU nodes past 8)");
  sub->add_option("--deadline-days", o->deadline_days,
                  "wall-clock limit: the fewest GPUs that meet it (default 30)");
  add_shared_option(*sub, "--region", o->region, "default: world 475 g/kWh");
  add_shared_option(*sub, "--carbon-intensity", o->carbon_intensity);
  add_shared_option(*sub, "--pue", o->pue);
  add_shared_option(*sub, "--power-w", o->power_w, "needed for parts with no published TDP");
  sub->add_option("--max-params", o->max_params, "largest model allowed");
  sub->add_option("--unique-tokens", o->unique_tokens,
                  "unique tokens available (repeats decay, Muennighoff et al.)");
  sub->add_option("--inference-tokens", o->inference_tokens,
                  "lifetime inference tokens to serve (2N FLOPs each)");
  sub->add_option("--inference-hardware", o->inference_hardware,
                  "accelerator that serves (default: the training one)");
  sub->add_option("--experiment-overhead", o->experiment_overhead,
                  "the whole project costs F x the final run");
  sub->add_option("--minimize", o->minimize, "energy or co2")
      ->check(CLI::IsMember({"energy", "co2"}))
      ->capture_default_str();
  add_shared_option(*sub, "--offset-price", o->offset_price);
  add_emit_options(*sub, o->emit_dir, o->force);
  add_hardware_db_option(*sub, o->hardware_db);
  add_json_flag(*sub, o->json);
  sub->footer(
      "Example:\n  scaleplan plan --target-params 7B --hardware all\n"
      "  scaleplan plan --target-loss 2.1 --inference-tokens 2T --region FR --json\n"
      "  scaleplan plan --budget-kwh 50000 --hardware h100-sxm5-80gb,a100-sxm4-80gb");
  reset_each_parse(*sub, o);
  sub->callback([o] { run_plan(*o); });
}

}  // namespace scaleplan::cli
