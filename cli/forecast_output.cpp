#include "forecast_output.h"

#include <cmath>

#include "commands.h"
#include "planning/plan.h"
#include "units.h"

namespace scaleplan::cli {

using nlohmann::ordered_json;

void add_forecast_rows(Table& t, const planner::Forecast& f) {
  const double tier_co2 = f.tier_operational_only ? f.co2_operational_kg : f.co2_kg;
  const std::string accelerators = accelerator_noun(f.hardware_id, f.gpus);
  t.row("hardware", f.hardware_id, accelerators + ", MFU " + short_number(f.mfu));
  t.row("GPU-hours", human_hours(f.gpu_hours),
        "range " + human_range(human_hours(f.gpu_hours_range.low), human_hours(f.gpu_hours_range.high)));
  t.row("wall clock", human_days(f.wall_days), "on " + accelerators);
  t.row("energy", human_energy_kwh(f.energy_kwh),
        "range " + human_range(human_energy_kwh(f.energy_range.low), human_energy_kwh(f.energy_range.high)) +
            ", " + planner::accounting_name(f.accounting) + " accounting, PUE " + short_number(f.pue));
  t.row("CO2eq operational", human_co2_kg(f.co2_operational_kg),
        short_number(f.gco2_per_kwh) + " g/kWh (" + f.grid_id + ")");
  t.row("CO2eq embodied", human_co2_kg(f.co2_embodied_kg), "manufacturing, amortised");
  t.row("CO2eq total", human_co2_kg(f.co2_kg),
        "range " + human_range(human_co2_kg(f.co2_range.low), human_co2_kg(f.co2_range.high)) + "; ~" +
            human_count(f.car_km) + " km by car");
  t.row("EPS tier", planner::tier_name(f.tier),
        human_energy_kwh(f.energy_kwh) + (f.energy_kwh > planner::kHighMinKwh ? " > " : " <= ") +
            "1,500 kWh, " + human_co2_kg(tier_co2) + (tier_co2 > planner::kHighMinCo2Kg ? " > " : " <= ") +
            "500 kg" + (f.tier_operational_only ? " (operational)" : " (total)"));
  std::string measures;
  for (const auto& m : planner::eps_measures(f.tier)) measures += (measures.empty() ? "" : "; ") + m;
  t.line("EPS measures for this tier: " + measures);
  for (const auto& n : f.notes) t.line("note: " + n);
  t.line("These are estimates; every assumption and its source is in --json (\"assumptions\").");
}

void add_advice_rows(Table& t, const planner::Advice& a) {
  if (a.recommendations.empty()) return;
  auto pct = [](double saving) { return (saving >= 0 ? "-" : "+") + short_number(std::fabs(saving)) + "%"; };
  bool saving_heading = false, memory_heading = false;
  for (const auto& r : a.recommendations) {
    if (r.category == planner::Category::kSaving) {
      if (!saving_heading) {
        t.line("Recommendations for this High-tier run: one change each, recomputed, by " + a.objective +
               " saved (estimates; scope: " + a.scope + "):");
        saving_heading = true;
      }
      std::string line = "  - " + r.title + ": " + human_energy_kwh(r.energy_kwh) + ", " +
                         human_co2_kg(r.co2_kg) + ", " + planner::tier_name(r.tier) + " (energy " +
                         pct(r.energy_saving_pct) + ", CO2 " + pct(r.co2_saving_pct);
      if (r.gpus) line += "; " + plural(*r.gpus, "GPU", "GPUs");
      if (r.wall_days) line += ", " + human_days(*r.wall_days);
      t.line(line + ")");
      t.line("      " + r.why);
    } else if (r.category == planner::Category::kMemory) {
      if (!memory_heading) {
        t.line("Memory measures (no energy saving: they free memory):");
        memory_heading = true;
      }
      t.line("  - " + r.title + ": frees " + short_number(r.freed_gb_per_gpu.value_or(0)) + " GB per GPU; " +
             r.enables);
      t.line("      " + r.why);
    } else {
      std::string line = "Offsets: " + r.title;
      if (r.offset_cost) line += ", cost " + human_money_usd(*r.offset_cost);
      t.line(line);
      t.line("      " + r.why);
    }
  }
}

void add_hardware_db_option(CLI::App& sub, std::string& path) {
  sub.add_option("--hardware-db", path,
                 "JSON file adding or overriding accelerators, grids, PUE (also $SCALEPLAN_HARDWARE_DB)");
}

void add_forecast_options(CLI::App& sub, ForecastFlags& f, bool hardware_required) {
  auto* h = add_shared_option(sub, "--hardware", f.hardware);
  if (hardware_required) h->required();
  add_shared_option(sub, "--gpus", f.gpus, "default: the fewest that hold the training state");
  add_shared_option(sub, "--mfu", f.mfu, "default: the best layout's, billed hours");
  add_shared_option(sub, "--seq-len", f.seq_len, "for the layout model, default 4096");
  sub.add_option("--network-gbps", f.network_gbps,
                 "scale-out bandwidth per accelerator in Gbit/s, for the layout model");
  sub.add_option("--gpu-hours", f.gpu_hours, "measured GPU-hours of a finished run");
  add_shared_option(sub, "--power-w", f.power_w);
  add_shared_option(sub, "--region", f.region);
  add_shared_option(sub, "--carbon-intensity", f.carbon_intensity, "default: world 475");
  add_shared_option(sub, "--pue", f.pue, "default: the cloud's, else industry average 1.58");
  sub.add_option("--accounting", f.accounting, "tdp (GPU-h x TDP x PUE) or facility (measured power shares)")
      ->check(CLI::IsMember({"tdp", "facility"}))
      ->capture_default_str();
  sub.add_option("--tier-scope", f.tier_scope, "CO2eq that decides the EPS tier: total or operational")
      ->check(CLI::IsMember({"total", "operational"}))
      ->capture_default_str();
  add_hardware_db_option(sub, f.hardware_db);
}

void add_optional_forecast(const ForecastFlags& flags, double params, double tokens,
                           nlohmann::ordered_json& doc, Table& t) {
  if (flags.hardware.empty()) {
    // Without an accelerator there is no forecast for these to change.
    const std::pair<const char*, const std::string*> needs_hardware[] = {
        {"--gpus", &flags.gpus},
        {"--mfu", &flags.mfu},
        {"--gpu-hours", &flags.gpu_hours},
        {"--power-w", &flags.power_w},
        {"--region", &flags.region},
        {"--carbon-intensity", &flags.carbon_intensity},
        {"--pue", &flags.pue},
        {"--seq-len", &flags.seq_len},
        {"--network-gbps", &flags.network_gbps}};
    for (const auto& [flag, value] : needs_hardware) {
      if (!value->empty())
        throw InputError(std::string(flag) +
                         " needs --hardware (it only changes the forecast on an accelerator)");
    }
    return;
  }
  planner::ForecastInput in = forecast_input(flags);
  in.params = params;
  in.tokens = tokens;
  const auto db = hardware_db::Database::load(flags.hardware_db);
  const planner::Forecast f = checked_forecast(db, in, flags);
  doc["forecast"] = planner::forecast_json(f);
  t.line("");
  t.line("Forecast (estimate) on " + f.hardware_name + ":");
  Table rows("");
  add_forecast_rows(rows, f);
  std::string r = rows.render();
  t.line(r.substr(r.find('\n') + 1, r.size() - r.find('\n') - 2));
}

planner::Forecast checked_forecast(const hardware_db::Database& db, const planner::ForecastInput& in,
                                   const ForecastFlags& flags) {
  if (in.gpus && in.params > 0) {
    const auto& acc = db.accelerator(in.hardware);
    if (acc.memory_gb) {
      const int need = planner::min_gpus_for_training(in.params, *acc.memory_gb);
      if (*in.gpus < need) {
        throw InputError("--gpus: " + flags.gpus + " x " + acc.id + " cannot hold the training state of " +
                         human_count(in.params) +
                         " parameters (16 bytes/param + activations); expected at least " +
                         std::to_string(need));
      }
    }
  }
  const planner::Forecast f = planner::forecast_default_cluster(db, in);
  // Measured hours fewer than the peak allows would mean an MFU above 1.
  if (in.gpu_hours && !(f.mfu > 0 && f.mfu <= 1)) {
    throw InputError("--gpu-hours: " + flags.gpu_hours + " is fewer than " + short_number(f.flops) +
                     " FLOPs take at the accelerator's peak (an MFU of " + human_count(f.mfu) +
                     ", above 1); expected at least " + human_hours(*in.gpu_hours * f.mfu));
  }
  return f;
}

planner::ForecastInput forecast_input(const ForecastFlags& f) {
  planner::ForecastInput in;
  in.hardware = f.hardware;
  if (!f.gpus.empty()) in.gpus = parse_count(f.gpus, "--gpus");
  in.mfu = optional_quantity(f.mfu, "--mfu");
  if (!f.seq_len.empty()) in.seq_len = parse_count(f.seq_len, "--seq-len");
  in.network_gbps = optional_quantity(f.network_gbps, "--network-gbps");
  in.gpu_hours = optional_quantity(f.gpu_hours, "--gpu-hours");
  in.power_w = optional_quantity(f.power_w, "--power-w");
  if (!f.region.empty()) in.region = f.region;
  if (!f.carbon_intensity.empty()) {
    in.carbon_intensity = parse_quantity(f.carbon_intensity, "--carbon-intensity");
  }
  in.pue = optional_quantity(f.pue, "--pue");
  in.accounting = f.accounting == "tdp" ? planner::Accounting::kTdp : planner::Accounting::kFacility;
  in.tier_operational_only = f.tier_scope == "operational";
  return in;
}

}  // namespace scaleplan::cli
