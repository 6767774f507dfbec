// scaleplan forecast: GPU-hours, energy, CO2eq and EPS tier of a run.
#include "commands.h"
#include "forecast_output.h"
#include "laws/allocation.h"
#include "laws/presets.h"
#include "units.h"

namespace scaleplan::cli {

namespace {

struct ForecastOptions {
  std::string params, tokens, flops, offset_price;
  ForecastFlags flags;
  bool json = false;
};

void run_forecast(const ForecastOptions& o) {
  planner::ForecastInput in = forecast_input(o.flags);
  if (!o.params.empty()) in.params = parse_quantity(o.params, "--params");
  if (!o.tokens.empty()) in.tokens = parse_quantity(o.tokens, "--tokens");
  in.flops = optional_quantity(o.flops, "--flops");
  if (in.flops && (!o.params.empty() || !o.tokens.empty())) {
    throw InputError("--flops replaces --params and --tokens (C = 6ND); give one or the other");
  }
  if (!in.flops && (o.params.empty() || o.tokens.empty())) {
    throw InputError("--params and --tokens (or --flops) are required");
  }
  const auto db = hardware_db::Database::load(o.flags.hardware_db);
  const planner::Forecast f = checked_forecast(db, in, o.flags);

  auto doc = new_document("forecast");
  if (in.params > 0) doc["params"] = in.params;
  if (in.tokens > 0) doc["tokens"] = in.tokens;
  doc.update(planner::forecast_json(f));
  std::string title = "Forecast (estimate) of training";
  if (in.params > 0 && in.tokens > 0) {
    title += " " + human_count(in.params) + " parameters on " + human_count(in.tokens) + " tokens";
  } else {
    title += " " + short_number(f.flops) + " FLOPs";
  }
  Table t(title);
  t.row("training FLOPs", short_number(f.flops), in.flops ? "given" : "C = 6ND");
  add_forecast_rows(t, f);
  const planner::Advice advice =
      planner::advise_training(db, laws::preset(laws::kDefaultLaw), {in, f, 0, ""},
                               optional_quantity(o.offset_price, "--offset-price"));
  doc["recommendations"] = planner::advice_json(advice);
  doc["not_recommended"] = advice.not_listed;  // changes tried, and why they are not advice
  add_advice_rows(t, advice);
  emit(o.json, std::move(doc), t.render());
}

}  // namespace

void setup_forecast(CLI::App& app) {
  auto o = std::make_shared<ForecastOptions>();
  auto* sub = app.add_subcommand("forecast", "GPU-hours, energy, CO2eq and EPS tier of a training run");
  sub->add_option("--params,-N", o->params, "model size in parameters, e.g. 65.2B");
  sub->add_option("--tokens,-D", o->tokens, "training tokens, e.g. 1.4T");
  sub->add_option("--flops,-C", o->flops, "training FLOPs instead of 6ND");
  add_forecast_options(*sub, o->flags, true);
  add_shared_option(*sub, "--offset-price", o->offset_price);
  add_json_flag(*sub, o->json);
  sub->footer(
      "Example:\n  scaleplan forecast --params 65.2B --tokens 1.4T --hardware a100-sxm4-80gb --gpus 2048\n"
      "  scaleplan forecast --params 7B --tokens 2T --hardware h100-sxm5-80gb --region aws:us-east-1 --json");
  reset_each_parse(*sub, o);
  sub->callback([o] { run_forecast(*o); });
}

}  // namespace scaleplan::cli
