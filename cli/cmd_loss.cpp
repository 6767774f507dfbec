// scaleplan loss: the law's prediction at (N, D[, U]).
#include <cmath>

#include "commands.h"
#include "laws/allocation.h"
#include "output.h"
#include "units.h"

namespace scaleplan::cli {

namespace {

struct LossOptions {
  std::string params, tokens, unique_tokens, law;
  bool json = false;
};

void run_loss(const LossOptions& o) {
  const double params = parse_quantity(o.params, "--params");
  const double tokens = parse_quantity(o.tokens, "--tokens");
  const auto unique = optional_quantity(o.unique_tokens, "--unique-tokens");
  const laws::Law law = law_for(o.law, unique.has_value());
  const double loss = laws::loss(law, params, tokens, unique);
  if (law.form == laws::Form::kIsoflop && !std::isfinite(loss)) {
    throw InputError(
        "--tokens: " + human_count(tokens) + " is off the frontier of IsoFLOP law '" + law.name +
        "', which knows the loss of " + human_count(params) + " parameters only at its compute-optimal " +
        human_count(laws::compute_optimal_tokens(law, params)) + " tokens; use a parametric law");
  }

  auto doc = new_document("loss");
  add_law(doc, law);
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

  Table t("Predicted loss of " + human_count(params) + " parameters on " + human_count(tokens) + " tokens");
  if (unique) t.row("unique tokens", human_count(*unique), short_number(tokens / *unique) + " epochs");
  t.row("loss", short_number(loss), "nats/token");
  t.row("floor for this size", short_number(laws::loss_floor(law, params, unique)), "with unlimited tokens");
  t.row("training FLOPs", short_number(laws::training_flops(params, tokens)), "C = 6ND");
  add_law(t, law);
  emit(o.json, std::move(doc), t.render());
}

}  // namespace

void setup_loss(CLI::App& app) {
  auto o = std::make_shared<LossOptions>();
  auto* sub = app.add_subcommand("loss", "The loss a law predicts for N parameters trained on D tokens");
  sub->add_option("--params,-N", o->params, "model size in parameters, e.g. 7B")->required();
  sub->add_option("--tokens,-D", o->tokens, "training tokens, e.g. 1.4T")->required();
  sub->add_option("--unique-tokens,-U", o->unique_tokens,
                  "unique tokens when data repeats (Muennighoff et al. 2023 decay)");
  add_law_option(*sub, o->law);
  add_json_flag(*sub, o->json);
  sub->footer(
      "Example:\n  scaleplan loss --params 70B --tokens 1.4T\n  scaleplan loss --params 6.34B --tokens 242B "
      "--unique-tokens 25B --law muennighoff2023");
  reset_each_parse(*sub, o);
  sub->callback([o] { run_loss(*o); });
}

}  // namespace scaleplan::cli
