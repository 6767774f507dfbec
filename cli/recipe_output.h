#pragma once
// A training recipe as table rows, and as the folder of files a trainer
// reads (config.json, megatron-args.txt, plan.json); shared by `recipe`
// and `plan --emit`.

#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "output.h"
#include "planning/plan.h"
#include "recipes/recipe.h"

namespace scaleplan::cli {

void add_recipe_rows(Table& t, const planner::Recipe& recipe);

// --emit DIR and --force, as `recipe` and `plan` declare them.
void add_emit_options(CLI::App& sub, std::string& dir, bool& force);

// Writes DIR/config.json, DIR/megatron-args.txt and DIR/plan.json (the
// whole `document`) atomically; throws InputError or PlanError naming
// --emit, having written nothing.
void emit_recipe_folder(const std::string& dir, bool force, const planner::Recipe& recipe,
                        const nlohmann::ordered_json& document, const std::vector<std::string>& inputs);

// plan --emit: the recipe for the plan's best option (its N, D,
// accelerator and GPU count; the default shape, batch, schedule and
// layout), added to `doc` under "recipe" and "emitted", then the folder
// with `doc` as plan.json. Returns the recipe for the table.
planner::Recipe emit_plan_folder(const hardware_db::Database& db, const laws::Law& law,
                                 const planner::PlanRequest& request, const planner::PlanOption& best,
                                 nlohmann::ordered_json& doc, const std::string& dir, bool force,
                                 const std::vector<std::string>& inputs);

// `dir` without trailing slashes, as printed.
std::string folder_name(std::string dir);

// The files as written, for the document's "emitted" field.
nlohmann::ordered_json emitted_json(const std::string& dir);

}  // namespace scaleplan::cli
