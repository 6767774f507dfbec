// scaleplan allocate: the compute-optimal (N, D) for a FLOP budget.
#include "commands.h"
#include "forecast_output.h"
#include "laws/allocation.h"
#include "laws/allocation_json.h"
#include "output.h"
#include "units.h"

namespace scaleplan::cli {

namespace {

struct AllocateOptions {
  std::string flops, unique_tokens, law;
  ForecastFlags forecast;
  bool json = false;
};

void run_allocate(const AllocateOptions& o) {
  const double flops = parse_quantity(o.flops, "--flops");
  const auto unique = optional_quantity(o.unique_tokens, "--unique-tokens");
  const laws::Law law = law_for(o.law, unique.has_value());
  const laws::Allocation a = laws::compute_optimal(law, flops, unique);

  auto doc = new_document("allocate");
  add_law(doc, law);
  doc.update(laws::allocation_json(a, unique));

  Table t("Compute-optimal allocation of " + short_number(flops) + " FLOPs");
  t.row("parameters", human_count(a.params));
  t.row("tokens", human_count(a.tokens), short_number(a.tokens / a.params) + " tokens/param");
  if (unique)
    t.row("epochs", short_number(a.tokens / *unique), "over " + human_count(*unique) + " unique tokens");
  t.row("predicted loss", short_number(a.loss), "nats/token");
  add_law(t, law);
  add_optional_forecast(o.forecast, a.params, a.tokens, doc, t);
  emit(o.json, std::move(doc), t.render());
}

}  // namespace

void setup_allocate(CLI::App& app) {
  auto o = std::make_shared<AllocateOptions>();
  auto* sub = app.add_subcommand("allocate", "The compute-optimal model size and tokens for a FLOP budget");
  sub->add_option("--flops,-C", o->flops, "training compute in FLOPs, e.g. 5.76e23")->required();
  sub->add_option("--unique-tokens,-U", o->unique_tokens,
                  "unique tokens available (repeats decay, Muennighoff et al. 2023)");
  add_law_option(*sub, o->law);
  add_forecast_options(*sub, o->forecast, false);
  add_json_flag(*sub, o->json);
  sub->footer("Example:\n  scaleplan allocate --flops 5.76e23");
  reset_each_parse(*sub, o);
  sub->callback([o] { run_allocate(*o); });
}

}  // namespace scaleplan::cli
