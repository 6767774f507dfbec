#pragma once
// The whole command line as a function. The `scaleplan` binary, the Python
// module and the HTTP server all go through it, so every surface answers
// with the same documents and the same one-line errors.

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
// user typed ("inference_hardware: ..." -> "--inference-hardware: ...").
std::string user_message(const Error& e);

// Runs `scaleplan args...` (args without the program name). Results go to
// `out`, the one-line error (and help text) to `err`. Returns the exit
// code: 0 success, 1 bad input or impossible request, 2 internal error.
int run(const std::vector<std::string>& args, std::ostream& out, std::ostream& err);

// A request the command refused (exit code 1): the CLI's one-line message.
class RequestError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// Runs `command` with options named as on the command line, given as JSON:
// {"target_loss": 2.1, "hardware": ["h100", "b200"], "json": true}. Keys may
// use '_' or '-'; true is a flag, false and null are left out, arrays are
// joined with commas, numbers keep 17 significant digits. `positional`
// comes first (e.g. fit's CSV path). Returns the command's --json document.
// Throws RequestError on exit code 1, std::runtime_error on 2.
nlohmann::ordered_json call(const std::string& command, const nlohmann::json& options,
                            const std::vector<std::string>& positional = {});

// The argument list `call` would run, for callers that log or test it.
std::vector<std::string> to_args(const std::string& command, const nlohmann::json& options,
                                 const std::vector<std::string>& positional = {});

}  // namespace scaleplan::cli
