#pragma once
// The forecast as JSON and as table rows; shared by forecast, tokens,
// allocate and plan.

#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

#include "output.h"
#include "planner/advisor.h"
#include "planner/forecast.h"

namespace scaleplan::cli {

nlohmann::ordered_json forecast_json(const planner::Forecast& f);
void add_forecast_rows(Table& t, const planner::Forecast& f);
// The advisor's output: EPS measures and, for High, the recomputed alternatives.
nlohmann::ordered_json advice_json(const planner::Advice& a);
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
