// scaleplan tokens: how many tokens for N parameters.
#include "api/units.h"
#include "commands.h"
#include "laws/allocation.h"
#include "laws/presets.h"
#include "shared_fields.h"

namespace scaleplan::api {

namespace {

struct TokensRequest {
  double params = 0;
  std::optional<double> target_loss;  // absent: the compute-optimal token count
  std::string law = laws::kDefaultLaw;
  ForecastFields forecast;

  static const Schema<TokensRequest>& schema() {
    using R = TokensRequest;
    static const auto s =
        Schema<R>()
            .add(params_field(), &R::params)
            .add({.name = "target_loss",
                  .help = "tokens needed to reach this loss instead of the compute-optimal count"},
                 &R::target_loss)
            .add(law_field(), &R::law)
            .group(&R::forecast, ForecastFields::schema(false));
    return s;
  }
};

Result run_tokens(const TokensRequest& r) {
  const double params = r.params;
  const std::optional<double> target = r.target_loss;
  const laws::Law law = law_for(r.law, false);

  const double tokens =
      target ? laws::tokens_for_loss(law, params, *target) : laws::compute_optimal_tokens(law, params);
  const double flops = laws::training_flops(params, tokens);
  const double loss = laws::loss(law, params, tokens);
  const double rule_tokens = laws::kRuleOfThumbTokensPerParam * params;

  auto doc = new_document("tokens");
  add_law(doc, law, params, tokens);
  doc["basis"] = target ? "target_loss" : "compute_optimal";
  if (target) doc["target_loss"] = *target;
  doc["params"] = params;
  doc["tokens"] = tokens;
  doc["tokens_per_param"] = tokens / params;
  doc["flops"] = flops;
  doc["loss"] = loss;
  doc["rule_of_thumb"] = {{"tokens_per_param", laws::kRuleOfThumbTokensPerParam},
                          {"tokens", rule_tokens},
                          {"source", "Hoffmann et al. 2022, Table 3"}};

  Table t(target ? "Tokens for " + human_count(params) + " parameters to reach loss " + short_number(*target)
                 : "Compute-optimal tokens for " + human_count(params) + " parameters");
  t.row("tokens", human_count(tokens), short_number(tokens / params) + " tokens/param");
  t.row("training FLOPs", short_number(flops), "C = 6ND");
  t.row("predicted loss", short_number(loss), "nats/token");
  t.row("rule of thumb", human_count(rule_tokens), "20 tokens/param (Hoffmann et al. 2022)");
  add_law(t, law, params, tokens);
  // The forecast fills the document and the table at once, and may refuse
  // its fields: it runs here, before the result is answered.
  add_optional_forecast(r.forecast, params, tokens, doc, t);
  return {std::move(doc), [t] { return t.render(); }};
}

}  // namespace

Command tokens_command() {
  return command<TokensRequest>(
      "tokens", "Tokens to train N parameters on: compute-optimal, or to reach a target loss",
      "Example:\n  scaleplan tokens --params 7B\n  scaleplan tokens --params 70B --law hoffmann2022 --json",
      run_tokens);
}

}  // namespace scaleplan::api
