// scaleplan allocate: the compute-optimal (N, D) for a FLOP budget.
#include "api/units.h"
#include "commands.h"
#include "laws/allocation.h"
#include "laws/allocation_json.h"
#include "laws/presets.h"
#include "shared_fields.h"

namespace scaleplan::api {

namespace {

struct AllocateRequest {
  double flops = 0;
  std::optional<double> unique_tokens;
  std::string law = laws::kDefaultLaw;
  ForecastFields forecast;

  static const Schema<AllocateRequest>& schema() {
    using R = AllocateRequest;
    static const auto s =
        Schema<R>()
            .add({.name = "flops",
                  .help = "training compute in FLOPs, e.g. 5.76e23",
                  .short_name = "C",
                  .required = true},
                 &R::flops)
            .add({.name = "unique_tokens",
                  .help = "unique tokens available (repeats decay, Muennighoff et al. 2023)",
                  .short_name = "U"},
                 &R::unique_tokens)
            .add(law_field(), &R::law)
            .group(&R::forecast, ForecastFields::schema(false));
    return s;
  }
};

Result run_allocate(const AllocateRequest& r) {
  const double flops = r.flops;
  const std::optional<double> unique = r.unique_tokens;
  const laws::Law law = law_for(r.law, unique.has_value());
  const laws::Allocation a = laws::compute_optimal(law, flops, unique);

  auto doc = new_document("allocate");
  add_law(doc, law, a.params, a.tokens);
  doc.update(laws::allocation_json(a, unique));

  Table t("Compute-optimal allocation of " + short_number(flops) + " FLOPs");
  t.row("parameters", human_count(a.params));
  t.row("tokens", human_count(a.tokens), short_number(a.tokens / a.params) + " tokens/param");
  if (unique)
    t.row("epochs", short_number(a.tokens / *unique), "over " + human_count(*unique) + " unique tokens");
  t.row("predicted loss", short_number(a.loss), "nats/token");
  add_law(t, law, a.params, a.tokens);
  // The forecast fills the document and the table at once, and may refuse
  // its fields: it runs here, before the result is answered.
  add_optional_forecast(r.forecast, a.params, a.tokens, doc, t);
  return {std::move(doc), [t] { return t.render(); }};
}

}  // namespace

Command allocate_command() {
  return command<AllocateRequest>("allocate", "The compute-optimal model size and tokens for a FLOP budget",
                                  "Example:\n  scaleplan allocate --flops 5.76e23", run_allocate);
}

}  // namespace scaleplan::api
