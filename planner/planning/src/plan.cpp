#include "planning/plan.h"
#include "systems/number_text.h"

#include <algorithm>
#include <cmath>
#include <cstdio>

#include "laws/percentile.h"
#include "laws/presets.h"
#include "planning/allocation_memo.h"
#include "systems/gpu_count.h"
#include "systems/throughput.h"

namespace scaleplan::planner {

namespace {

ForecastInput base_input(const PlanRequest& r, const std::string& hardware) {
  ForecastInput in;
  in.hardware = hardware;
  in.region = r.region;
  in.carbon_intensity = r.carbon_intensity;
  in.pue = r.pue;
  in.power_w = r.power_w;
  return in;
}

// Cost per FLOP on an accelerator, in the objective's unit (kWh or kg).
double cost_per_flop(const hardware_db::Database& db, const PlanRequest& r, const std::string& hw) {
  ForecastInput in = base_input(r, hw);
  in.flops = 1e20;
  in.gpus = 1;
  in.explain = false;
  const Forecast f = forecast(db, in);
  return (r.minimize == Objective::kEnergy ? f.energy_kwh : f.co2_kg) / 1e20;
}

// Lifetime serving priced in training-FLOP equivalents per parameter: 2 T
// inference FLOPs per parameter x the serving hardware's cost per FLOP over
// the training hardware's (the r of the header).
double inference_extra_per_param(const hardware_db::Database& db, const PlanRequest& r,
                                 const std::string& train_hw) {
  if (r.inference_tokens <= 0) return 0;
  const std::string inf_hw = r.inference_hardware.empty() ? train_hw : r.inference_hardware;
  return laws::inference_flops(1, r.inference_tokens) * r.inference_energy_factor *
         cost_per_flop(db, r, inf_hw) / cost_per_flop(db, r, train_hw);
}

// A fixed --gpus, checked against the memory the model needs; else the
// fewest that hold it.
int choose_gpus(const PlanRequest& r, const hardware_db::Accelerator& acc, double params) {
  const int need = min_gpus_for_training(params, acc.memory_gb.value_or(0));
  if (r.gpus && *r.gpus < need) {
    throw PlanError(Field{"gpus"}, std::to_string(*r.gpus) + " x " + acc.id +
                                       " cannot hold the training state of " + number_text(params, "%.4g") +
                                       " parameters (16 bytes/param + activations); it needs at least " +
                                       std::to_string(need));
  }
  return r.gpus.value_or(need);
}

// The throughput model's MFU ceiling for N parameters on `acc`; none where
// the database lacks the links to model it.
std::optional<double> modelled_ceiling(const hardware_db::Database& db, const hardware_db::Accelerator& acc,
                                       const ForecastInput& in) {
  try {
    return modelled_mfu_ceiling(db, acc.id, in.params, in.seq_len.value_or(kDefaultSeqLen), in.network_gbps);
  } catch (const PlanError&) {
    return std::nullopt;  // no link data: the forecast uses the flat figure
  }
}

// The highest MFU a forecast of N parameters on `acc` can use: the
// throughput model's ceiling, or the database's flat figure it falls back to.
double mfu_ceiling(const hardware_db::Database& db, const hardware_db::Accelerator& acc,
                   const ForecastInput& in) {
  const double ceiling = std::max(acc.mfu_typical.value_or(0), modelled_ceiling(db, acc, in).value_or(0));
  return std::min(1.0, ceiling * (1 + 1e-9));
}

bool meets(const Forecast& f, double deadline_days) { return f.wall_days <= deadline_days * (1 + 1e-9); }

// The step of the coarse scan: each count tried is at least 1% above the
// last, so a scan from N to 2N tries about 70 counts whatever N is.
constexpr double kCoarseStep = 1.01;
// Up to this many counts (nodes of 8 GPUs) between the lower bound and the
// first count the coarse scan finds meeting the deadline, every one is
// tried: at most 256 forecasts, where 2,048 made a random plan cost 3x more.
constexpr int kExactScanCounts = 256;

struct Tried {
  std::optional<Forecast> meeting;  // the first count that meets the deadline
  std::optional<Forecast> fastest;  // the fastest usable count tried
  int last_missed = 0;              // the count tried just before `meeting`
  int last_tried = 0;
};

// Forecasts `in` at `gpus` and files it in `t`; true once it meets the deadline.
bool try_count(const hardware_db::Database& db, ForecastInput in, int gpus, double deadline_days,
               bool need_layout, Tried& t) {
  in.gpus = gpus;
  t.last_tried = gpus;
  Forecast f = forecast(db, in);
  const bool usable = !need_layout || !f.layout.empty();
  if (usable && meets(f, deadline_days)) {
    t.meeting = std::move(f);
    return true;
  }
  t.last_missed = gpus;
  if (usable && (!t.fastest || f.wall_days < t.fastest->wall_days)) t.fastest = std::move(f);
  return false;
}

// The fewest GPUs from in.gpus up that meet the deadline, else the fastest
// tried. Wall time is not monotone in the count (a layout must divide it:
// 16,000 RTX 3090s finish 70B in 25.9 days where 16,384 take 27.6), so a
// miss does not mean every smaller count misses. The scan tries counts 1%
// apart up to the first that meets. If at most kExactScanCounts counts lie
// below it, every one is tried and the answer is the fewest; past that,
// only the counts since the last miss are, and the answer is the fewest on
// that grid (70B on RTX 3090s in 30 days: 15,200 where 14,800 meet). It
// stops past twice the fastest count found: doubling the GPUs beyond it
// has not shortened the run, so more will not. With `need_layout`, a count
// no layout divides is passed over: its flat database MFU is not the model
// the neighbouring counts are costed with.
Forecast first_meeting(const hardware_db::Database& db, const ForecastInput& in, double deadline_days,
                       bool need_layout, int& last_tried) {
  Tried t;
  for (int gpus = *in.gpus; gpus <= kMaxGpus;) {
    if (try_count(db, in, gpus, deadline_days, need_layout, t)) break;
    const int more = std::max(next_gpu_count(gpus), gpu_count_at_least(gpus * kCoarseStep));
    if (t.fastest && more > 2 * t.fastest->gpus) break;
    gpus = more;
  }
  last_tried = t.last_tried;
  if (!t.meeting) return t.fastest ? *t.fastest : forecast(db, in);
  Forecast best = *t.meeting;
  const bool exact = best.gpus - *in.gpus <= kExactScanCounts * kGpusPerNode;
  const int from = exact ? *in.gpus : next_gpu_count(t.last_missed);
  for (int gpus = from; t.last_missed > 0 && gpus < best.gpus; gpus = next_gpu_count(gpus)) {
    if (try_count(db, in, gpus, deadline_days, need_layout, t)) {
      best = *t.meeting;
      break;
    }
  }
  return best;
}

}  // namespace

Forecast forecast_for_deadline(const hardware_db::Database& db, ForecastInput in, double deadline_days) {
  const auto& acc = db.accelerator(in.hardware);
  const int need = in.params > 0 ? min_gpus_for_training(in.params, acc.memory_gb.value_or(0)) : 1;
  // No count below the one at the highest MFU any layout reaches meets the
  // deadline, so the scan starts there.
  ForecastInput sizing = in;
  sizing.gpus = 1;
  sizing.mfu = mfu_ceiling(db, acc, in);
  sizing.explain = false;
  const double for_deadline = forecast(db, sizing).gpu_hours / (24.0 * deadline_days);
  if (for_deadline > kMaxGpus) {
    throw PlanError(Field{"deadline_days"}, number_text(deadline_days, "%.4g") + " days needs " +
                                                number_text(std::ceil(for_deadline), "%.4g") + " x " +
                                                acc.id + ", more than the " + std::to_string(kMaxGpus) +
                                                " any plan allows; pass a longer --deadline-days"
                                                " (" +
                                                number_text(kDefaultDeadlineDays, "%.4g") +
                                                " when neither it nor --gpus is given)");
  }
  in.gpus = std::max(need, gpu_count_at_least(for_deadline));
  int last_tried = 0;
  const bool need_layout = asks_throughput_model(db, in) && modelled_ceiling(db, acc, in);
  Forecast f = first_meeting(db, in, deadline_days, need_layout, last_tried);
  if (need_layout && f.layout.empty()) f = first_meeting(db, in, deadline_days, false, last_tried);
  if (!meets(f, deadline_days)) {
    throw PlanError(Field{"deadline_days"},
                    number_text(deadline_days, "%.4g") + " days cannot be met on " + acc.id +
                        " at any count from " + std::to_string(*in.gpus) + " to " +
                        std::to_string(last_tried) + "; the fastest is " + number_text(f.wall_days, "%.4g") +
                        " days on " + std::to_string(f.gpus) + " GPUs (" +
                        number_text(kDefaultDeadlineDays, "%.4g") +
                        " days is the default when neither --deadline-days nor --gpus is given)");
  }
  return f;
}

Forecast forecast_default_cluster(const hardware_db::Database& db, const ForecastInput& in,
                                  std::optional<double> deadline_days) {
  if (deadline_days && (in.gpus || in.gpu_hours)) {
    throw PlanError(Field{"deadline_days"},
                    "sizes the cluster, which --gpus or --gpu-hours already fixes; "
                    "give one or the other");
  }
  if (in.gpus || in.gpu_hours) return forecast(db, in);
  if (deadline_days && !(*deadline_days > 0 && std::isfinite(*deadline_days))) {
    throw PlanError(Field{"deadline_days"},
                    number_text(*deadline_days, "%.4g") + " must be a positive number of days");
  }
  const double days = deadline_days.value_or(kDefaultDeadlineDays);
  Forecast f = forecast_for_deadline(db, in, days);
  const std::string rule = "the fewest GPUs that finish in time (" + gpu_count_rule() + ")";
  f.assumptions.push_back(
      {"deadline_days", days, "days",
       deadline_days ? "given (--deadline-days): " + rule : "assumed (no --gpus): " + rule});
  if (!deadline_days) {
    f.notes.push_back("no --gpus: sized for a " + number_text(kDefaultDeadlineDays, "%.4g") +
                      "-day run, the fewest GPUs that finish in time, " + gpu_count_rule() +
                      " (--gpus or --deadline-days to change)");
  }
  return f;
}

namespace {

// How plan_on costs the training run.
enum class Costing {
  kExplained,  // the plan shown: every assumption and note
  kFigures,    // a re-plan compared by its figures
  kFloor,      // one GPU at the highest MFU any layout could reach: a lower bound of the figures
};

// The serving of the plan's model on `inf_hw` (one accelerator's time,
// so its count does not matter), added to the option.
void add_serving(const hardware_db::Database& db, const PlanRequest& r, const std::string& inf_hw,
                 bool explain, PlanOption& o) {
  ForecastInput inf = base_input(r, inf_hw);
  o.inference_flops = laws::inference_flops(o.params, r.inference_tokens);
  // Quantised serving: the same tokens for a share of the accelerator time.
  inf.flops = o.inference_flops * r.inference_energy_factor;
  inf.gpus = 1;
  inf.explain = explain;
  o.inference = forecast(db, inf);
  o.serving = footprint_of(*o.inference);
}

// The plan on one accelerator for a given target.
PlanOption plan_on(const hardware_db::Database& db, const laws::Law& law, const PlanRequest& r,
                   const std::string& hw, double target, Costing costing = Costing::kExplained) {
  const bool explain = costing == Costing::kExplained;
  const auto& acc = db.accelerator(hw);
  const std::string inf_hw = r.inference_hardware.empty() ? hw : r.inference_hardware;
  if (r.inference_tokens > 0 && inf_hw != hw && !r.power_w &&
      !db.accelerator(inf_hw, "inference_hardware").tdp_w) {
    // --power-w would set the training accelerator's power too.
    throw PlanError(Field{"inference_hardware"},
                    "the database has no TDP for " + inf_hw +
                        " (not published); serve on an accelerator that has one, or give its power in a file "
                        "for --hardware-db");
  }
  const double extra = inference_extra_per_param(db, r, hw);
  const laws::Allocation a = least_cost_allocation(law, target, extra, r.max_params, r.unique_tokens);
  PlanOption o;
  o.params = a.params;
  o.tokens = a.tokens;
  o.loss = a.loss;
  o.training_flops = a.flops;
  ForecastInput in = base_input(r, hw);
  in.explain = explain;
  in.params = a.params;
  in.tokens = a.tokens;
  if (costing == Costing::kFloor) {
    in.mfu = mfu_ceiling(db, acc, in);
    in.gpus = 1;
    o.training = forecast(db, in);
  } else if (r.deadline_days) {
    o.training = forecast_for_deadline(db, in, *r.deadline_days);
  } else {
    in.gpus = choose_gpus(r, acc, a.params);
    o.training = forecast(db, in);
  }
  o.final_run = footprint_of(o.training);
  o.experiments = footprint_of(o.training, r.experiment_overhead - 1);
  o.tier = eps_tier(o.training.energy_kwh * r.experiment_overhead, o.training.co2_kg * r.experiment_overhead);
  if (r.inference_tokens > 0) add_serving(db, r, inf_hw, explain, o);
  o.total = o.final_run + o.experiments + o.serving;
  o.energy_kwh = o.total.energy_kwh;
  o.co2_kg = o.total.co2_kg;
  return o;
}

double objective(const PlanRequest& r, const PlanOption& o) { return objective_of(r, o); }

std::vector<std::string> candidates(const hardware_db::Database& db, const PlanRequest& r,
                                    std::vector<std::string>& skipped) {
  std::vector<std::string> ids;
  const bool all = r.hardware.size() == 1 && r.hardware[0] == "all";
  if (!all) {
    for (const auto& h : r.hardware) ids.push_back(db.accelerator(h).id);  // unknown ids throw here
    return ids;
  }
  for (const auto& a : db.accelerators()) {
    if (!a.tdp_w || !a.mfu_typical || !a.memory_gb) {
      skipped.push_back(a.id + " (no published " +
                        std::string(!a.tdp_w         ? "TDP"
                                    : !a.mfu_typical ? "MFU"
                                                     : "memory") +
                        ")");
    } else {
      ids.push_back(a.id);
    }
  }
  return ids;
}

// Plans on every candidate for `target`; the best first.
std::vector<PlanOption> plan_all(const hardware_db::Database& db, const laws::Law& law, const PlanRequest& r,
                                 const std::vector<std::string>& ids, double target) {
  std::vector<PlanOption> out;
  std::optional<PlanError> first_error;
  for (const auto& id : ids) {
    try {
      out.push_back(plan_on(db, law, r, id, target));
    } catch (const PlanError& e) {
      if (ids.size() == 1) throw;
      if (!first_error) first_error = e;
    }
  }
  if (out.empty())
    throw first_error ? *first_error : PlanError(Field{"hardware"}, "no accelerator to plan on");
  std::stable_sort(out.begin(), out.end(), [&](const PlanOption& x, const PlanOption& y) {
    return objective(r, x) < objective(r, y);
  });
  return out;
}

double budget_measure(const PlanRequest& r, const PlanOption& o) {
  if (r.budget_kwh) return o.energy_kwh;
  if (r.budget_co2_kg) return o.co2_kg;
  return (o.training_flops * r.experiment_overhead) + o.inference_flops;
}

// The lowest target whose best plan fits the budget (cost falls as the
// target rises): bisection on the target loss.
double target_for_budget(const hardware_db::Database& db, const laws::Law& law, const PlanRequest& r,
                         const std::vector<std::string>& ids, double budget, const char* unit) {
  const double sensible_tokens = laws::compute_optimal_tokens(law, kSmallestSensibleParams);
  double hi = laws::loss(law, kSmallestSensibleParams, sensible_tokens, r.unique_tokens);
  if (r.max_params) hi = std::max(hi, laws::loss_floor(law, *r.max_params, r.unique_tokens) + 1e-6);
  const double least = budget_measure(r, plan_all(db, law, r, ids, hi).front());
  if (least > budget) {
    throw PlanError("budget " + number_text(budget, "%.4g") + " " + unit +
                    " is below the least sensible plan (a " + number_text(kSmallestSensibleParams, "%.4g") +
                    "-parameter model, compute-optimal), which needs " + number_text(least, "%.4g") + " " +
                    unit);
  }
  double lo = laws::irreducible_loss(law);
  if (r.max_params) lo = std::max(lo, laws::loss_floor(law, *r.max_params, r.unique_tokens));
  for (int i = 0; i < 100 && hi - lo > 1e-12 * hi; ++i) {
    const double mid = 0.5 * (lo + hi);
    double cost = HUGE_VAL;
    try {
      cost = budget_measure(r, plan_all(db, law, r, ids, mid).front());
    } catch (const Error&) {
      // No accelerator can reach this target (a user-level refusal, not a
      // fault): over budget, so the bisection moves up.
    }
    (cost > budget ? lo : hi) = mid;
  }
  return hi;
}

std::optional<Interval> percentile_interval(const std::vector<double>& v) {
  if (v.size() < 2) return std::nullopt;
  return Interval{laws::percentile(v, 0.025), laws::percentile(v, 0.975)};
}

void add_intervals(Plan& p, const laws::Law& law, const PlanRequest& r, double extra) {
  if (!law.uncertainty || law.uncertainty->replicates.empty()) return;
  std::vector<double> n, d, e;
  const double train_kwh = p.best.training.energy_kwh * r.experiment_overhead;
  auto inference_kwh = [&](double params) {
    if (!p.best.inference) return 0.0;
    const double flops = laws::inference_flops(params, r.inference_tokens);
    return extrapolated_kwh(flops, p.best.inference->energy_kwh, p.best.inference_flops);
  };
  for (const auto& rep : law.uncertainty->replicates) {
    const laws::Law l = laws::with_replicate(law, rep);
    try {
      const auto a = laws::min_cost_for_loss(l, p.target_loss, extra, r.max_params, r.unique_tokens);
      n.push_back(a.params);
      d.push_back(a.tokens);
      e.push_back(extrapolated_kwh(a.flops, train_kwh, p.best.training_flops) + inference_kwh(a.params));
    } catch (const laws::LawError&) {
      // this replicate cannot reach the target: left out of the interval
    }
  }
  p.replicates_used = static_cast<int>(n.size());
  p.params_ci = percentile_interval(n);
  p.tokens_ci = percentile_interval(d);
  p.energy_ci = percentile_interval(e);
}

}  // namespace

Footprint footprint_of(const Forecast& f, double times) {
  return {f.energy_kwh * times, f.co2_kg * times, f.co2_operational_kg * times, f.co2_embodied_kg * times};
}

Footprint operator+(const Footprint& a, const Footprint& b) {
  return {a.energy_kwh + b.energy_kwh, a.co2_kg + b.co2_kg, a.co2_operational_kg + b.co2_operational_kg,
          a.co2_embodied_kg + b.co2_embodied_kg};
}

double objective_of(const PlanRequest& r, const PlanOption& o) {
  return r.minimize == Objective::kEnergy ? o.energy_kwh : o.co2_kg;
}

PlanRequest effective_request(const PlanRequest& r) {
  PlanRequest out = r;
  if (!r.gpus && !r.deadline_days) out.deadline_days = kDefaultDeadlineDays;
  return out;
}

namespace {

PlanOption replan(const hardware_db::Database& db, const laws::Law& law_in, const PlanRequest& r,
                  const std::string& hardware, double target_loss, Costing costing) {
  // The advisor re-plans a dozen times per plan: no copy of the law unless it changes.
  if (!r.unique_tokens) return plan_on(db, law_in, effective_request(r), hardware, target_loss, costing);
  return plan_on(db, laws::with_repetition_decay(law_in), effective_request(r), hardware, target_loss,
                 costing);
}

}  // namespace

PlanOption plan_option(const hardware_db::Database& db, const laws::Law& law, const PlanRequest& r,
                       const std::string& hardware, double target_loss) {
  return replan(db, law, r, hardware, target_loss, Costing::kFigures);
}

double objective_floor(const hardware_db::Database& db, const laws::Law& law, const PlanRequest& r,
                       const std::string& hardware, double target_loss) {
  return objective_of(r, replan(db, law, r, hardware, target_loss, Costing::kFloor));
}

std::vector<Problem> PlanRequest::problems() const {
  std::vector<Problem> out;
  const int goals = target_loss.has_value() + target_params.has_value() + budget_kwh.has_value() +
                    budget_co2_kg.has_value() + budget_flops.has_value();
  if (goals == 0)
    out.push_back({"",
                   "give a goal: --target-loss, --target-params or a budget (--budget-kwh, --budget-co2-kg, "
                   "--budget-flops)"});
  if (goals > 1)
    out.push_back(
        {"",
         "give one goal: --target-loss, --target-params, --budget-kwh, --budget-co2-kg and --budget-flops "
         "exclude each other"});
  if (gpus && deadline_days)
    out.push_back({"", "--gpus and --deadline-days exclude each other: a deadline chooses the GPU count"});
  if (gpus && *gpus <= 0) out.push_back({"gpus", std::to_string(*gpus) + " must be a positive count"});
  if (!(experiment_overhead >= 1) || !std::isfinite(experiment_overhead)) {
    out.push_back({"experiment_overhead", number_text(experiment_overhead, "%.4g") +
                                              " must be at least 1 (1 = the final run only)"});
  }
  if (inference_tokens < 0) out.push_back({"inference_tokens", "must be positive"});
  if (!(inference_energy_factor > 0 && inference_energy_factor <= 1)) {
    out.push_back({"", "inference energy factor: " + number_text(inference_energy_factor, "%.4g") +
                           " must be in (0, 1]"});
  }
  if (deadline_days && !(*deadline_days > 0 && std::isfinite(*deadline_days))) {
    out.push_back(
        {"deadline_days", number_text(*deadline_days, "%.4g") + " must be a positive number of days"});
  }
  if (!inference_hardware.empty() && inference_tokens <= 0) {
    out.push_back({"", "--inference-hardware needs --inference-tokens"});
  }
  if (hardware.empty()) out.push_back({"hardware", "expected an accelerator id, a list or all"});
  if (region && carbon_intensity)
    out.push_back({"", "--region and --carbon-intensity both set the grid intensity; give one"});
  return out;
}

namespace {

const char* budget_unit(const PlanRequest& r) {
  return r.budget_kwh ? "kWh" : r.budget_co2_kg ? "kg CO2eq" : "FLOPs";
}

// The plan's goal and the loss it aims at: given, the compute-optimal loss
// of the target size, or the lowest loss the budget buys.
void set_target(Plan& plan, const hardware_db::Database& db, const laws::Law& law, const PlanRequest& r,
                const std::vector<std::string>& ids) {
  if (r.target_loss) {
    plan.goal = "target_loss";
    plan.target_loss = *r.target_loss;
  } else if (r.target_params) {
    plan.goal = "target_loss";
    plan.target_loss = laws::loss(law, *r.target_params, laws::compute_optimal_tokens(law, *r.target_params));
  }
  if (!r.target_loss && !r.target_params) {
    plan.goal = r.budget_kwh ? "budget_kwh" : r.budget_co2_kg ? "budget_co2_kg" : "budget_flops";
    plan.budget = r.budget_kwh ? *r.budget_kwh : r.budget_co2_kg ? *r.budget_co2_kg : *r.budget_flops;
    if (!(plan.budget > 0)) throw PlanError(Field{plan.goal}, "must be positive");
    PlanRequest rr = r;
    if (r.budget_co2_kg) rr.minimize = Objective::kCo2;
    plan.target_loss = target_for_budget(db, law, rr, ids, plan.budget, budget_unit(r));
  }
}

// Each accelerator other than the best is held to the budget: its own best
// loss within it; the alternatives by loss.
void hold_to_budget(Plan& plan, const hardware_db::Database& db, const laws::Law& law, const PlanRequest& r,
                    const std::vector<std::string>& ids) {
  for (const auto& id : ids) {
    if (id == plan.best.training.hardware_id) continue;
    PlanRequest rr = r;
    if (r.budget_co2_kg) rr.minimize = Objective::kCo2;
    try {
      const double target = target_for_budget(db, law, rr, {id}, plan.budget, budget_unit(r));
      plan.alternatives.push_back(plan_on(db, law, r, id, target));
    } catch (const PlanError& e) {
      plan.skipped.push_back(id + " (" + e.detail() + ")");
    }
  }
  std::stable_sort(plan.alternatives.begin(), plan.alternatives.end(),
                   [](const PlanOption& x, const PlanOption& y) { return x.loss < y.loss; });
}

// A target near the law's floor asks for a model no cluster trains in the
// default 30 days. A user who passed no --deadline-days is told what the
// target needs and what would make it feasible, not to change a flag they
// did not give.
[[noreturn]] void refuse_target(const PlanError& e, const PlanRequest& given, const laws::Law& law,
                                double target_loss) {
  if (e.field() != "deadline_days" || given.deadline_days || given.gpus || !given.target_loss) throw e;
  const laws::Allocation need = laws::min_compute_for_loss(law, target_loss, given.unique_tokens);
  throw PlanError(Field{"target_loss"},
                  number_text(target_loss, "%.4g") + " needs " + number_text(need.params, "%.3g") +
                      " parameters on " + number_text(need.tokens, "%.3g") + " tokens (" +
                      number_text(need.flops, "%.3g") + " FLOPs, the compute-optimal model for it under " +
                      law.name + "); no count up to " + std::to_string(kMaxGpus) +
                      " accelerators trains it in the default " + number_text(kDefaultDeadlineDays, "%.4g") +
                      " days: pass a higher --target-loss, or a --deadline-days or --gpus of your own");
}

}  // namespace

Plan make_plan(const hardware_db::Database& db, const laws::Law& law_in, const PlanRequest& given) {
  if (auto p = given.problems(); !p.empty()) throw_problem<PlanError>(p.front());
  const ThroughputMemo memo;         // the candidates and budget bisection repeat layout searches
  const AllocationMemo allocations;  // and the allocation for the target
  const laws::Law law = given.unique_tokens ? laws::with_repetition_decay(law_in) : law_in;
  const PlanRequest r = effective_request(given);
  Plan plan;
  plan.deadline_days = r.deadline_days;
  plan.deadline_assumed = !given.deadline_days && r.deadline_days;
  plan.law_name = law.name;
  plan.experiment_overhead = r.experiment_overhead;
  plan.unique_tokens = r.unique_tokens;
  const auto ids = candidates(db, r, plan.skipped);
  if (!r.inference_hardware.empty())
    db.accelerator(r.inference_hardware, "inference_hardware");  // unknown ids throw

  set_target(plan, db, law, r, ids);
  std::vector<PlanOption> options;
  try {
    options = plan_all(db, law, r, ids, plan.target_loss);
  } catch (const PlanError& e) {
    refuse_target(e, given, law, plan.target_loss);
  }
  plan.best = options.front();
  if (plan.goal == "target_loss") {
    plan.alternatives.assign(options.begin() + 1, options.end());
  } else {
    hold_to_budget(plan, db, law, r, ids);
  }

  // The compute-optimal model for the same loss, in the same scope: its
  // training x overhead + inference, at the best plan's cost per FLOP.
  plan.chinchilla = laws::min_compute_for_loss(law, plan.target_loss, r.unique_tokens);
  plan.chinchilla_energy_kwh =
      extrapolated_kwh(plan.chinchilla.flops, plan.best.training.energy_kwh, plan.best.training_flops) *
      r.experiment_overhead;
  if (plan.best.inference) {
    plan.chinchilla_energy_kwh +=
        extrapolated_kwh(laws::inference_flops(plan.chinchilla.params, r.inference_tokens),
                         plan.best.serving.energy_kwh, plan.best.inference_flops);
  }
  const double extra = inference_extra_per_param(db, r, plan.best.training.hardware_id);
  add_intervals(plan, law, r, extra);
  return plan;
}

}  // namespace scaleplan::planner
