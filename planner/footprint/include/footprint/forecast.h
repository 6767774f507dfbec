#pragma once
// Forecast of a training run's compute, time, energy and carbon.
//
//   FLOPs      C = 6 N D (Kaplan et al. 2020)
//   GPU-hours  H = C / (peak x MFU) / 3600, or given for a finished run
//   energy     tdp:      H x P x PUE, P = TDP (the LLaMA papers' convention)
//              facility: H x P x (1 + host overhead) x PUE, P = TDP x power fraction
//   CO2eq      operational = energy x grid intensity
//              embodied    = H x (accelerator + server share) / (lifetime x utilisation)
//              (Luccioni et al. 2023, "Estimating the carbon footprint of BLOOM")
// MFU: given, else the throughput model's best layout on the accelerators
// (needs N and D; billed hours = steady state / goodput, with the 80%
// interval of its errors on published runs), else the accelerator's flat
// MFU (its low..high band, not a stated interval), which a
// calibration profile's measured MFU also replaces the model with. All
// results are estimates; `assumptions` lists every default used.

#include <optional>
#include <string>
#include <vector>
#include "footprint/constants.h"

#include "footprint/eps.h"
#include "hardware_db/database.h"
#include "systems/errors.h"
#include "systems/range.h"

namespace scaleplan::planner {

enum class Accounting { kTdp, kFacility };
const char* accounting_name(Accounting a);

struct ForecastInput {
  double params = 0;
  double tokens = 0;
  std::optional<double> flops;  // instead of 6 N D
  std::string hardware;
  std::optional<int> gpus;                 // default: the fewest that hold the training state
  std::optional<double> mfu;               // default: the throughput model's best layout (throughput.h)
  std::optional<int> seq_len;              // tokens per sequence for that model (default 4096)
  std::optional<double> network_gbps;      // its scale-out link per accelerator, Gbit/s
  std::optional<double> gpu_hours;         // a finished run's measured hours
  std::optional<double> power_w;           // per accelerator, replaces TDP (x fraction)
  std::optional<std::string> region;       // id, ISO code, country or provider:region
  std::optional<double> carbon_intensity;  // gCO2eq/kWh
  std::optional<double> pue;
  Accounting accounting = Accounting::kFacility;
  bool tier_operational_only = false;
  // False: the figures alone, without assumptions or notes, for a forecast
  // that only sizes or compares (a plan weighs dozens and shows one).
  bool explain = true;

  // The problems of the input, each with its field; empty when valid.
  std::vector<Problem> problems() const;
};

struct Assumption {
  std::string name;
  double value = 0;
  std::string unit;
  std::string source;
};

struct Forecast {
  std::string hardware_id, hardware_name;
  double flops = 0;
  int gpus = 0;
  double mfu = 0;
  std::string layout;  // the modelled parallel layout; empty with a flat MFU
  double gpu_hours = 0;
  double wall_days = 0;
  double power_w = 0;        // per accelerator, as accounted (before host and PUE)
  double host_overhead = 0;  // facility accounting only
  double pue = 0;
  double gco2_per_kwh = 0;
  std::string grid_id, grid_name;
  double energy_kwh = 0;
  double co2_operational_kg = 0;
  double co2_embodied_kg = 0;
  double co2_kg = 0;  // operational + embodied
  Range gpu_hours_range, energy_range, co2_range;
  // What the ranges are: the throughput model's 80% interval (level 0.8),
  // the database's MFU band for the part (no level: not a stated
  // interval), or a point (a given MFU or measured hours).
  std::optional<double> range_level;
  std::string range_basis;
  EpsTier tier = EpsTier::kLow;
  bool tier_operational_only = false;
  double car_km = 0;  // the same CO2eq as driving an average car this far
  Accounting accounting = Accounting::kFacility;
  std::vector<Assumption> assumptions;
  std::vector<std::string> notes;  // old data, assumed values, EPS notes
};

Forecast forecast(const hardware_db::Database& db, const ForecastInput& input);

// Whether forecast() asks the throughput model for this input's MFU: N and D
// are known and neither the user (MFU, hours, FLOPs) nor a calibration has
// fixed it. The model can still find no layout for a given count.
bool asks_throughput_model(const hardware_db::Database& db, const ForecastInput& input);

// The utilisation a finished run implies: its FLOPs over the accelerator
// time it was billed for at peak (MFU, Chowdhery et al. 2022, App. B).
inline double mfu_from_hours(double flops, double peak_flops_per_s, double gpu_hours) {
  return flops / (peak_flops_per_s * gpu_hours * 3600.0);
}

// The energy of `flops` on the setup of a run already forecast, which was
// charged `ref_energy_kwh` for `ref_flops`: at a fixed accelerator, cluster,
// MFU, power and PUE every term of the energy model above is linear in the
// FLOPs, so a plan prices another model size at its reference's kWh per
// FLOP. `ref_flops` is what the energy is charged to (unquantised inference
// FLOPs for quantised serving, say).
double extrapolated_kwh(double flops, double ref_energy_kwh, double ref_flops);

// Embodied CO2eq per accelerator-hour: the accelerator's own manufacturing
// CO2eq plus its share of the server's, over the hours it is used in its
// lifetime. Independent of the grid.
double embodied_kg_per_gpu_hour(double gpu_embodied_kg);

// The fewest accelerators (systems/gpu_count.h) whose memory holds the sharded training state
// plus `activation_share` of it again for activations and buffers; `memory_gb`
// as the database gives it (hardware_db::memory_gb_to_bytes).
int min_gpus_for_training(double params, double memory_gb, double activation_share = kStateActivationShare);
// The same for another state size in bytes per parameter (8-bit AdamW: 10).
int min_gpus_for_state(double params, double memory_gb, double bytes_per_param,
                       double activation_share = kStateActivationShare);

}  // namespace scaleplan::planner
