#include "api/command.h"

#include "commands/commands.h"

namespace scaleplan::api {

const std::vector<Command>& commands() {
  static const std::vector<Command> kCommands = {
      plan_command(),    tokens_command(), loss_command(),      allocate_command(),
      laws_command(),    fit_command(),    forecast_command(),  hardware_command(),
      regions_command(), tier_command(),   calibrate_command(), finetune_command(),
      models_command(),  recipe_command(), layout_command(),    validate_command(),
  };
  return kCommands;
}

const Command* find_command(std::string_view name) {
  for (const Command& c : commands()) {
    if (c.name == name) return &c;
  }
  return nullptr;
}

Result run(std::string_view command, const Inputs& inputs) {
  const Command* c = find_command(command);
  if (c == nullptr) {
    std::string names;
    for (const Command& known : commands()) names += (names.empty() ? "" : ", ") + known.name;
    throw InputError("unknown command '" + std::string(command) + "' (expected one of " + names + ")");
  }
  return c->run(inputs);
}

}  // namespace scaleplan::api
