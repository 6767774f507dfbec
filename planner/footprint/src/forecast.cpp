#include "footprint/forecast.h"
#include "systems/number_text.h"

#include <cmath>
#include <cstdio>

#include "laws/allocation.h"
#include "laws/presets.h"
#include "systems/gpu_count.h"
#include "systems/throughput.h"

namespace scaleplan::planner {

namespace {

// The BLOOM server's share per accelerator, and the hours in its lifetime
// (constants in forecast.h).
constexpr double kServerEmbodiedKgPerGpu = kServerEmbodiedKg / kGpusPerNode;
constexpr double kLifetimeHours = kHardwareLifetimeYears * 365.25 * 24;

const hardware_db::PuePreset* provider_pue(const hardware_db::Database& db, const std::string& provider) {
  for (const auto& p : db.pue_presets()) {
    if (p.id == provider) return &p;
  }
  return nullptr;
}

// A calibration profile (or any user file) that sets the accelerator's MFU
// to something other than the embedded figure: a measurement, which beats
// the model.
bool calibrated_mfu(const hardware_db::Accelerator& acc) {
  if (acc.origin == "embedded") return false;
  const hardware_db::Database embedded = hardware_db::Database::embedded();
  const hardware_db::Accelerator* same = embedded.find_accelerator(acc.id);
  if (same == nullptr) return acc.mfu_typical.has_value();  // a part of the user's own
  return same->mfu_typical != acc.mfu_typical;
}

void assume(Forecast& f, std::string name, double value, std::string unit, std::string source) {
  f.assumptions.push_back({std::move(name), value, std::move(unit), std::move(source)});
}

// The user's count, else the fewest that hold the training state.
int choose_gpus(const hardware_db::Accelerator& acc, const ForecastInput& in, Forecast& f) {
  if (in.gpus) return *in.gpus;
  if (!acc.memory_gb)
    throw PlanError(Field{"gpus"}, "the database has no memory size for " + acc.id + "; pass --gpus");
  const int gpus = in.params > 0 ? min_gpus_for_training(in.params, *acc.memory_gb) : 1;
  if (in.explain)
    assume(f, "gpus", gpus, "accelerators",
           "fewest that hold " + number_text(kAdamWBytesPerParam, "%g") + " bytes/param of AdamW state + " +
               number_text(100 * kStateActivationShare, "%g") + "% for activations (ZeRO-3 sharding)");
  return gpus;
}

// The throughput model's MFU for N and D on f.gpus, unless the user gave an
// MFU or hours, or a calibration measured one.
std::optional<ModelledMfu> model_mfu(const hardware_db::Database& db, const hardware_db::Accelerator& acc,
                                     const ForecastInput& in, Forecast& f) {
  if (!asks_throughput_model(db, in)) return std::nullopt;
  std::string why_not;
  auto modelled = modelled_mfu(db, acc.id, in.params, in.tokens, f.gpus, in.seq_len.value_or(kDefaultSeqLen),
                               in.network_gbps, in.explain ? &why_not : nullptr);
  if (!modelled && in.explain)
    f.notes.push_back("throughput model not used (" + why_not + "); flat MFU of the database");
  return modelled;
}

// Utilisation: the user's, else the modelled, else the database's
// (forecasting billed hours). Sets f.mfu; returns its low..high band.
Range choose_mfu(const hardware_db::Database& db, const hardware_db::Accelerator& acc,
                 const ForecastInput& in, Forecast& f) {
  const std::optional<ModelledMfu> modelled = model_mfu(db, acc, in, f);
  f.range_basis = "the database's MFU low..high for " + acc.id + ": a band, not a stated interval";
  if (in.mfu) {
    f.range_basis = "none: the MFU is given (--mfu)";
    f.mfu = *in.mfu;
    if (in.explain) assume(f, "mfu", f.mfu, "fraction", "given (--mfu)");
    return {*in.mfu, *in.mfu};
  }
  if (modelled) {
    f.mfu = modelled->mfu;
    f.layout = modelled->layout;
    f.range_level = kBilledHoursIntervalLevel;
    f.range_basis = number_text(100 * kBilledHoursIntervalLevel, "%.0f%% interval") +
                    " of the billed hours: the throughput model's error on 23 published runs "
                    "(validation/billed_runs.csv; grid and PUE as given)";
    if (!in.explain) return {modelled->low, modelled->high};
    assume(f, "mfu", f.mfu, "fraction of peak, 6ND over billed hours",
           "throughput model: the fastest fitting layout (" + modelled->layout +
               ") of TP, PP, DP, micro-batch, interleaving, recomputation and ZeRO, steady-state MFU " +
               number_text(modelled->steady_mfu, "%.3f") + " of model FLOPs, x goodput");
    assume(f, "goodput", modelled->goodput, "fraction of billed time",
           "Llama 3 interruption rate x " + number_text(60 * kHoursLostPerInterruption, "%g") +
               " min each, and the median billed/steady ratio of published runs");
    // One convention on screen: the 6ND steady-state MFU times the goodput
    // is the billed MFU printed beside the hardware.
    f.notes.push_back(
        "layout: " + modelled->layout +
        number_text(100 * modelled->mfu / modelled->goodput, " (steady state %.1f%% MFU in 6ND") +
        number_text(100 * modelled->steady_mfu, ", %.1f%% counting attention") +
        number_text(100 * modelled->goodput, "; x goodput %.0f%%") +
        number_text(100 * modelled->mfu, " = %.1f%% billed; scaleplan layout for the alternatives)"));
    return {modelled->low, modelled->high};
  }
  if (acc.mfu_typical) {
    f.mfu = *acc.mfu_typical;
    if (in.explain) assume(f, "mfu", f.mfu, "fraction", acc.mfu_basis + "; evidence: " + acc.mfu_evidence);
  } else if (!in.gpu_hours) {
    throw PlanError(Field{"mfu"}, "the database has no MFU for " + acc.id + "; pass --mfu (e.g. 0.35)");
  }
  return {acc.mfu_low.value_or(f.mfu), acc.mfu_high.value_or(f.mfu)};
}

// Hours at the chosen MFU and its band; a finished run's measured hours
// instead, with the MFU they imply.
void set_gpu_hours(const ForecastInput& in, double peak_flops, Range mfu_band, Forecast& f) {
  auto hours_at = [&](double mfu) { return f.flops / (peak_flops * mfu) / 3600.0; };
  if (in.gpu_hours) {
    f.range_basis = "none: the hours are measured (--gpu-hours)";
    f.range_level.reset();
    f.gpu_hours = *in.gpu_hours;
    f.gpu_hours_range = {f.gpu_hours, f.gpu_hours};
    f.mfu = mfu_from_hours(f.flops, peak_flops, f.gpu_hours);
  } else {
    f.gpu_hours = hours_at(f.mfu);
    f.gpu_hours_range = {hours_at(mfu_band.high), hours_at(mfu_band.low)};
  }
}

// Power per accelerator, and the host's share under facility accounting.
void choose_power(const hardware_db::Accelerator& acc, const ForecastInput& in, Forecast& f) {
  if (in.power_w) {
    f.power_w = *in.power_w;
    if (in.explain) assume(f, "power_w", f.power_w, "W per accelerator", "given (--power-w)");
  } else {
    if (!acc.tdp_w) {
      throw PlanError(Field{"power_w"},
                      "the database has no TDP for " + acc.id + " (not published); pass --power-w");
    }
    f.power_w = *acc.tdp_w;
    if (in.explain) assume(f, "tdp_w", *acc.tdp_w, "W", acc.source);
    if (in.accounting == Accounting::kFacility) {
      const double frac = acc.power_fraction.value_or(kDefaultPowerFraction);
      f.power_w *= frac;
      if (in.explain)
        assume(f, "power_fraction", frac, "of TDP",
               acc.power_fraction ? acc.power_fraction_evidence
                                  : "assumed (no measurement for this accelerator): 8xH100 nodes draw 76-93% "
                                    "of rating while training (Latif et al. 2025; Newkirk et al. 2025)");
    }
  }
  if (in.accounting == Accounting::kFacility) {
    f.host_overhead = acc.host_overhead.value_or(kDefaultHostOverhead);
    if (in.explain)
      assume(f, "host_overhead", f.host_overhead, "of GPU energy",
             acc.host_overhead
                 ? acc.host_overhead_evidence
                 : "CPU + RAM energy / GPU energy in TeenyTinyLlama's CodeCarbon logs (Correa et al. "
                   "2024, one A100 workstation)");
  }
}

// The grid's intensity: the user's, else the region's (world by default).
// Returns the region, or nullptr for a given intensity.
const hardware_db::GridRegion* choose_grid(const hardware_db::Database& db, const ForecastInput& in,
                                           Forecast& f) {
  if (in.carbon_intensity) {
    f.gco2_per_kwh = *in.carbon_intensity;
    f.grid_id = "custom";
    f.grid_name = "given (--carbon-intensity)";
    if (in.explain)
      assume(f, "grid_gco2_per_kwh", f.gco2_per_kwh, "gCO2eq/kWh", "given (--carbon-intensity)");
    return nullptr;
  }
  const hardware_db::GridRegion* grid = &db.region(in.region.value_or("world"));
  f.gco2_per_kwh = grid->gco2_per_kwh;
  f.grid_id = grid->id;
  f.grid_name = grid->name;
  if (!in.explain) return grid;
  assume(f, "grid_gco2_per_kwh", f.gco2_per_kwh, "gCO2eq/kWh",
         grid->source + (grid->year_text.empty() ? "" : " (" + grid->year_text + ")"));
  if (grid->scope == hardware_db::GridScope::kWorld && grid->id == "world") {
    f.notes.push_back("grid: the EPS default world average, " + number_text(grid->gco2_per_kwh, "%g") +
                      " g/kWh (IEA, 2018 data); the 2024 world figure is 445 g/kWh (--region world-2024)");
  } else if (grid->is_old()) {
    f.notes.push_back("grid intensity of " + grid->id + " dates from " +
                      (grid->year ? std::to_string(*grid->year) : std::string("an unknown year")) +
                      ": grids have changed since; pass --carbon-intensity for a current figure");
  }
  return grid;
}

// The facility's PUE: the user's, else the cloud provider's, else the
// industry average.
void choose_pue(const hardware_db::Database& db, const ForecastInput& in, const hardware_db::GridRegion* grid,
                Forecast& f) {
  if (in.pue) {
    f.pue = *in.pue;
    if (in.explain) assume(f, "pue", f.pue, "ratio", "given (--pue)");
    return;
  }
  const hardware_db::PuePreset* p =
      grid && !grid->provider.empty() ? provider_pue(db, grid->provider) : nullptr;
  if (p == nullptr) p = &db.pue("industry-average");
  f.pue = p->pue;
  if (in.explain) assume(f, "pue", f.pue, "ratio", p->operator_name + " " + p->year + ": " + p->source);
}

// Energy and carbon; everything scales with GPU-hours.
void add_energy_and_carbon(const hardware_db::Accelerator& acc, const ForecastInput& in, Forecast& f) {
  const double kwh_per_gpu_hour = f.power_w * (1 + f.host_overhead) * f.pue / 1000.0;
  const double embodied_per_gpu = acc.embodied_kgco2e.value_or(kAssumedGpuEmbodiedKg);
  const double embodied_per_hour = embodied_kg_per_gpu_hour(embodied_per_gpu);
  auto energy_at = [&](double hours) { return hours * kwh_per_gpu_hour; };
  auto co2_op_at = [&](double hours) { return energy_at(hours) * f.gco2_per_kwh / 1000.0; };
  auto co2_at = [&](double hours) { return co2_op_at(hours) + hours * embodied_per_hour; };
  f.energy_kwh = energy_at(f.gpu_hours);
  f.co2_operational_kg = co2_op_at(f.gpu_hours);
  f.co2_embodied_kg = f.gpu_hours * embodied_per_hour;
  f.co2_kg = f.co2_operational_kg + f.co2_embodied_kg;
  f.energy_range = {energy_at(f.gpu_hours_range.low), energy_at(f.gpu_hours_range.high)};
  f.co2_range = {co2_at(f.gpu_hours_range.low), co2_at(f.gpu_hours_range.high)};
  f.car_km = f.co2_kg / kCarKgPerKm;
  if (!in.explain) return;
  assume(f, "embodied_kgco2e_per_gpu", embodied_per_gpu, "kgCO2eq",
         acc.embodied_kgco2e ? acc.embodied_basis
                             : "assumed: BLOOM study's " + number_text(kAssumedGpuEmbodiedKg, "%g") +
                                   " kg per GPU (Luccioni et al. 2023); no LCA for this part");
  assume(f, "embodied_server_kgco2e_per_gpu", kServerEmbodiedKgPerGpu, "kgCO2eq",
         "2,500 kg per 8-GPU server (Luccioni et al. 2023, BLOOM)");
  assume(f, "hardware_lifetime_years", kHardwareLifetimeYears, "years", "Luccioni et al. 2023 (BLOOM)");
  assume(f, "hardware_utilisation", kHardwareUtilisation, "fraction", "Luccioni et al. 2023 (BLOOM)");
  assume(f, "car_kgco2_per_km", kCarKgPerKm, "kgCO2/km", kCarSource);
}

// The EPS tier, and the notes on what the EPS lists among High examples.
void add_tier_and_notes(const ForecastInput& in, Forecast& f) {
  f.tier_operational_only = in.tier_operational_only;
  f.tier = eps_tier(f.energy_kwh, in.tier_operational_only ? f.co2_operational_kg : f.co2_kg);
  if (!in.explain) return;
  if (in.params > kEpsLargeModelParams) {
    f.notes.push_back("the EPS lists models over " + number_text(kEpsLargeModelParams / 1e9, "%g") +
                      "B parameters among its High-impact examples");
  }
  if (in.params > 0 && in.tokens > 0) {
    const double optimal = laws::compute_optimal_tokens(laws::preset(laws::kDefaultLaw), in.params);
    if (is_overtrained(in.tokens, optimal)) {
      f.notes.push_back("the run trains on " + number_text(in.tokens / optimal, "%.1f") +
                        "x the compute-optimal tokens (" + laws::kDefaultLaw +
                        "); the EPS lists runs far past the compute-optimal point among High examples");
    }
  }
}

}  // namespace

const char* accounting_name(Accounting a) { return a == Accounting::kTdp ? "tdp" : "facility"; }

std::vector<Problem> ForecastInput::problems() const {
  std::vector<Problem> out;
  auto positive = [&](const char* field, std::optional<double> v) {
    if (v && !(*v > 0 && std::isfinite(*v)))
      out.push_back({field, number_text(*v, "%g") + " must be positive"});
  };
  if (!flops && !(params > 0 && tokens > 0))
    out.push_back({"", "--params and --tokens (or --flops) are required"});
  if (params < 0 || !std::isfinite(params)) out.push_back({"params", "must be positive"});
  positive("flops", flops);
  positive("gpu_hours", gpu_hours);
  positive("power_w", power_w);
  if (gpus && *gpus <= 0) out.push_back({"gpus", std::to_string(*gpus) + " must be a positive count"});
  if (mfu && !(*mfu > 0 && *mfu <= 1)) out.push_back({"mfu", number_text(*mfu, "%g") + " must be in (0, 1]"});
  if (seq_len && *seq_len <= 0)
    out.push_back({"seq_len", std::to_string(*seq_len) + " must be a positive count"});
  positive("network_gbps", network_gbps);
  if (pue && !(*pue >= 1 && std::isfinite(*pue)))
    out.push_back({"pue", number_text(*pue, "%g") + " must be at least 1"});
  if (carbon_intensity && !(*carbon_intensity >= 0 && std::isfinite(*carbon_intensity))) {
    out.push_back({"carbon_intensity", number_text(*carbon_intensity, "%g") + " must be >= 0 gCO2eq/kWh"});
  }
  if (region && carbon_intensity) {
    out.push_back({"", "--region and --carbon-intensity both set the grid intensity; give one"});
  }
  return out;
}

double extrapolated_kwh(double flops, double ref_energy_kwh, double ref_flops) {
  return flops * (ref_energy_kwh / ref_flops);
}

double embodied_kg_per_gpu_hour(double gpu_embodied_kg) {
  return (gpu_embodied_kg + kServerEmbodiedKgPerGpu) / (kLifetimeHours * kHardwareUtilisation);
}

int min_gpus_for_state(double params, double memory_gb, double bytes_per_param, double activation_share) {
  const double bytes = params * bytes_per_param * (1 + activation_share);
  return gpu_count_at_least(bytes / hardware_db::memory_gb_to_bytes(memory_gb));
}

int min_gpus_for_training(double params, double memory_gb, double activation_share) {
  return min_gpus_for_state(params, memory_gb, kAdamWBytesPerParam, activation_share);
}

bool asks_throughput_model(const hardware_db::Database& db, const ForecastInput& in) {
  if (in.mfu || in.gpu_hours || in.flops || !(in.params > 0 && in.tokens > 0)) return false;
  return !calibrated_mfu(db.accelerator(in.hardware));
}

Forecast forecast(const hardware_db::Database& db, const ForecastInput& in) {
  if (auto p = in.problems(); !p.empty()) throw_problem<PlanError>(p.front());
  const hardware_db::Accelerator& acc = db.accelerator(in.hardware);
  Forecast f;
  f.hardware_id = acc.id;
  f.hardware_name = acc.name;
  f.accounting = in.accounting;
  f.flops = in.flops ? *in.flops : laws::training_flops(in.params, in.tokens);
  const double peak_flops = *acc.training_peak_tflops() * 1e12;
  if (in.explain) {
    assume(f, "peak_tflops", *acc.training_peak_tflops(),
           "TFLOP/s dense " + std::string(acc.bf16_tflops ? "BF16" : "FP16"), acc.source);
  }
  f.gpus = choose_gpus(acc, in, f);
  set_gpu_hours(in, peak_flops, choose_mfu(db, acc, in, f), f);
  f.wall_days = f.gpu_hours / f.gpus / 24.0;
  choose_power(acc, in, f);
  const hardware_db::GridRegion* grid = choose_grid(db, in, f);
  choose_pue(db, in, grid, f);
  add_energy_and_carbon(acc, in, f);
  add_tier_and_notes(in, f);
  return f;
}

}  // namespace scaleplan::planner
