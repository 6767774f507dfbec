#pragma once
// A training recipe as table rows, and as the folder of files a trainer
// reads (config.json, megatron-args.txt, plan.json); shared by `recipe`
// and `plan --emit`.

#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "api/output.h"
#include "api/schema.h"
#include "recipes/recipe.h"

namespace scaleplan::api {

void add_recipe_rows(Table& t, const planner::Recipe& recipe);

// --emit DIR and --force, as `recipe` and `plan` take them. Both are local
// only: they write files.
struct EmitFields {
  std::optional<std::string> dir;  // none: nothing is written; "" is refused
  bool force = false;

  static Schema<EmitFields> schema();
};

// With a DIR: "emitted" (the folder and its files) in `document`, then
// DIR/config.json, DIR/megatron-args.txt and DIR/plan.json (the whole
// document) written atomically; throws InputError or PlanError naming
// emit, having written nothing. Without one, nothing.
void emit_recipe_folder(const EmitFields& emit, const planner::Recipe& recipe,
                        nlohmann::ordered_json& document, const std::vector<std::string>& inputs);

// `dir` without trailing slashes, as printed.
std::string folder_name(std::string dir);

// The table's line naming them.
std::string emitted_line(const std::string& dir);

}  // namespace scaleplan::api
