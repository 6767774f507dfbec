#include "shared_fields.h"

#include "scaleplan/input_file.h"
#include "scaleplan/strict_json.h"

#include <cmath>

#include "api/units.h"
#include "footprint/forecast_json.h"
#include "hardware_db/database.h"
#include "laws/law_file.h"
#include "laws/presets.h"
#include "planning/plan.h"
#include "scaleplan/strict_json.h"
#include "systems/gpu_count.h"

namespace scaleplan::api {

using nlohmann::ordered_json;

Schema<ForecastFields> ForecastFields::schema(bool hardware_required) {
  using F = ForecastFields;
  FieldInfo hardware = shared_field("hardware");
  return Schema<F>()
      .add(hardware_required ? required(hardware) : hardware, &F::hardware)
      .add(shared_field(
               "gpus", "default: the fewest GPUs that meet the deadline (" + planner::gpu_count_rule() + ")"),
           &F::gpus)
      .add(shared_field("deadline_days", "when --gpus is not given"), &F::deadline_days)
      .add(shared_field("mfu", "default: the best layout's, billed hours"), &F::mfu)
      .add(shared_field("seq_len", "for the layout model, default 4096"), &F::seq_len)
      .add({.name = "network_gbps",
            .help = "scale-out bandwidth per accelerator in Gbit/s, for the layout model"},
           &F::network_gbps)
      .add({.name = "gpu_hours", .help = "measured GPU-hours of a finished run"}, &F::gpu_hours)
      .add(shared_field("power_w"), &F::power_w)
      .add(shared_field("region"), &F::region)
      .add(shared_field("carbon_intensity", "default: world 475"), &F::carbon_intensity)
      .add(shared_field("pue", "default: the cloud's, else industry average 1.58"), &F::pue)
      .add({.name = "accounting",
            .help = "tdp (GPU-h x TDP x PUE) or facility (measured power shares)",
            .default_text = "facility",
            .choices = {"tdp", "facility"}},
           &F::accounting)
      .add({.name = "tier_scope",
            .help = "CO2eq that decides the EPS tier: total or operational",
            .default_text = "total",
            .choices = {"total", "operational"}},
           &F::tier_scope)
      .add(hardware_db_field(), &F::hardware_db);
}

Schema<GridFields> GridFields::schema(const std::string& region_note) {
  using G = GridFields;
  return Schema<G>()
      .add(shared_field("region", region_note), &G::region)
      .add(shared_field("carbon_intensity"), &G::carbon_intensity)
      .add(shared_field("pue"), &G::pue);
}

FieldInfo shared_field(const std::string& name, const std::string& note) {
  static const std::pair<const char*, const char*> kHelp[] = {
      {"hardware", "accelerator id or family name (see `scaleplan hardware list`)"},
      {"gpus", "accelerator count"},
      {"deadline_days", "wall-clock limit: the fewest GPUs that meet it (default 30)"},
      {"mfu", "model FLOPs utilisation"},
      {"region", "grid: ISO code (DE, DEU), country (Germany, UK) or provider:region (aws:us-east-1)"},
      {"carbon_intensity", "grid carbon intensity"},
      {"pue", "data-centre PUE"},
      {"power_w", "power per accelerator to account with"},
      {"seq_len", "tokens per sequence"},
      {"offset_price", "price of one carbon credit in US$, for the offset cost"},
  };
  std::string help;
  for (const auto& [field, text] : kHelp) {
    if (name == field) help = text;
  }
  if (help.empty()) throw std::logic_error("shared_field: no shared declaration for " + name);
  if (const Domain* d = domain_of(name)) help += " (" + domain_text(*d) + ")";
  if (!note.empty()) help += "; " + note;
  return {.name = name, .help = help};
}

FieldInfo required(FieldInfo f) {
  f.required = true;
  return f;
}

FieldInfo with_default(FieldInfo f, const std::string& text) {
  f.default_text = text;
  return f;
}

FieldInfo typed_field(const std::string& name, const std::string& help, const char* type_name,
                      const std::string& default_text) {
  return {
      .name = name, .help = help, .default_text = default_text, .type_name = type_name, .own_range = true};
}

FieldInfo params_field() {
  return {.name = "params", .help = "model size in parameters, e.g. 7B", .short_name = "N", .required = true};
}

FieldInfo input_file_field(const std::string& name, const std::string& help) {
  return {.name = name, .help = help, .required = true, .positional = true, .local_only = true};
}

FieldInfo law_field() {
  return {.name = "law",
          .help = "scaling law: a preset name (see `scaleplan laws`) or a law JSON file",
          .default_text = laws::kDefaultLaw,
          .takes_document = true};
}

namespace {

// A law given as a JSON object (the HTTP API's and Python's inline law),
// named "inline" when it has no name.
laws::Law inline_law(const std::string& text) {
  auto read = parse_strict_json(text);
  if (!read.problem.empty()) throw InputError(Field{"law"}, read.problem);
  if (read.doc.is_discarded()) throw InputError(Field{"law"}, "not valid JSON; expected a law object");
  nlohmann::json& doc = read.doc;
  if (!doc.contains("name")) doc["name"] = "inline";
  return laws::law_from_json(doc, "law");
}

}  // namespace

FieldInfo output_field(const std::string& help) {
  return {.name = "output", .help = help, .short_name = "o", .local_only = true};
}

laws::Law law_for(const std::string& name, bool unique_tokens_given) {
  laws::Law law = name.starts_with("{") ? inline_law(name) : laws::resolve_law(name);
  return unique_tokens_given ? laws::with_repetition_decay(law) : law;
}

FieldInfo hardware_db_field() {
  return {.name = "hardware_db",
          .help = "JSON file adding or overriding accelerators, grids, PUE (also $SCALEPLAN_HARDWARE_DB)",
          .local_only = true};
}

namespace {

// Why a run lands in its tier, against that tier's own thresholds: a Low
// run is not explained by High's.
std::string tier_reason(planner::EpsTier tier, double energy_kwh, double co2_kg) {
  const std::string kwh = human_energy_kwh(energy_kwh), co2 = human_co2_kg(co2_kg);
  const std::string low_kwh = grouped(planner::kLowMaxKwh) + " kWh",
                    low_co2 = grouped(planner::kLowMaxCo2Kg) + " kg";
  const std::string high_kwh = grouped(planner::kHighMinKwh) + " kWh",
                    high_co2 = grouped(planner::kHighMinCo2Kg) + " kg";
  switch (tier) {
    case planner::EpsTier::kLow:
      return kwh + " < " + low_kwh + " and " + co2 + " < " + low_co2;
    case planner::EpsTier::kHigh:
      return kwh + " > " + high_kwh + " and " + co2 + " > " + high_co2;
    case planner::EpsTier::kIntermediate:
      break;
  }
  return kwh + ", " + co2 + ": not both under Low's " + low_kwh + " and " + low_co2 +
         ", nor both over High's " + high_kwh + " and " + high_co2;
}

}  // namespace

void add_forecast_rows(Table& t, const planner::Forecast& f) {
  const double tier_co2 = f.tier_operational_only ? f.co2_operational_kg : f.co2_kg;
  const std::string range = f.range_level ? "80% interval " : "range ";
  const std::string accelerators = accelerator_noun(f.hardware_id, f.gpus);
  t.row("hardware", f.hardware_id,
        accelerators + ", MFU " + short_number(f.mfu) + " (6ND over billed hours)");
  t.row("GPU-hours", human_hours(f.gpu_hours),
        range + human_range(human_hours(f.gpu_hours_range.low), human_hours(f.gpu_hours_range.high)));
  t.row("wall clock", human_days(f.wall_days), "on " + accelerators);
  t.row("energy", human_energy_kwh(f.energy_kwh),
        range + human_range(human_energy_kwh(f.energy_range.low), human_energy_kwh(f.energy_range.high)) +
            ", " + planner::accounting_name(f.accounting) + " accounting, PUE " + short_number(f.pue));
  t.row("CO2eq operational", human_co2_kg(f.co2_operational_kg),
        short_number(f.gco2_per_kwh) + " g/kWh (" + f.grid_id + ")");
  t.row("CO2eq embodied", human_co2_kg(f.co2_embodied_kg), "manufacturing, amortised");
  t.row("CO2eq total", human_co2_kg(f.co2_kg),
        range + human_range(human_co2_kg(f.co2_range.low), human_co2_kg(f.co2_range.high)) + "; ~" +
            human_count(f.car_km) + " km by car");
  t.row("EPS tier", planner::tier_name(f.tier),
        tier_reason(f.tier, f.energy_kwh, tier_co2) +
            (f.tier_operational_only ? " (operational)" : " (total)"));
  std::string measures;
  for (const auto& m : planner::eps_measures(f.tier)) measures += (measures.empty() ? "" : "; ") + m;
  t.line("EPS measures for this tier: " + measures);
  for (const auto& n : f.notes) t.line("note: " + n);
  if (f.gpu_hours_range.low != f.gpu_hours_range.high) t.line("range: " + f.range_basis);
  t.line("These are estimates; every assumption and its source is in --json (\"assumptions\").");
}

void add_advice_rows(Table& t, const planner::Advice& a) {
  if (a.recommendations.empty()) return;
  // Under 0.05% prints as "unchanged", not "-0%": a grid move leaves energy as it is.
  auto pct = [](double saving) {
    if (std::fabs(saving) < 0.05) return std::string("unchanged");
    return (saving >= 0 ? "-" : "+") + short_number(std::fabs(saving)) + "%";
  };
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
      t.line("  - " + r.title + ": frees " +
             short_number(hardware_db::bytes_to_gib(r.freed_gb_per_gpu.value_or(0) * 1e9)) +
             " GiB per GPU; " + r.enables);
      t.line("      " + r.why);
    } else {
      std::string line = "Offsets: " + r.title;
      if (r.offset_cost) line += ", cost " + human_money_usd(*r.offset_cost);
      t.line(line);
      t.line("      " + r.why);
    }
  }
}

