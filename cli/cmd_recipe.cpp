// scaleplan recipe: the shape, batch, learning rate, schedule, layout and
// forecast for a run already sized (N parameters on D tokens on G GPUs).
#include <cmath>

#include "commands.h"
#include "forecast_output.h"
#include "recipes/recipe.h"
#include "recipe_output.h"
#include "units.h"

namespace scaleplan::cli {

namespace {

using nlohmann::ordered_json;

struct RecipeOptions {
  std::string params, model, tokens, gpus;
  std::string hardware = "h100-sxm5-80gb";
  std::string layers, hidden, heads, kv_heads, ffn, vocab, seq_len;
  bool tie_embeddings = false;
  std::string hyperparams = planner::kDefaultHyperparamLaw;
  std::string schedule = "multi-step";
  std::string global_batch_tokens, lr, mfu, region, carbon_intensity, pue;
  std::string law, hardware_db, emit;
  bool force = false, json = false;
};

std::optional<int> optional_count(const std::string& text, const char* field) {
  if (text.empty()) return std::nullopt;
  return parse_count(text, field);
}

planner::RecipeRequest request_from(const RecipeOptions& o) {
  planner::RecipeRequest r;
  if (!o.model.empty()) r.model = o.model;
  r.shape.params = optional_quantity(o.params, "--params").value_or(0);
  r.shape.layers = optional_count(o.layers, "--layers");
  r.shape.hidden = optional_count(o.hidden, "--hidden");
  r.shape.heads = optional_count(o.heads, "--heads");
  r.shape.kv_heads = optional_count(o.kv_heads, "--kv-heads");
  r.shape.ffn = optional_count(o.ffn, "--ffn");
  r.shape.vocab = optional_count(o.vocab, "--vocab");
  r.shape.seq_len = optional_count(o.seq_len, "--seq-len").value_or(planner::kDefaultSeqLen);
  r.shape.tied_embeddings = o.tie_embeddings;
  r.tokens = parse_quantity(o.tokens, "--tokens");
  r.hardware = o.hardware;
  r.gpus = optional_count(o.gpus, "--gpus").value_or(0);
  r.hyperparams = o.hyperparams;
  r.schedule = planner::schedule_from_name(o.schedule);
  r.global_batch_tokens = optional_quantity(o.global_batch_tokens, "--global-batch-tokens");
  r.peak_lr = optional_quantity(o.lr, "--lr");
  r.mfu = optional_quantity(o.mfu, "--mfu");
  if (r.mfu && *r.mfu > 1) throw InputError("--mfu: '" + o.mfu + "' must be in (0, 1]");
  if (!o.region.empty()) r.region = o.region;
  r.carbon_intensity = optional_quantity(o.carbon_intensity, "--carbon-intensity");
  r.pue = optional_quantity(o.pue, "--pue");
  return r;
}

void run_recipe(const RecipeOptions& o) {
  const planner::RecipeRequest req = request_from(o);
  if (auto p = req.problems(); !p.empty()) throw_problem<InputError>(p.front());
  const auto db = hardware_db::Database::load(o.hardware_db);
  const laws::Law law = law_for(o.law, false);
  const planner::Recipe recipe = planner::make_recipe(db, law, req);

  auto doc = new_document("recipe");
  doc["estimate"] = true;
  doc.update(planner::recipe_json(recipe));
  doc["forecast"] = planner::forecast_json(recipe.forecast);
  add_law(doc, law);
  if (!o.emit.empty()) {
    doc["emitted"] = emitted_json(o.emit);
    emit_recipe_folder(o.emit, o.force, recipe, doc, {o.hardware_db, o.law});
  }
  Table t("Training recipe (estimate): " + human_count(recipe.params) + " parameters on " +
          human_count(recipe.tokens) + " tokens, " + std::to_string(recipe.forecast.gpus) + " x " +
          recipe.forecast.hardware_id);
  add_recipe_rows(t, recipe);
  if (!o.emit.empty())
    t.line("wrote " + folder_name(o.emit) + "/config.json, megatron-args.txt and plan.json");
  emit(o.json, std::move(doc), t.render());
}

}  // namespace

void setup_recipe(CLI::App& app) {
  auto o = std::make_shared<RecipeOptions>();
  auto* sub =
      app.add_subcommand("recipe", "Shape, batch, learning rate, schedule and layout for a sized run");
  sub->add_option("--params,-N", o->params, "model size (a shape is derived; see --layers etc.)");
  sub->add_option("--model", o->model, "a catalogue model's shape instead (see `scaleplan models`)");
  sub->add_option("--tokens,-D", o->tokens, "training tokens, e.g. 2T")->required();
  add_shared_option(*sub, "--hardware", o->hardware)->capture_default_str();
  add_shared_option(*sub, "--gpus", o->gpus)->required();
  sub->add_option("--layers", o->layers, "transformer layers (default: the shape rule)");
  sub->add_option("--hidden", o->hidden, "hidden size d_model (default: the shape rule)");
  sub->add_option("--heads", o->heads, "attention heads (default: heads of 128, 64 below d = 2048)");
  sub->add_option("--kv-heads", o->kv_heads, "K/V groups (default: 8 from 16 heads up, else one per head)");
  sub->add_option("--ffn", o->ffn, "MLP width (default: tuned so the shape holds N)");
  sub->add_option("--vocab", o->vocab, "vocabulary size (default 32000)");
  add_shared_option(*sub, "--seq-len", o->seq_len, "default 4096");
  sub->add_flag("--tie-embeddings", o->tie_embeddings, "one matrix for the embedding and the output head");
  sub->add_option("--hyperparams", o->hyperparams, "learning-rate and batch preset")->capture_default_str();
  sub->add_option("--schedule", o->schedule, "multi-step, cosine or wsd")->capture_default_str();
  sub->add_option("--global-batch-tokens", o->global_batch_tokens,
                  "global batch in tokens instead of the law's");
  sub->add_option("--lr", o->lr, "peak learning rate instead of the law's");
  add_shared_option(*sub, "--mfu", o->mfu, "default: the accelerator's");
  add_shared_option(*sub, "--region", o->region);
  add_shared_option(*sub, "--carbon-intensity", o->carbon_intensity);
  add_shared_option(*sub, "--pue", o->pue);
  add_law_option(*sub, o->law);
  add_emit_options(*sub, o->emit, o->force);
  add_hardware_db_option(*sub, o->hardware_db);
  add_json_flag(*sub, o->json);
  sub->footer(
      "Example:\n  scaleplan recipe --params 7B --tokens 2T --hardware h100-sxm5-80gb --gpus 512\n"
      "  scaleplan recipe --params 6.9B --layers 30 --hidden 4096 --vocab 102400 --tokens 2T --gpus 512 "
      "--emit runs/7b");
  reset_each_parse(*sub, o);
  sub->callback([o] { run_recipe(*o); });
}

}  // namespace scaleplan::cli
