// scaleplan recipe: the shape, batch, learning rate, schedule, layout and
// forecast for a run already sized (N parameters on D tokens on G GPUs).
#include <cmath>

#include "api/units.h"
#include "commands.h"
#include "footprint/forecast_json.h"
#include "laws/presets.h"
#include "recipe_output.h"
#include "recipes/recipe.h"
#include "shared_fields.h"

namespace scaleplan::api {

namespace {

// The command's fields; planner::RecipeRequest is what it asks the planner.
struct RecipeRequest {
  std::optional<double> params;
  std::string model;  // empty: none given
  double tokens = 0;
  std::string hardware = "h100-sxm5-80gb";
  int gpus = 0;
  ShapeParts shape;
  std::optional<int> seq_len;
  bool tie_embeddings = false;
  std::string hyperparams = planner::kDefaultHyperparamLaw;
  std::string schedule = "multi-step";
  std::optional<double> global_batch_tokens, lr, mfu;
  GridFields grid;
  std::string law = laws::kDefaultLaw;
  EmitFields emit;
  std::string hardware_db;

  static const Schema<RecipeRequest>& schema();
};

// The shape's parts, each with its default in the help.
Schema<ShapeParts> shape_fields() {
  using S = ShapeParts;
  return Schema<S>()
      .add({.name = "layers", .help = "transformer layers (default: the shape rule)"}, &S::layers)
      .add({.name = "hidden", .help = "hidden size d_model (default: the shape rule)"}, &S::hidden)
      .add({.name = "heads", .help = "attention heads (default: heads of 128, 64 below d = 2048)"}, &S::heads)
      .add({.name = "kv_heads", .help = "K/V groups (default: 8 from 16 heads up, else one per head)"},
           &S::kv_heads)
      .add({.name = "ffn", .help = "MLP width (default: tuned so the shape holds N)"}, &S::ffn)
      .add({.name = "vocab", .help = "vocabulary size (default 32000)"}, &S::vocab);
}

const Schema<RecipeRequest>& RecipeRequest::schema() {
  using R = RecipeRequest;
  static const auto s =
      Schema<R>()
          .add({.name = "params",
                .help = "model size (a shape is derived; see --layers etc.)",
                .short_name = "N"},
               &R::params)
          .add({.name = "model", .help = "a catalogue model's shape instead (see `scaleplan models`)"},
               &R::model)
          .add({.name = "tokens", .help = "training tokens, e.g. 2T", .short_name = "D", .required = true},
               &R::tokens)
          .add(with_default(shared_field("hardware"), "h100-sxm5-80gb"), &R::hardware)
          .add(required(shared_field("gpus")), &R::gpus)
          .group(&R::shape, shape_fields())
          .add(shared_field("seq_len", "default 4096"), &R::seq_len)
          .add({.name = "tie_embeddings", .help = "one matrix for the embedding and the output head"},
               &R::tie_embeddings)
          .add({.name = "hyperparams",
                .help = "learning-rate and batch preset",
                .default_text = planner::kDefaultHyperparamLaw},
               &R::hyperparams)
          .add({.name = "schedule", .help = "multi-step, cosine or wsd", .default_text = "multi-step"},
               &R::schedule)
          .add({.name = "global_batch_tokens", .help = "global batch in tokens instead of the law's"},
               &R::global_batch_tokens)
          .add({.name = "lr", .help = "peak learning rate instead of the law's"}, &R::lr)
          .add(shared_field("mfu", "default: the accelerator's"), &R::mfu)
          .group(&R::grid, GridFields::schema())
          .add(law_field(), &R::law)
          .group(&R::emit, EmitFields::schema())
          .add(hardware_db_field(), &R::hardware_db);
  return s;
}

planner::RecipeRequest planner_request(const RecipeRequest& r) {
  planner::RecipeRequest p;
  if (!r.model.empty()) p.shape.model = r.model;
  p.shape.params = r.params.value_or(0);
  r.shape.fill(p.shape);
  p.shape.seq_len = r.seq_len.value_or(planner::kDefaultSeqLen);
  p.shape.tied_embeddings = r.tie_embeddings;
  p.tokens = r.tokens;
  p.hardware = r.hardware;
  p.gpus = r.gpus;
  p.hyperparams = r.hyperparams;
  p.schedule = planner::schedule_from_name(r.schedule);
  p.global_batch_tokens = r.global_batch_tokens;
  p.peak_lr = r.lr;
  p.mfu = r.mfu;
  r.grid.fill(p);
  return p;
}

std::string recipe_text(const planner::Recipe& recipe, const std::string& emit) {
  Table t("Training recipe (estimate): " + human_count(recipe.params) + " parameters on " +
          human_count(recipe.tokens) + " tokens, " + std::to_string(recipe.forecast.gpus) + " x " +
          recipe.forecast.hardware_id);
  add_recipe_rows(t, recipe);
  if (!emit.empty()) t.line(emitted_line(emit));
  return t.render();
}

Result run_recipe(const RecipeRequest& r) {
  const planner::RecipeRequest req = planner_request(r);
  refuse_problems(req);
  const auto db = hardware_db::Database::load(r.hardware_db);
  const laws::Law law = law_for(r.law, false);
  planner::Recipe recipe = planner::make_recipe(db, law, req);

  auto doc = new_document("recipe");
  doc["estimate"] = true;
  doc.update(planner::recipe_json(recipe));
  doc["forecast"] = planner::forecast_json(recipe.forecast);
  add_law(doc, law);
  emit_recipe_folder(r.emit, recipe, doc, {r.hardware_db, r.law});
  return {std::move(doc),
          [recipe = std::move(recipe), emit = r.emit.dir.value_or("")] { return recipe_text(recipe, emit); }};
}

}  // namespace

Command recipe_command() {
  return command<RecipeRequest>(
      "recipe", "Shape, batch, learning rate, schedule and layout for a sized run",
      "Example:\n  scaleplan recipe --params 7B --tokens 2T --hardware h100-sxm5-80gb --gpus 512\n"
      "  scaleplan recipe --params 6.9B --layers 30 --hidden 4096 --vocab 102400 --tokens 2T --gpus 512 "
      "--emit runs/7b",
      run_recipe);
}

}  // namespace scaleplan::api