void add_optional_forecast(const ForecastFields& flags, double params, double tokens,
                           nlohmann::ordered_json& doc, Table& t) {
  if (flags.hardware.empty()) {
    // Without an accelerator there is no forecast for these to change.
    const std::pair<const char*, bool> needs_hardware[] = {
        {"--gpus", flags.gpus.has_value()},
        {"--mfu", flags.mfu.has_value()},
        {"--gpu-hours", flags.gpu_hours.has_value()},
        {"--power-w", flags.power_w.has_value()},
        {"--region", flags.region.has_value()},
        {"--carbon-intensity", flags.carbon_intensity.has_value()},
        {"--pue", flags.pue.has_value()},
        {"--seq-len", flags.seq_len.has_value()},
        {"--deadline-days", flags.deadline_days.has_value()},
        {"--network-gbps", flags.network_gbps.has_value()}};
    for (const auto& [flag, given] : needs_hardware) {
      if (given)
        throw InputError(std::string(flag) +
                         " needs --hardware (it only changes the forecast on an accelerator)");
    }
    return;
  }
  planner::ForecastInput in = forecast_input(flags);
  in.params = params;
  in.tokens = tokens;
  const auto db = hardware_db::Database::load(flags.hardware_db);
  const planner::Forecast f = checked_forecast(db, in, flags.deadline_days);
  doc["forecast"] = planner::forecast_json(f);
  t.line("");
  t.line("Forecast (estimate) on " + f.hardware_name + ":");
  Table rows("");
  add_forecast_rows(rows, f);
  std::string r = rows.render();
  t.line(r.substr(r.find('\n') + 1, r.size() - r.find('\n') - 2));
}

