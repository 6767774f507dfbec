// scaleplan loss: the law's prediction at (N, D[, U]).
#include <cmath>

#include "api/units.h"
#include "commands.h"
#include "laws/allocation.h"
#include "laws/presets.h"
#include "shared_fields.h"

namespace scaleplan::api {

namespace {

struct LossRequest {
  double params = 0, tokens = 0;
  std::optional<double> unique_tokens;
  std::string law = laws::kDefaultLaw;

  static const Schema<LossRequest>& schema() {
    using R = LossRequest;
    static const auto s =
        Schema<R>()
            .add(params_field(), &R::params)
            .add(
                {.name = "tokens", .help = "training tokens, e.g. 1.4T", .short_name = "D", .required = true},
                &R::tokens)
            .add({.name = "unique_tokens",
                  .help = "unique tokens when data repeats (Muennighoff et al. 2023 decay)",
                  .short_name = "U"},
                 &R::unique_tokens)
            .add(law_field(), &R::law);
    return s;
  }
};

Result run_loss(const LossRequest& r) {
  const double params = r.params, tokens = r.tokens;
  const std::optional<double> unique = r.unique_tokens;
  const laws::Law law = law_for(r.law, unique.has_value());
  const double loss = laws::loss(law, params, tokens, unique);
  if (law.form == laws::Form::kIsoflop && !std::isfinite(loss)) {
    throw InputError(Field{"tokens"}, human_count(tokens) + " is off the frontier of IsoFLOP law '" +
                                          law.name + "', which knows the loss of " + human_count(params) +
                                          " parameters only at its compute-optimal " +
                                          human_count(laws::compute_optimal_tokens(law, params)) +
                                          " tokens; use a parametric law");
  }

  auto doc = new_document("loss");
  add_law(doc, law, params, tokens);
  doc["params"] = params;
  doc["tokens"] = tokens;
  if (unique) {
    doc["unique_tokens"] = *unique;
    doc["epochs"] = tokens / *unique;
  }
  doc["tokens_per_param"] = tokens / params;
  doc["flops"] = laws::training_flops(params, tokens);
  doc["loss"] = loss;
  doc["loss_floor"] = laws::loss_floor(law, params, unique);
  return {std::move(doc), [params, tokens, unique, law, loss] {
            Table t("Predicted loss of " + human_count(params) + " parameters on " + human_count(tokens) +
                    " tokens");
            if (unique)
              t.row("unique tokens", human_count(*unique), short_number(tokens / *unique) + " epochs");
            t.row("loss", short_number(loss), "nats/token");
            t.row("floor for this size", short_number(laws::loss_floor(law, params, unique)),
                  "with unlimited tokens");
            t.row("training FLOPs", short_number(laws::training_flops(params, tokens)), "C = 6ND");
            add_law(t, law, params, tokens);
            return t.render();
          }};
}

}  // namespace

Command loss_command() {
  return command<LossRequest>(
      "loss", "The loss a law predicts for N parameters trained on D tokens",
      "Example:\n  scaleplan loss --params 70B --tokens 1.4T\n  scaleplan loss --params 6.34B --tokens 242B "
      "--unique-tokens 25B --law muennighoff2023",
      run_loss);
}

}  // namespace scaleplan::api
