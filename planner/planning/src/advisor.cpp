#include "planning/advisor.h"
#include "systems/number_text.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <functional>
#include <tuple>

#include "hardware_db/database.h"
#include "laws/allocation.h"
#include "planning/allocation_memo.h"
#include "systems/throughput.h"

namespace scaleplan::planner {

namespace {

// An energy factor as the recommendations write it: 0.40x.
std::string factor_text(double factor) { return number_text(factor, "%.2f") + "x"; }

// Whether the advisor can cost a run on the part.
bool usable(const hardware_db::Accelerator& a) { return a.tdp_w && a.mfu_typical && a.memory_gb; }

// The cleanest grid with recent data: countries and cloud regions.
const hardware_db::GridRegion* cleanest_grid(const hardware_db::Database& db) {
  const hardware_db::GridRegion* best = nullptr;
  for (const auto& g : db.grids()) {
    if (g.scope == hardware_db::GridScope::kWorld || g.is_old()) continue;
    if (!best || g.gco2_per_kwh < best->gco2_per_kwh) best = &g;
  }
  return best;
}

// Collects recommendations against one baseline and one objective.
class AdviceCollector {
 public:
  AdviceCollector(Advice& advice, Footprint base, bool minimize_co2)
      : a_(advice), base_(base), co2_(minimize_co2) {}

  // A saving measure: listed only when it saves kMinSavingPct of the
  // objective, or of CO2 for a measure (`co2_lever`) that moves only CO2.
  Recommendation* saving(std::string kind, std::string title, std::string why, const Footprint& f,
                         bool co2_lever = false) {
    Recommendation r = make(std::move(kind), std::move(title), std::move(why), f);
    const double judged = co2_lever ? r.co2_saving_pct : r.objective_saving_pct;
    if (!(judged >= kMinSavingPct)) {
      a_.not_listed.push_back(r.title + ": " + (r.objective_saving_pct < 0 ? "costs " : "saves only ") +
                              number_text(std::fabs(judged)) + "% " + (co2_lever ? "CO2eq" : a_.objective));
      return nullptr;
    }
    a_.recommendations.push_back(r);
    return &a_.recommendations.back();
  }
  Recommendation make(std::string kind, std::string title, std::string why, const Footprint& f) const {
    Recommendation r;
    r.kind = std::move(kind);
    r.title = std::move(title);
    r.why = std::move(why);
    r.energy_kwh = f.energy_kwh;
    r.co2_kg = f.co2_kg;
    r.tier = eps_tier(f.energy_kwh, f.co2_kg);
    r.energy_saving_pct = base_.energy_kwh > 0 ? (1 - f.energy_kwh / base_.energy_kwh) * 100 : 0;
    r.co2_saving_pct = base_.co2_kg > 0 ? (1 - f.co2_kg / base_.co2_kg) * 100 : 0;
    r.objective_saving_pct = co2_ ? r.co2_saving_pct : r.energy_saving_pct;
    return r;
  }
  void skip(const std::string& what, const std::string& why) { a_.not_listed.push_back(what + ": " + why); }
  // Savings first by the objective, then memory measures, then offsets.
  void finish(std::optional<double> offset_price) {
    auto rank = [](const Recommendation& r) { return static_cast<int>(r.category); };
    std::stable_sort(a_.recommendations.begin(), a_.recommendations.end(),
                     [&](const Recommendation& x, const Recommendation& y) {
                       if (rank(x) != rank(y)) return rank(x) < rank(y);
                       return x.objective_saving_pct > y.objective_saving_pct;
                     });
    Recommendation r = make("offset", "", "", base_);
    r.category = Category::kOffset;
    r.offset_tonnes = base_.co2_kg / 1000;
    r.offset_credits = std::ceil(*r.offset_tonnes);
    r.title = "offset the remaining " + number_text(*r.offset_tonnes) + " t CO2eq (" +
              number_text(*r.offset_credits, "%.0f") + " credits of 1 t)";
    r.why =
        "the EPS asks High runs for a full offset; offsets do not reduce emissions, so do the reductions "
        "first";
    r.objective_saving_pct = r.energy_saving_pct = r.co2_saving_pct = 0;
    if (offset_price) r.offset_cost = *offset_price * *r.offset_tonnes;
    a_.recommendations.push_back(r);
  }