planner::Forecast checked_forecast(const hardware_db::Database& db, const planner::ForecastInput& in,
                                   std::optional<double> deadline_days) {
  if (in.gpus && in.params > 0) {
    const auto& acc = db.accelerator(in.hardware);
    if (acc.memory_gb) {
      const int need = planner::min_gpus_for_training(in.params, *acc.memory_gb);
      if (*in.gpus < need) {
        throw InputError(Field{"gpus"}, std::to_string(*in.gpus) + " x " + acc.id +
                                            " cannot hold the training state of " + human_count(in.params) +
                                            " parameters (16 bytes/param + activations); expected at least " +
                                            std::to_string(need));
      }
    }
  }
  const planner::Forecast f = planner::forecast_default_cluster(db, in, deadline_days);
  // Measured hours fewer than the peak allows would mean an MFU above 1.
  if (in.gpu_hours && !(f.mfu > 0 && f.mfu <= 1)) {
    throw InputError(Field{"gpu_hours"},
                     short_number(*in.gpu_hours) + " is fewer than " + short_number(f.flops) +
                         " FLOPs take at the accelerator's peak (an MFU of " + human_count(f.mfu) +
                         ", above 1); expected at least " + human_hours(*in.gpu_hours * f.mfu));
  }
  return f;
}

planner::ForecastInput forecast_input(const ForecastFields& f) {
  planner::ForecastInput in;
  in.hardware = f.hardware;
  in.gpus = f.gpus;
  in.mfu = f.mfu;
  in.seq_len = f.seq_len;
  in.network_gbps = f.network_gbps;
  in.gpu_hours = f.gpu_hours;
  in.power_w = f.power_w;
  in.region = f.region;
  in.carbon_intensity = f.carbon_intensity;
  in.pue = f.pue;
  in.accounting = f.accounting == "tdp" ? planner::Accounting::kTdp : planner::Accounting::kFacility;
  in.tier_operational_only = f.tier_scope == "operational";
  return in;
}

nlohmann::json read_json_object_file(const std::string& path, const std::string& field,
                                     const std::string& expected, std::uintmax_t max_bytes) {
  std::string text;
  try {
    text = read_input_file<Error>(path, {expected, max_bytes});
  } catch (const Error& e) {
    throw InputError(Field{field}, e.what());
  }
  auto read = parse_strict_json(text);
  if (!read.problem.empty()) throw InputError(Field{field}, "'" + path + "': " + read.problem);
  if (read.doc.is_discarded() || !read.doc.is_object())
    throw InputError(Field{field}, "'" + path + "' is not " + expected);
  return std::move(read.doc);
}

}  // namespace scaleplan::api
