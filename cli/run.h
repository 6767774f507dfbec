#pragma once
// The whole command line as a function: the `scaleplan` binary, and tests
// that run it in process. The other faces (serve, Python) call the API
// (api/command.h) directly.

#include <iosfwd>
#include <stdexcept>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "scaleplan/error.h"

namespace CLI {
class App;
}

namespace scaleplan::cli {

// The App that run() parses a command line starting with `first` with: one
// per command and thread, reused for many calls and built anew from time
// to time (run.cpp says why).
CLI::App& app_for(const std::string& first);

// A library error as the CLI words it: its field shown as the flag the
// user typed ("inference_hardware: ..." -> "--inference-hardware: ..."),
// or bare where `command` takes it as a positional.
std::string user_message(const Error& e, const std::string& command);

// Runs `scaleplan args...` (args without the program name). Results go to
// `out`, the one-line error (and help text) to `err`. Returns the exit
// code: 0 success, 1 bad input or impossible request, 2 internal error.
int run(const std::vector<std::string>& args, std::ostream& out, std::ostream& err);

}  // namespace scaleplan::cli
