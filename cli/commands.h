#pragma once
// The faces' own command (serve); every other command is the API's
// (api/command.h), set up from its fields by api_command.h.

#include <CLI/CLI.hpp>
#include <memory>

namespace scaleplan::cli {

void setup_serve(CLI::App& app);

// A command's options, bound by reference into *o, start every parse from
// the values they had when the command was set up (defaults included): an
// in-process caller builds each command's App once per thread and parses it
// again for every call.
template <class Options>
void reset_each_parse(CLI::App& sub, const std::shared_ptr<Options>& o) {
  sub.preparse_callback([o, initial = *o](std::size_t) { *o = initial; });
}

inline void add_json_flag(CLI::App& sub, bool& json) {
  sub.add_flag("--json", json, "print one JSON document instead of a table");
}

}  // namespace scaleplan::cli
