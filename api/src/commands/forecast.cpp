// scaleplan forecast: GPU-hours, energy, CO2eq and EPS tier of a run.
#include "api/units.h"
#include "commands.h"
#include "footprint/forecast_json.h"
#include "laws/allocation.h"
#include "laws/presets.h"
#include "planning/advisor_json.h"
#include "shared_fields.h"

namespace scaleplan::api {

namespace {

struct ForecastRequest {
  std::optional<double> params, tokens, flops, offset_price;
  ForecastFields forecast;

  static const Schema<ForecastRequest>& schema() {
    using R = ForecastRequest;
    static const auto s =
        Schema<R>()
            .add({.name = "params", .help = "model size in parameters, e.g. 65.2B", .short_name = "N"},
                 &R::params)
            .add({.name = "tokens", .help = "training tokens, e.g. 1.4T", .short_name = "D"}, &R::tokens)
            .add({.name = "flops", .help = "training FLOPs instead of 6ND", .short_name = "C"}, &R::flops)
            .group(&R::forecast, ForecastFields::schema(true))
            .add(shared_field("offset_price"), &R::offset_price);
    return s;
  }
};

std::string title_of(const planner::ForecastInput& in, const planner::Forecast& f) {
  std::string title = "Forecast (estimate) of training";
  if (in.params > 0 && in.tokens > 0) {
    return title + " " + human_count(in.params) + " parameters on " + human_count(in.tokens) + " tokens";
  }
  return title + " " + short_number(f.flops) + " FLOPs";
}

Result run_forecast(const ForecastRequest& r) {
  planner::ForecastInput in = forecast_input(r.forecast);
  if (r.params) in.params = *r.params;
  if (r.tokens) in.tokens = *r.tokens;
  in.flops = r.flops;
  if (in.flops && (r.params || r.tokens)) {
    throw InputError("--flops replaces --params and --tokens (C = 6ND); give one or the other");
  }
  if (!in.flops && (!r.params || !r.tokens))
    throw InputError("--params and --tokens (or --flops) are required");
  const auto db = hardware_db::Database::load(r.forecast.hardware_db);
  const planner::Forecast f = checked_forecast(db, in, r.forecast.deadline_days);

  auto doc = new_document("forecast");
  if (in.params > 0) doc["params"] = in.params;
  if (in.tokens > 0) doc["tokens"] = in.tokens;
  doc.update(planner::forecast_json(f));
  const planner::Advice advice =
      planner::advise_training(db, laws::preset(laws::kDefaultLaw), {in, f, 0, ""}, r.offset_price);
  doc["recommendations"] = planner::advice_json(advice);
  doc["not_recommended"] = advice.not_listed;  // changes tried, and why they are not advice
  return {std::move(doc), [in, f, advice] {
            Table t(title_of(in, f));
            t.row("training FLOPs", short_number(f.flops), in.flops ? "given" : "C = 6ND");
            add_forecast_rows(t, f);
            add_advice_rows(t, advice);
            return t.render();
          }};
}

}  // namespace

Command forecast_command() {
  return command<ForecastRequest>(
      "forecast", "GPU-hours, energy, CO2eq and EPS tier of a training run",
      "Example:\n  scaleplan forecast --params 65.2B --tokens 1.4T --hardware a100-sxm4-80gb --gpus 2048\n"
      "  scaleplan forecast --params 7B --tokens 2T --hardware h100-sxm5-80gb --region aws:us-east-1 --json",
      run_forecast);
}

}  // namespace scaleplan::api
