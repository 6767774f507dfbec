// scaleplan plan: the least-energy (N, D) for a target loss, or the best
// loss within a budget, on the best of the candidate accelerators.
#include <cmath>
#include <optional>

#include "api/units.h"
#include "commands.h"
#include "laws/presets.h"
#include "planning/advisor_json.h"
#include "planning/plan.h"
#include "planning/plan_json.h"
#include "recipe_output.h"
#include "recipes/plan_recipe.h"
#include "shared_fields.h"
#include "systems/gpu_count.h"

namespace scaleplan::api {

namespace {

using nlohmann::ordered_json;

// The command's fields; planner::PlanRequest is what it asks the planner.
struct PlanRequest {
  std::optional<double> target_loss, target_params, budget_kwh, budget_co2_kg, budget_flops;
  std::string law = laws::kDefaultLaw;
  std::vector<std::string> hardware = {"h100-sxm5-80gb"};
  std::optional<int> gpus;
  std::optional<double> deadline_days;
  GridFields grid;
  std::optional<double> power_w, max_params, unique_tokens, inference_tokens;
  std::string inference_hardware;
  std::optional<double> experiment_overhead;
  std::string minimize = "energy";
  std::optional<double> offset_price;
  EmitFields emit;
  std::string hardware_db;

  static const Schema<PlanRequest>& schema();
};

const Schema<PlanRequest>& PlanRequest::schema() {
  using R = PlanRequest;
  static const auto s =
      Schema<R>()
          .add({.name = "target_loss", .help = "the loss to reach (nats/token under the law)"},
               &R::target_loss)
          .add({.name = "target_params", .help = "target: the loss of a compute-optimal model of this size"},
               &R::target_params)
          .add({.name = "budget_kwh", .help = "instead of a target: the lowest loss within this energy"},
               &R::budget_kwh)
          .add({.name = "budget_co2_kg", .help = "instead of a target: the lowest loss within this CO2eq"},
               &R::budget_co2_kg)
          .add({.name = "budget_flops", .help = "instead of a target: the lowest loss within these FLOPs"},
               &R::budget_flops)
          .add(law_field(), &R::law)
          .add(with_default(shared_field("hardware", "or a comma-separated list, or all"), "h100-sxm5-80gb"),
               &R::hardware)
          .add(shared_field("gpus", "default: the fewest GPUs that meet the deadline (" +
                                        planner::gpu_count_rule() + ")"),
               &R::gpus)
          .add(shared_field("deadline_days"), &R::deadline_days)
          .group(&R::grid, GridFields::schema("default: world 475 g/kWh"))
          .add(shared_field("power_w", "needed for parts with no published TDP"), &R::power_w)
          .add({.name = "max_params", .help = "largest model allowed"}, &R::max_params)
          .add({.name = "unique_tokens",
                .help = "unique tokens available (repeats decay, Muennighoff et al.)"},
               &R::unique_tokens)
          .add({.name = "inference_tokens", .help = "lifetime inference tokens to serve (2N FLOPs each)"},
               &R::inference_tokens)
          .add({.name = "inference_hardware", .help = "accelerator that serves (default: the training one)"},
               &R::inference_hardware)
          .add({.name = "experiment_overhead", .help = "the whole project costs F x the final run"},
               &R::experiment_overhead)
          .add({.name = "minimize",
                .help = "energy or co2",
                .default_text = "energy",
                .choices = {"energy", "co2"}},
               &R::minimize)
          .add(shared_field("offset_price"), &R::offset_price)
          .group(&R::emit, EmitFields::schema())
          .add(hardware_db_field(), &R::hardware_db);
  return s;
}

// A budget with its unit: "50.0 MWh", "20.0 t", "1e23 FLOPs".
std::string budget_text(const std::string& goal, double budget) {
  if (goal == "budget_kwh") return human_energy_kwh(budget);
  if (goal == "budget_co2_kg") return human_co2_kg(budget) + " CO2eq";
  return short_number(budget) + " FLOPs";
}

// A goal that needs a model past the --params domain (a loss a hair above the
// floor asks for 1e21 parameters and 1e9 GPUs) is refused, not printed.
void refuse_out_of_domain(const planner::Plan& plan, const PlanRequest& r) {
  const Domain& params = *domain_of("--params");
  const Domain& gpus = *domain_of("--gpus");
  const planner::PlanOption& b = plan.best;
  if (b.params <= params.high && b.training.gpus <= gpus.high) return;
  const std::string goal = r.target_loss ? "--target-loss " + as_typed(*r.target_loss) : "the goal";
  throw InputError(goal + " needs " + human_count(b.params) + " parameters on " +
                   accelerator_noun(b.training.hardware_id, b.training.gpus) +
                   ", beyond what a plan covers (" + domain_text(params) + ", up to " +
                   human_count(gpus.high) +
                   " accelerators); expected a target further above the law's floor");
}

// The hardware list as typed, "a,b": an accelerator listed twice is refused
// with it; empty items (a trailing comma) are dropped.
std::vector<std::string> hardware_list(const std::vector<std::string>& given) {
  std::string typed;
  for (size_t i = 0; i < given.size(); ++i) typed += (i == 0 ? "" : ",") + given[i];
  std::vector<std::string> out;
  for (const std::string& h : given) {
    if (h.empty()) continue;
    for (const std::string& seen : out) {
      if (h == seen) {
        throw InputError(Field{"hardware"},
                         "'" + h + "' is listed twice in '" + typed + "'; expected each accelerator once");
      }
    }
    out.push_back(h);
  }
  return out;
}

planner::PlanRequest planner_request(const PlanRequest& r) {
  planner::PlanRequest p;
  p.target_loss = r.target_loss;
  p.target_params = r.target_params;
  p.budget_kwh = r.budget_kwh;
  p.budget_co2_kg = r.budget_co2_kg;
  p.budget_flops = r.budget_flops;
  p.hardware = hardware_list(r.hardware);
  p.gpus = r.gpus;
  p.deadline_days = r.deadline_days;
  r.grid.fill(p);
  p.power_w = r.power_w;
  p.max_params = r.max_params;
  p.unique_tokens = r.unique_tokens;
  p.inference_tokens = r.inference_tokens.value_or(0);
  p.inference_hardware = r.inference_hardware;
  p.experiment_overhead = r.experiment_overhead.value_or(1);
  p.minimize = r.minimize == "co2" ? planner::Objective::kCo2 : planner::Objective::kEnergy;
  return p;
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
          (plan.deadline_assumed
               ? "assumed (no --gpus or --deadline-days): the fewest GPUs that finish in time ("
               : "given: the fewest GPUs that finish in time (") +
              planner::gpu_count_rule() + ")");
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
          "on " + b.inference->hardware_id + " at MFU " + short_number(b.inference->mfu) +
              ", a training figure: memory-bound decode runs lower, so this is an optimistic floor");
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

// plan --emit: the recipe for the best option, in the document and, with
// the whole document as plan.json, in its folder.
planner::Recipe emit_plan_recipe(const hardware_db::Database& db, const laws::Law& law,
                                 const planner::PlanRequest& req, const planner::Plan& plan,
                                 const PlanRequest& r, ordered_json& doc) {
  planner::Recipe recipe = planner::recipe_for_plan(db, law, req, plan.best);
  doc["recipe"] = planner::recipe_json(recipe);
  emit_recipe_folder(r.emit, recipe, doc, {r.hardware_db, r.law});
  return recipe;
}

void add_emitted_recipe(Table& t, const planner::Recipe& recipe, const std::string& dir) {
  Table rows("Training recipe for this plan (estimate):");
  add_recipe_rows(rows, recipe);
  rows.line(emitted_line(dir));
  const std::string text = rows.render();
  t.line(text.substr(0, text.size() - 1));
}

// What a reader sees: the plan, its footprint and scope, the alternatives,
// the advice, the law, and the recipe written with --emit.
struct PlanText {
  planner::Plan plan;
  planner::PlanRequest request;
  planner::Advice advice;
  laws::Law law;
  std::optional<planner::Recipe> recipe;
  std::string emit;

