#include "planner/advisor.h"

#include <cmath>

#include "laws/allocation.h"

namespace scaleplan::planner {

namespace {

// Measured energy per token of quantised inference relative to fp16
// (Husom et al. 2025, arXiv:2504.03360, llama.cpp): Llama-3.2-1B int8 0.45,
// 4-bit 0.40; Qwen2.5-0.5B 4-bit used more than int8. Below 3B parameters
// only int8 is proposed.
constexpr double kInt8EnergyFactor = 0.45;
constexpr double kInt4EnergyFactor = 0.40;
constexpr double kInt4MinParams = 3e9;
constexpr double kOvertrainFactor = 4;

Recommendation make(std::string kind, std::string title, std::string why, double energy, double co2,
                    double base_energy, double base_co2) {
  Recommendation r;
  r.kind = std::move(kind);
  r.title = std::move(title);
  r.why = std::move(why);
  r.energy_kwh = energy;
  r.co2_kg = co2;
  r.tier = eps_tier(energy, co2);
  r.energy_saving_pct = base_energy > 0 ? (1 - energy / base_energy) * 100 : 0;
  r.co2_saving_pct = base_co2 > 0 ? (1 - co2 / base_co2) * 100 : 0;
  return r;
}

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

Recommendation offsets(double energy, double co2, std::optional<double> price) {
  Recommendation r = make("offset", "offset the remaining " + std::to_string(co2 / 1000).substr(0, 6) + " t CO2eq",
                          "the EPS asks High runs for a full offset; 1 credit = 1 t CO2eq. Offsets do not "
                          "reduce emissions, so do the reductions first",
                          energy, co2, energy, co2);
  r.offset_tonnes = co2 / 1000;
  if (price) r.offset_cost = *price * co2 / 1000;
  return r;
}

}  // namespace

Advice advise_training(const hardware_db::Database& db, const laws::Law& law, const TrainingRun& run,
                       std::optional<double> offset_price) {
  Advice a;
  const Forecast& f = run.forecast;
  a.tier = f.tier;
  a.measures = eps_measures(f.tier);
  if (f.tier != EpsTier::kHigh) return a;
  std::optional<Forecast> inference;
  if (run.inference_tokens > 0) {
    ForecastInput inf = run.input;
    inf.hardware = run.inference_hardware.empty() ? run.input.hardware : run.inference_hardware;
    inf.flops = 2 * run.input.params * run.inference_tokens;
    inf.gpus = 1;
    inf.gpu_hours.reset();
    inference = forecast(db, inf);
  }
  const double inf_kwh = inference ? inference->energy_kwh : 0, inf_co2 = inference ? inference->co2_kg : 0;
  const double base_e = f.energy_kwh + inf_kwh, base_c = f.co2_kg + inf_co2;
  auto add = [&](std::string kind, std::string title, std::string why, const Forecast& g, double ie, double ic) {
    a.recommendations.push_back(make(std::move(kind), std::move(title), std::move(why), g.energy_kwh + ie,
                                     g.co2_kg + ic, base_e, base_c));
  };

  // The most energy-efficient accelerator for this run.
  std::optional<Forecast> best_hw;
  for (const auto& acc : db.accelerators()) {
    if (!usable(acc) || acc.id == f.hardware_id) continue;
    ForecastInput in = run.input;
    in.hardware = acc.id;
    in.gpus.reset();
    in.mfu.reset();
    in.power_w.reset();
    in.gpu_hours.reset();
    const Forecast g = forecast(db, in);
    if (!best_hw || g.energy_kwh < best_hw->energy_kwh) best_hw = g;
  }
  if (best_hw) {
    auto r = make("hardware", "train on " + best_hw->hardware_id,
                  "the least energy per FLOP in the database at its typical MFU and power", best_hw->energy_kwh + inf_kwh,
                  best_hw->co2_kg + inf_co2, base_e, base_c);
    r.gpus = best_hw->gpus;
    a.recommendations.push_back(r);
  }

  // The cleanest grid.
  if (const auto* g = cleanest_grid(db); g && !run.input.carbon_intensity) {
    ForecastInput in = run.input;
    in.region = g->id;
    const Forecast h = forecast(db, in);
    add("region", "train in " + g->name + " (" + g->id + ", " + std::to_string(static_cast<int>(g->gco2_per_kwh)) +
                      " g/kWh)",
        "the cleanest recent grid in the database; same energy, less carbon per kWh", h, inf_kwh,
        inf_co2 * g->gco2_per_kwh / std::max(1.0, f.gco2_per_kwh));
  }

  // Leaner optimizer state: fewer GPUs, the same compute.
  if (const auto& acc = db.accelerator(f.hardware_id); acc.memory_gb && run.input.params > 0) {
    const int now = min_gpus_for_training(run.input.params, *acc.memory_gb);
    const int lean = static_cast<int>(std::ceil(run.input.params * 10 * 1.25 / (*acc.memory_gb * 1e9)));
    Recommendation r = make("optimizer", "use 8-bit AdamW (10 instead of 16 bytes/param of training state)",
                            "frees " + std::to_string(static_cast<int>(run.input.params * 6 / 1e9)) +
                                " GB of optimizer state; training stays compute-bound, so energy barely moves "
                                "(Dettmers et al. 2022 report it slightly faster)",
                            base_e, base_c, base_e, base_c);
    r.gpus = std::min(now, std::max(1, lean));
    a.recommendations.push_back(r);
  }

  // Over-training: the same loss for less compute.
  if (run.input.params > 0 && run.input.tokens > 0) {
    const double optimal = laws::compute_optimal_tokens(law, run.input.params);
    if (run.input.tokens > kOvertrainFactor * optimal && run.inference_tokens <= 0) {
      const double target = laws::loss(law, run.input.params, run.input.tokens);
      const auto alt = laws::min_compute_for_loss(law, target);
      ForecastInput in = run.input;
      in.params = alt.params;
      in.tokens = alt.tokens;
      in.gpus.reset();
      in.gpu_hours.reset();
      add("over-training",
          "reach the same loss compute-optimally: " + std::to_string(alt.params / 1e9).substr(0, 5) + "B params on " +
              std::to_string(alt.tokens / 1e9).substr(0, 6) + "B tokens",
          "the run trains " + std::to_string(run.input.tokens / optimal).substr(0, 4) +
              "x past the compute-optimal tokens under " + law.name + "; worth it only if inference dominates",
          forecast(db, in), 0, 0);
    }
  }

  // Quantised inference, when serving is part of the plan.
  if (inference) {
    const bool int4 = run.input.params >= kInt4MinParams;
    const double factor = int4 ? kInt4EnergyFactor : kInt8EnergyFactor;
    a.recommendations.push_back(make(
        "quantised-inference", int4 ? "serve with int4 weights (GPTQ/AWQ)" : "serve with int8 weights",
        int4 ? "weight-only 4-bit cuts inference energy per token to ~0.40x (Husom et al. 2025); +0.1-0.4 perplexity"
             : "int8 cuts energy per token to ~0.45x; below 3B params measured 4-bit energy can go up (Husom et al. 2025)",
        f.energy_kwh + inf_kwh * factor, f.co2_kg + inf_co2 * factor, base_e, base_c));
  }

  // An open model that already reaches this loss under the active law.
  if (run.input.params > 0 && run.input.tokens > 0) {
    const double target = laws::loss(law, run.input.params, run.input.tokens);
    const hardware_db::ModelShape* found = nullptr;
    for (const auto& m : db.models()) {
      if (!m.training_tokens) continue;
      if (laws::loss(law, m.params, *m.training_tokens) <= target && (!found || m.params < found->params)) found = &m;
    }
    if (found) {
      a.recommendations.push_back(make("open-model", "start from " + found->name + " (" + found->licence + ")",
                                       "it reaches this loss under " + law.name +
                                           " with no pre-training; losses compare only under the same data and "
                                           "tokenizer, and fine-tuning costs come on top",
                                       0, 0, base_e, base_c));
    }
  }
  a.recommendations.push_back(offsets(base_e, base_c, offset_price));
  return a;
}

Advice advise_finetune(const hardware_db::Database& db, const FinetuneRequest& request, const FinetuneResult& result,
                       std::optional<double> offset_price) {
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
  if (a.tier != EpsTier::kHigh) return a;
  const double base_e = chosen->energy_kwh, base_c = chosen->co2_kg;

  for (Method alt : {Method::kLora, Method::kQlora}) {
    if (alt == chosen->method) continue;
    FinetuneRequest r = request;
    r.methods = {alt};
    try {
      const auto res = plan_finetune(db, r).methods.front();
      if (!res.fits) continue;
      auto rec = make("method", std::string("fine-tune with ") + method_name(alt) + " instead of " +
                                    method_name(chosen->method),
                      alt == Method::kLora ? "no weight gradients for the frozen base: ~2/3 of the FLOPs per token"
                                           : "4-bit base weights need fewer GPUs, but dequantisation makes each token "
                                             "~1.45x slower than LoRA: memory, not energy",
                      res.energy_kwh, res.co2_kg, base_e, base_c);
      rec.gpus = res.gpus;
      a.recommendations.push_back(rec);
    } catch (const PlanError&) {
    }
  }
  for (Optimizer o : {Optimizer::kAdamW8bit, Optimizer::kAdafactor}) {
    if (o == request.optimizer) continue;
    FinetuneRequest r = request;
    r.methods = {chosen->method};
    r.optimizer = o;
    try {
      const auto res = plan_finetune(db, r).methods.front();
      if (!res.fits) continue;
      auto rec = make("optimizer", std::string("use ") + optimizer_name(o),
                      "optimizer state " + std::to_string(chosen->memory.optimizer_gb).substr(0, 5) + " -> " +
                          std::to_string(res.memory.optimizer_gb).substr(0, 5) + " GB per GPU, " +
                          std::to_string(chosen->gpus) + " -> " + std::to_string(res.gpus) +
                          " GPUs; compute is unchanged, so energy barely moves",
                      res.energy_kwh, res.co2_kg, base_e, base_c);
      rec.gpus = res.gpus;
      a.recommendations.push_back(rec);
    } catch (const PlanError&) {
    }
  }
  if (const auto* g = cleanest_grid(db); g && !request.carbon_intensity) {
    FinetuneRequest r = request;
    r.methods = {chosen->method};
    r.region = g->id;
    const auto res = plan_finetune(db, r).methods.front();
    a.recommendations.push_back(make("region", "fine-tune in " + g->name + " (" + g->id + ")",
                                     "the cleanest recent grid in the database", res.energy_kwh, res.co2_kg, base_e,
                                     base_c));
  }
  a.recommendations.push_back(offsets(base_e, base_c, offset_price));
  return a;
}

}  // namespace scaleplan::planner