 private:
  Advice& a_;
  Footprint base_;
  bool co2_;
};

double state_gb(double params, double bytes_per_param, int gpus) {
  return params * bytes_per_param / gpus / 1e9;
}

// 8-bit AdamW: a memory measure. What it frees per GPU at the run's count,
// and what that enables: fewer GPUs, or the same count of a smaller card.
void lean_optimizer(const hardware_db::Database& db, Advice& a, double params, const std::string& hw,
                    int gpus) {
  const auto& acc = db.accelerator(hw);
  if (!acc.memory_gb || params <= 0) return;
  const double lean_bytes =
      2 * kBf16Bytes + optimizer_bytes(Optimizer::kAdamW8bit);  // weights + grads + state
  Recommendation r;
  r.category = Category::kMemory;
  r.kind = "optimizer";
  r.title = "use 8-bit AdamW (" + number_text(lean_bytes) + " instead of " +
            number_text(kAdamWBytesPerParam) + " bytes/param of training state)";
  r.freed_gb_per_gpu = state_gb(params, kAdamWBytesPerParam - lean_bytes, gpus);
  r.state_gb_per_gpu = state_gb(params, lean_bytes, gpus);
  r.gpus = gpus;
  const int now = min_gpus_for_training(params, *acc.memory_gb);
  const int lean = min_gpus_for_state(params, *acc.memory_gb, lean_bytes);
  std::string enables;
  if (lean < now && now >= gpus)
    enables =
        "the model fits on " + std::to_string(lean) + " instead of " + std::to_string(now) + " x " + acc.id;
  const hardware_db::Accelerator* smaller = nullptr;
  for (const auto& c : db.accelerators()) {
    if (!usable(c) || *c.memory_gb >= *acc.memory_gb) continue;
    if (min_gpus_for_state(params, *c.memory_gb, lean_bytes) > gpus) continue;
    if (min_gpus_for_training(params, *c.memory_gb) <= gpus) continue;  // fits without it
    if (!smaller || *c.memory_gb < *smaller->memory_gb) smaller = &c;
  }
  if (smaller) {
    enables += (enables.empty() ? "" : "; ") + std::to_string(gpus) + " x " + smaller->id + " (" +
               number_text(*smaller->memory_gb) + " GB) would hold it";
  }
  if (enables.empty())
    enables = "headroom for larger micro-batches; the GPU count here is set by time, not memory";
  r.enables = enables;
  r.why = "frees " + number_text(hardware_db::bytes_to_gib(*r.freed_gb_per_gpu * 1e9)) + " GiB per GPU on " +
          std::to_string(gpus) +
          " GPUs; compute is unchanged, so energy does not move (Dettmers et al. 2022)";
  a.recommendations.push_back(r);
}

// The smallest open model that reaches `target` under `law`.
const hardware_db::ModelShape* open_model_for(const hardware_db::Database& db, const laws::Law& law,
                                              double target) {
  const hardware_db::ModelShape* found = nullptr;
  for (const auto& m : db.models()) {
    if (!m.training_tokens) continue;
    if (laws::loss(law, m.params, *m.training_tokens) <= target && (!found || m.params < found->params))
      found = &m;
  }
  return found;
}

struct Grid {
  std::optional<std::string> region;
  std::optional<double> carbon_intensity, pue;
};

// Reusing an open model: continued training on kReuseTokens costed by the
// fine-tuning model, plus serving with the open model when serving is in
// scope. Throws PlanError when it fits no count of the accelerator.
Footprint reuse_cost(const hardware_db::Database& db, const hardware_db::ModelShape& m, const std::string& hw,
                     const Grid& grid, double inference_tokens, const std::string& inference_hw, int* gpus) {
  FinetuneRequest fr;
  fr.model = m.id;
  fr.tokens = kReuseTokens;
  fr.hardware = hw;
  fr.methods = {Method::kFull};
  fr.region = grid.region;
  fr.carbon_intensity = grid.carbon_intensity;
  fr.pue = grid.pue;
  const auto res = plan_finetune(db, fr).methods.front();
  *gpus = res.gpus;
  Footprint f = footprint_of(res.forecast);
  if (inference_tokens > 0) {
    ForecastInput inf;
    inf.flops = laws::inference_flops(m.active_params.value_or(m.params), inference_tokens);
    inf.hardware = inference_hw.empty() ? hw : inference_hw;
    inf.gpus = 1;
    inf.region = grid.region;
    inf.carbon_intensity = grid.carbon_intensity;
    inf.pue = grid.pue;
    f = f + footprint_of(forecast(db, inf));
  }
  return f;
}

void reuse(const hardware_db::Database& db, const laws::Law& law, AdviceCollector& c, double target,
           const std::string& hw, const Grid& grid, double inference_tokens,
           const std::string& inference_hw) {
  const auto* m = open_model_for(db, law, target);
  if (!m) {
    c.skip("reuse of an open model", "no open model in the database reaches loss " +
                                         number_text(target, "%.4g") + " under " + law.name);
    return;
  }
  const std::string title = "start from " + m->name + " (" + m->licence + ") instead of pre-training";
  int gpus = 0;
  try {
    const Footprint f = reuse_cost(db, *m, hw, grid, inference_tokens, inference_hw, &gpus);
    auto* r =
        c.saving("open-model", title,
                 "continued training on " + number_text(kReuseTokens) +
                     " tokens, costed as full fine-tuning on " + std::to_string(gpus) + " x " + hw +
                     (inference_tokens > 0 ? ", serving included" : "") + "; it reaches this loss under " +
                     law.name + ", but losses compare only under the same data and tokenizer",
                 f);
    if (r) r->gpus = gpus;
  } catch (const PlanError& e) {
    c.skip(title, e.detail());
  }
}

// The move to another grid is costed at the run's own PUE: the facility is
// a separate choice, and swapping the default PUE for a provider's made the
// grid look like an energy saving it is not.
std::string region_why(const Forecast& from, const Forecast& to) {
  return "grid " + number_text(from.gco2_per_kwh) + " -> " + number_text(to.gco2_per_kwh) +
         " g/kWh changes operational CO2 per kWh x" +
         number_text(to.gco2_per_kwh / std::max(1e-9, from.gco2_per_kwh)) + "; costed at the same PUE " +
         number_text(from.pue) + ", so energy is unchanged";
}

// "train in X", or "train and serve in X" when lifetime serving is in the
// footprint and moves with it.
std::string region_title(const std::string& verb, const hardware_db::GridRegion& g, bool serving) {
  return verb + (serving ? " and serve" : "") + " in " + g.name + " (" + g.id + ")";
}

}  // namespace

const char* category_name(Category c) {
  switch (c) {
    case Category::kSaving:
      return "saving";
    case Category::kMemory:
      return "memory";
    case Category::kOffset:
      return "offset";
  }
  return "";
}

namespace {

// Lifetime serving of a run's model, trained `like` this, at `factor` of
// the energy per token.
Footprint serving_of(const hardware_db::Database& db, const TrainingRun& run, const ForecastInput& like,
                     double params, double factor) {
  if (run.inference_tokens <= 0) return {};
  ForecastInput inf;
  inf.hardware = run.inference_hardware.empty() ? like.hardware : run.inference_hardware;
  inf.flops = laws::inference_flops(params, run.inference_tokens) * factor;
  inf.gpus = 1;
  inf.region = like.region;
  inf.carbon_intensity = like.carbon_intensity;
  inf.pue = like.pue;
  return footprint_of(forecast(db, inf));
}

// A training run and the collector of its advice.
struct RunAdvice {
  const hardware_db::Database& db;
  const laws::Law& law;
  const TrainingRun& run;
  AdviceCollector& c;

