#pragma once
// A command of the API (api/command.h) as a CLI11 subcommand: one option
// per field (--name, -short, a positional where the field says so), CLI11's
// own checks for what a command line checks (required options, choices),
// and --json. Parsing collects what was typed; the API checks each value.

#include <CLI/CLI.hpp>

#include "api/command.h"

namespace scaleplan::cli {

void setup_api_command(CLI::App& app, const api::Command& command);

}  // namespace scaleplan::cli
