#pragma once
// One function per command, each in its own file with its request type
// and its run function; commands.cpp lists them.

#include "api/command.h"
#include "api/output.h"
#include "api/schema.h"

namespace scaleplan::api {

Command plan_command();
Command tokens_command();
Command fit_command();
Command loss_command();
Command allocate_command();
Command laws_command();
Command hardware_command();
Command regions_command();
Command forecast_command();
Command tier_command();
Command recipe_command();
Command calibrate_command();
Command finetune_command();
Command models_command();
Command layout_command();
Command validate_command();

}  // namespace scaleplan::api