  Footprint serving(const ForecastInput& like, double params, double factor) const {
    return serving_of(db, run, like, params, factor);
  }
};

// Another accelerator under the same GPU policy: the given count where it
// holds the model, else the fewest that do.
void other_hardware(const RunAdvice& x) {
  const ForecastInput& in0 = x.run.input;
  std::optional<Forecast> best_hw;
  for (const auto& acc : x.db.accelerators()) {
    if (!usable(acc) || acc.id == x.run.forecast.hardware_id) continue;
    ForecastInput in = in0;
    in.hardware = acc.id;
    const int need = in.params > 0 ? min_gpus_for_training(in.params, *acc.memory_gb) : 1;
    in.gpus = in0.gpus ? std::max(*in0.gpus, need) : need;
    in.mfu.reset();
    in.power_w.reset();
    in.gpu_hours.reset();
    const Forecast g = forecast(x.db, in);
    if (!best_hw || g.energy_kwh < best_hw->energy_kwh) best_hw = g;
  }
  if (!best_hw) return;
  ForecastInput like = in0;
  like.hardware = best_hw->hardware_id;
  auto* r =
      x.c.saving("hardware", "train on " + best_hw->hardware_id,
                 "the least energy of the database's accelerators for this run, on " +
                     std::to_string(best_hw->gpus) + " GPUs (" + number_text(best_hw->wall_days) + " days)",
                 footprint_of(*best_hw) + x.serving(like, in0.params, 1));
  if (r) {
    r->gpus = best_hw->gpus;
    r->wall_days = best_hw->wall_days;
    r->state_gb_per_gpu = state_gb(in0.params, kAdamWBytesPerParam, best_hw->gpus);
  }
}

// The cleanest grid: the run and its serving recomputed there.
void cleaner_grid(const RunAdvice& x) {
  const ForecastInput& in0 = x.run.input;
  const auto* g = cleanest_grid(x.db);
  if (!g || (!in0.carbon_intensity && in0.region == g->id)) return;
  ForecastInput in = in0;
  in.region = g->id;
  in.carbon_intensity.reset();
  in.pue = x.run.forecast.pue;
  const Forecast h = forecast(x.db, in);
  x.c.saving("region", region_title("train", *g, x.run.inference_tokens > 0), region_why(x.run.forecast, h),
             footprint_of(h) + x.serving(in, in0.params, 1), true);
}

// Over-training: the same loss for less compute, when nothing is served.
void compute_optimal(const RunAdvice& x) {
  const ForecastInput& in0 = x.run.input;
  if (!(in0.params > 0 && in0.tokens > 0 && x.run.inference_tokens <= 0)) return;
  const double optimal = laws::compute_optimal_tokens(x.law, in0.params);
  if (!is_overtrained(in0.tokens, optimal)) return;
  const auto alt = laws::min_compute_for_loss(x.law, laws::loss(x.law, in0.params, in0.tokens));
  ForecastInput in = in0;
  in.params = alt.params;
  in.tokens = alt.tokens;
  in.gpus.reset();
  in.gpu_hours.reset();
  x.c.saving("over-training",
             "reach the same loss compute-optimally: " + number_text(alt.params / 1e9) + "B params on " +
                 number_text(alt.tokens / 1e9) + "B tokens",
             "the run trains " + number_text(in0.tokens / optimal, "%.1f") +
                 "x past the compute-optimal tokens under " + x.law.name +
                 "; worth it only if inference dominates",
             footprint_of(forecast(x.db, in)));
}

// Quantised serving of the run's model.
void quantised_serving(const RunAdvice& x) {
  if (x.run.inference_tokens <= 0) return;
  const ForecastInput& in0 = x.run.input;
  const bool int4 = in0.params >= kInt4MinParams;
  const double factor = int4 ? kInt4EnergyFactor : kInt8EnergyFactor;
  x.c.saving("quantised-inference", int4 ? "serve with int4 weights (GPTQ/AWQ)" : "serve with int8 weights",
             int4 ? "weight-only 4-bit cuts inference energy per token to ~" +
                        factor_text(kInt4EnergyFactor) + " (Husom et al. 2025); +0.1-0.4 perplexity"
                  : "int8 cuts energy per token to ~" + factor_text(kInt8EnergyFactor) + "; below " +
                        number_text(kInt4MinParams / 1e9, "%g") +
                        "B params measured 4-bit energy can go up (Husom et al. 2025)",
             footprint_of(x.run.forecast) + x.serving(in0, in0.params, factor));
}

}  // namespace

Advice advise_training(const hardware_db::Database& db, const laws::Law& law, const TrainingRun& run,
                       std::optional<double> offset_price) {
  Advice a;
  const Forecast& f = run.forecast;
  a.tier = f.tier;
  a.measures = eps_measures(f.tier);
  if (f.tier != EpsTier::kHigh) return a;
  const ForecastInput& in0 = run.input;
  a.scope = run.inference_tokens > 0 ? "this training run + lifetime inference" : "this training run";
  AdviceCollector c(a, footprint_of(f) + serving_of(db, run, in0, in0.params, 1), false);
  const RunAdvice x{db, law, run, c};
  other_hardware(x);
  cleaner_grid(x);
  compute_optimal(x);
  quantised_serving(x);
  if (in0.params > 0 && in0.tokens > 0) {
    reuse(db, law, c, laws::loss(law, in0.params, in0.tokens), f.hardware_id,
          Grid{in0.region, in0.carbon_intensity, in0.pue}, run.inference_tokens, run.inference_hardware);
  }
  lean_optimizer(db, a, in0.params, f.hardware_id, f.gpus);
  c.finish(offset_price);
  return a;
}

namespace {

// A plan, its effective request and the collector of its advice.
struct PlanAdvice {
  const hardware_db::Database& db;
  const laws::Law& law;
  const PlanRequest& r;
  const Plan& plan;
  AdviceCollector& c;
  const std::string& objective;
};

// An accelerator the plan did not rank, with the floor of its objective
// (objective_floor: no layout search) and its place in the database.
struct Candidate {
  size_t index;
  const std::string* id;
  double floor;
};

// The usable accelerators outside the plan's --hardware, by their floors
// (an equal floor keeps the database's order).
std::vector<Candidate> unranked_candidates(const PlanAdvice& x) {
  const PlanRequest& r = x.r;
  std::vector<Candidate> candidates;
  const auto& accelerators = x.db.accelerators();
  for (size_t i = 0; i < accelerators.size(); ++i) {
    const auto& acc = accelerators[i];
    if (!usable(acc) || std::find(r.hardware.begin(), r.hardware.end(), acc.id) != r.hardware.end()) continue;
    double floor = 0;  // a plan refused here is refused in full later, with its reason
    try {
      floor = objective_floor(x.db, x.law, r, acc.id, x.plan.target_loss);
    } catch (const PlanError&) {
    }
    candidates.push_back({i, &acc.id, floor});
  }
  std::stable_sort(candidates.begin(), candidates.end(),
                   [](const Candidate& a, const Candidate& b) { return a.floor < b.floor; });
  return candidates;
}

// Full plans in the order of the floors until a floor is above the best
// plan found: those left cannot win. An equal objective goes to the
// database's order. The refused are skipped in the database's order.
std::optional<PlanOption> best_unranked(const PlanAdvice& x, const std::vector<Candidate>& candidates) {
  const PlanRequest& r = x.r;
  std::optional<PlanOption> best_other;
  size_t best_index = 0;
  std::vector<std::tuple<size_t, std::string, std::string>> refused;
  for (const Candidate& cand : candidates) {
    if (best_other && cand.floor > objective_of(r, *best_other)) break;
    try {
      PlanOption o = plan_option(x.db, x.law, r, *cand.id, x.plan.target_loss);
      const bool wins = !best_other || objective_of(r, o) < objective_of(r, *best_other) ||
                        (objective_of(r, o) == objective_of(r, *best_other) && cand.index < best_index);
      if (wins) {
        best_other = std::move(o);
        best_index = cand.index;
      }
    } catch (const PlanError& e) {
      refused.emplace_back(cand.index, "train on " + *cand.id, e.detail());
    }
  }
  std::sort(refused.begin(), refused.end());
  for (const auto& [index, what, why] : refused) x.c.skip(what, why);
  return best_other;
}

// Another accelerator, only among those the plan did not rank: the ranked
// ones are all worse than the choice by construction.
void unranked_hardware(const PlanAdvice& x) {
  if (x.r.hardware.size() == 1 && x.r.hardware[0] == "all") return;
  const std::optional<PlanOption> best_other = best_unranked(x, unranked_candidates(x));
  if (!best_other) return;
  const auto& t = best_other->training;
  if (auto* rec = x.c.saving("hardware", "train on " + t.hardware_id,
                             "the least " + x.objective +
                                 " of the accelerators not in --hardware, re-planned for the "
                                 "same loss and GPU policy: " +
                                 std::to_string(t.gpus) + " GPUs, " + number_text(t.wall_days) + " days",
                             best_other->total)) {
    rec->gpus = t.gpus;
    rec->wall_days = t.wall_days;
    rec->state_gb_per_gpu = state_gb(best_other->params, kAdamWBytesPerParam, t.gpus);
  }
}

// The plan re-planned on its accelerator with one change (`rr`).
void replan_with(const PlanAdvice& x, const std::string& kind, const std::string& title,
                 const PlanRequest& rr, const std::function<std::string(const PlanOption&)>& why) {
  try {
    const PlanOption o = plan_option(x.db, x.law, rr, x.plan.best.training.hardware_id, x.plan.target_loss);
    if (auto* rec = x.c.saving(kind, title, why(o), o.total, kind == "region")) {
      rec->gpus = o.training.gpus;
      rec->wall_days = o.training.wall_days;
      rec->state_gb_per_gpu = state_gb(o.params, kAdamWBytesPerParam, o.training.gpus);
    }
  } catch (const PlanError& e) {
    x.c.skip(title, e.detail());
  }
}

void plan_in_cleanest_grid(const PlanAdvice& x) {
  const auto* g = cleanest_grid(x.db);
  if (!g || (!x.r.carbon_intensity && x.r.region == g->id)) return;
  PlanRequest rr = x.r;
  rr.region = g->id;
  rr.carbon_intensity.reset();
  rr.pue = x.plan.best.training.pue;
  replan_with(x, "region", region_title("train", *g, x.r.inference_tokens > 0), rr,
              [&](const PlanOption& o) { return region_why(x.plan.best.training, o.training); });
}

void plan_quantised_serving(const PlanAdvice& x) {
  if (x.r.inference_tokens <= 0) return;
  const bool int4 = x.plan.best.params >= kInt4MinParams;
  PlanRequest rr = x.r;
  rr.inference_energy_factor = int4 ? kInt4EnergyFactor : kInt8EnergyFactor;
  replan_with(
      x, "quantised-inference", int4 ? "serve with int4 weights (GPTQ/AWQ)" : "serve with int8 weights", rr,
      [&](const PlanOption& o) {
        return (int4 ? "weight-only 4-bit: ~" + factor_text(kInt4EnergyFactor)
                     : "int8: ~" + factor_text(kInt8EnergyFactor)) +
               " inference energy per token (Husom et al. 2025); re-planned: " + number_text(o.params / 1e9) +
               "B params on " + number_text(o.tokens / 1e9) + "B tokens";
      });
}

}  // namespace

Advice advise_plan(const hardware_db::Database& db, const laws::Law& law, const PlanRequest& request,
                   const Plan& plan, std::optional<double> offset_price) {
  Advice a;
  const PlanOption& b = plan.best;
  a.tier = b.tier;
  a.measures = eps_measures(b.tier);
  if (b.tier != EpsTier::kHigh) return a;
  const ThroughputMemo memo;  // the re-plans below repeat the baseline's layout searches
  const AllocationMemo allocations;
  const PlanRequest r = effective_request(request);
  const bool co2 = r.minimize == Objective::kCo2;
  a.objective = co2 ? "CO2eq" : "energy";
  a.scope = std::string("the final run") + (r.experiment_overhead > 1 ? " x experiment overhead" : "") +
            (r.inference_tokens > 0 ? " + lifetime inference" : "");
  AdviceCollector c(a, b.total, co2);
  const PlanAdvice x{db, law, r, plan, c, a.objective};
  unranked_hardware(x);
  plan_in_cleanest_grid(x);
  plan_quantised_serving(x);
  const std::string& hw = b.training.hardware_id;
  reuse(db, law, c, plan.target_loss, hw, {r.region, r.carbon_intensity, r.pue}, r.inference_tokens,
        r.inference_hardware);
  lean_optimizer(db, a, b.params, hw, b.training.gpus);
  c.finish(offset_price);
  return a;
}

namespace {

// A fine-tuning run, the method chosen and the collector of its advice.
struct FinetuneAdvice {
  const hardware_db::Database& db;
  const FinetuneRequest& request;
  const MethodResult& chosen;
  Advice& a;
  AdviceCollector& c;

