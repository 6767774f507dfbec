#pragma once
// The forecast as table rows (its JSON is planner/forecast_json.h); shared
// by forecast, tokens, allocate and plan.

#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

#include "output.h"
#include "planning/advisor.h"
#include "planning/advisor_json.h"
#include "footprint/forecast.h"
#include "footprint/forecast_json.h"

namespace scaleplan::cli {

void add_forecast_rows(Table& t, const planner::Forecast& f);
// The advisor's output (its JSON is planner/advisor_json.h): EPS measures
// and, for High, the recomputed alternatives.
void add_advice_rows(Table& t, const planner::Advice& a);

// Options every command that forecasts takes.
struct ForecastFlags {
  std::string hardware, gpus, mfu, gpu_hours, power_w, region, carbon_intensity, pue, seq_len, network_gbps;
  std::string accounting = "facility";
  std::string tier_scope = "total";
  std::string hardware_db;
};
void add_forecast_options(CLI::App& sub, ForecastFlags& f, bool hardware_required);
void add_hardware_db_option(CLI::App& sub, std::string& path);
// When --hardware is given: the forecast of (params, tokens) under
// "forecast" in the document and as rows of the table.
void add_optional_forecast(const ForecastFlags& flags, double params, double tokens,
                           nlohmann::ordered_json& doc, Table& t);
// planner::forecast, refusing what the flags make impossible: too few
// accelerators to hold the model, measured hours below the peak's.
planner::Forecast checked_forecast(const hardware_db::Database& db, const planner::ForecastInput& in,
                                   const ForecastFlags& flags);
// Fills the planner input from the flags (params/tokens set by the caller).
planner::ForecastInput forecast_input(const ForecastFlags& f);

}  // namespace scaleplan::cli
