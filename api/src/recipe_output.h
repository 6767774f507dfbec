#pragma once
// A training recipe as table rows, and as the folder of files a trainer
// reads (config.json, megatron-args.txt, plan.json); shared by `recipe`
// and `plan --emit`.

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "api/output.h"
#include "api/schema.h"
#include "recipes/recipe.h"

namespace scaleplan::api {

void add_recipe_rows(Table& t, const planner::Recipe& recipe);

// --emit DIR and --force, as `recipe` and `plan` declare them. Both are
// local only: they write files.
FieldInfo emit_field();
FieldInfo force_field();

// Writes DIR/config.json, DIR/megatron-args.txt and DIR/plan.json (the
// whole `document`) atomically; throws InputError or PlanError naming
// emit, having written nothing.
void emit_recipe_folder(const std::string& dir, bool force, const planner::Recipe& recipe,
                        const nlohmann::ordered_json& document, const std::vector<std::string>& inputs);

// `dir` without trailing slashes, as printed.
std::string folder_name(std::string dir);

// The files as written, for the document's "emitted" field.
nlohmann::ordered_json emitted_json(const std::string& dir);
// The table's line naming them.
std::string emitted_line(const std::string& dir);

}  // namespace scaleplan::api