  // Plans `r`; when its method fits, hands the result to `on_fit`, else
  // says why it was not listed.
  template <class OnFit>
  void with(const FinetuneRequest& r, const std::string& title, OnFit&& on_fit) const {
    try {
      const auto res = plan_finetune(db, r).methods.front();
      if (!res.fits) {
        c.skip(title, res.why_not);
        return;
      }
      on_fit(res);
    } catch (const PlanError& e) {
      c.skip(title, e.detail());
    }
  }
};

void other_methods(const FinetuneAdvice& x) {
  for (Method alt : {Method::kLora, Method::kQlora}) {
    if (alt == x.chosen.method) continue;
    FinetuneRequest r = x.request;
    r.methods = {alt};
    // Within the chosen run's wall clock: the fewest GPUs that hold the
    // alternative could take months where the run takes hours.
    if (!r.gpus && !r.deadline_hours) r.deadline_hours = x.chosen.forecast.wall_days * 24 * (1 + 1e-9);
    const std::string title =
        std::string("fine-tune with ") + method_name(alt) + " instead of " + method_name(x.chosen.method);
    x.with(r, title, [&](const MethodResult& res) {
      auto* rec = x.c.saving("method", title,
                             alt == Method::kLora
                                 ? "no weight gradients for the frozen base: ~2/3 of the FLOPs per token"
                                 : "4-bit base weights need fewer GPUs, but every matrix product "
                                   "dequantises them, which costs time per token",
                             footprint_of(res.forecast));
      if (rec) {
        rec->gpus = res.gpus;
        rec->wall_days = res.forecast.wall_days;
        rec->state_gb_per_gpu = res.memory.total_gb();
      }
    });
  }
}

// A leaner optimizer: a memory measure.
// A leaner optimizer's memory at the chosen run's own count and layout
// (`same`), and the fewest GPUs it needs (`fewest`), stated apart.
Recommendation optimizer_measure(const MethodResult& chosen, Optimizer o, const MethodResult& same,
                                 const MethodResult& fewest) {
  Recommendation rec;
  rec.category = Category::kMemory;
  rec.kind = "optimizer";
  rec.title = std::string("use ") + optimizer_name(o);
  rec.gpus = fewest.gpus;
  rec.freed_gb_per_gpu = chosen.memory.optimizer_gb - same.memory.optimizer_gb;
  rec.state_gb_per_gpu = same.memory.total_gb();
  rec.enables =
      fewest.gpus < chosen.gpus
          ? "fits on " + std::to_string(fewest.gpus) + " instead of " + std::to_string(chosen.gpus) + " GPUs"
          : "headroom for larger micro-batches on the same " + std::to_string(chosen.gpus) + " GPUs";
  const auto gib = [](double gb) { return number_text(hardware_db::bytes_to_gib(gb * 1e9)); };
  rec.why = "optimizer state " + gib(chosen.memory.optimizer_gb) + " -> " + gib(same.memory.optimizer_gb) +
            " GiB per GPU on the same " + std::to_string(chosen.gpus) +
            " GPUs; compute is unchanged, so energy does not move";
  return rec;
}

void leaner_optimizers(const FinetuneAdvice& x) {
  for (Optimizer o : {Optimizer::kAdamW8bit, Optimizer::kAdafactor}) {
    if (o == x.request.optimizer || x.chosen.method == Method::kQlora) continue;  // adapters' state is small
    FinetuneRequest r = x.request;
    r.methods = {x.chosen.method};
    r.optimizer = o;
    x.with(r, std::string("use ") + optimizer_name(o), [&](const MethodResult& fewest) {
      FinetuneRequest at_chosen = r;
      at_chosen.gpus = x.chosen.gpus;
      at_chosen.deadline_hours.reset();
      x.with(at_chosen, std::string("use ") + optimizer_name(o), [&](const MethodResult& same) {
        x.a.recommendations.push_back(optimizer_measure(x.chosen, o, same, fewest));
      });
    });
  }
}

void finetune_in_cleanest_grid(const FinetuneAdvice& x) {
  const auto* g = cleanest_grid(x.db);
  if (!g || (!x.request.carbon_intensity && x.request.region == g->id)) return;
  FinetuneRequest r = x.request;
  r.methods = {x.chosen.method};
  r.region = g->id;
  r.carbon_intensity.reset();
  r.pue = x.chosen.forecast.pue;
  const std::string title = region_title("fine-tune", *g, false);
  x.with(r, title, [&](const MethodResult& res) {
    x.c.saving("region", title, region_why(x.chosen.forecast, res.forecast), footprint_of(res.forecast),
               true);
  });
}

}  // namespace

Advice advise_finetune(const hardware_db::Database& db, const FinetuneRequest& request,
                       const FinetuneResult& result, std::optional<double> offset_price) {
  Advice a;
  const MethodResult* chosen = nullptr;
  for (const auto& m : result.methods) {
    if (m.method == request.methods.front()) chosen = &m;
  }
  if (!chosen || !chosen->fits) {
    for (const auto& m : result.methods) {
      if (m.cheapest) chosen = &m;
    }
  }
  a.tier = chosen->tier;
  a.measures = eps_measures(a.tier);
  a.scope = "this fine-tuning run";
  if (a.tier != EpsTier::kHigh) return a;
  AdviceCollector c(a, footprint_of(chosen->forecast), false);
  const FinetuneAdvice x{db, request, *chosen, a, c};
  other_methods(x);
  leaner_optimizers(x);
  finetune_in_cleanest_grid(x);
  c.finish(offset_price);
  return a;
}

}  // namespace scaleplan::planner