  std::string operator()() const {
    Table t(plan_title(plan, request));
    add_size_rows(t, plan);
    add_forecast_rows(t, plan.best.training);
    add_scope_rows(t, plan);
    add_alternative_lines(t, plan);
    add_advice_rows(t, advice);
    add_law(t, law, plan.best.params, plan.best.tokens);
    if (recipe) add_emitted_recipe(t, *recipe, emit);
    return t.render();
  }
};

Result run_plan(const PlanRequest& r) {
  const planner::PlanRequest req = planner_request(r);
  refuse_problems(req);
  const auto db = hardware_db::Database::load(r.hardware_db);
  const laws::Law law = law_for(r.law, false);
  planner::Plan plan = planner::make_plan(db, law, req);
  refuse_out_of_domain(plan, r);

  auto doc = new_document("plan");
  add_law(doc, law, plan.best.params, plan.best.tokens);
  ordered_json plan_doc = planner::plan_json(plan, req);
  for (auto& [key, value] : plan_doc.items()) doc[key] = std::move(value);
  planner::Advice advice = planner::advise_plan(db, law, req, plan, r.offset_price);
  doc["recommendations"] = planner::advice_json(advice);
  doc["not_recommended"] = advice.not_listed;  // changes tried, and why they are not advice
  std::optional<planner::Recipe> recipe;
  if (r.emit.dir) recipe = emit_plan_recipe(db, law, req, plan, r, doc);
  return {std::move(doc),
          PlanText{std::move(plan), req, std::move(advice), law, std::move(recipe), r.emit.dir.value_or("")}};
}

}  // namespace

Command plan_command() {
  return command<PlanRequest>(
      "plan", "Least-energy model size and tokens for a target loss, or best loss for a budget",
      "Example:\n  scaleplan plan --target-params 7B --hardware all\n"
      "  scaleplan plan --target-loss 2.1 --inference-tokens 2T --region FR --json\n"
      "  scaleplan plan --budget-kwh 50000 --hardware h100-sxm5-80gb,a100-sxm4-80gb",
      run_plan);
}

}  // namespace scaleplan::api
