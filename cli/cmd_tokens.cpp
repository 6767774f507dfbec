// scaleplan tokens: how many tokens for N parameters.
#include "commands.h"
#include "forecast_output.h"
#include "laws/allocation.h"
#include "output.h"
#include "units.h"

namespace scaleplan::cli {

namespace {

struct TokensOptions {
  std::string params;
  std::string law;
  std::string target_loss;  // empty: the compute-optimal token count
  ForecastFlags forecast;
  bool json = false;
};

void run_tokens(const TokensOptions& o) {
  const double params = parse_quantity(o.params, "--params");
  const auto target = optional_quantity(o.target_loss, "--target-loss");
  const laws::Law law = law_for(o.law, false);

  const double tokens =
      target ? laws::tokens_for_loss(law, params, *target) : laws::compute_optimal_tokens(law, params);
  const double flops = laws::training_flops(params, tokens);
  const double loss = laws::loss(law, params, tokens);
  const double rule_tokens = laws::kRuleOfThumbTokensPerParam * params;

  auto doc = new_document("tokens");
  add_law(doc, law);
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
  add_law(t, law);
  add_optional_forecast(o.forecast, params, tokens, doc, t);
  emit(o.json, std::move(doc), t.render());
}

}  // namespace

void setup_tokens(CLI::App& app) {
  auto o = std::make_shared<TokensOptions>();
  auto* sub = app.add_subcommand(
      "tokens", "Tokens to train N parameters on: compute-optimal, or to reach a target loss");
  sub->add_option("--params,-N", o->params, "model size in parameters, e.g. 7B")->required();
  sub->add_option("--target-loss", o->target_loss,
                  "tokens needed to reach this loss instead of the compute-optimal count");
  add_law_option(*sub, o->law);
  add_forecast_options(*sub, o->forecast, false);
  add_json_flag(*sub, o->json);
  sub->footer(
      "Example:\n  scaleplan tokens --params 7B\n  scaleplan tokens --params 70B --law hoffmann2022 --json");
  reset_each_parse(*sub, o);
  sub->callback([o] { run_tokens(*o); });
}

}  // namespace scaleplan::cli
