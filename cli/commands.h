#pragma once
// One setup_* per subcommand; each lives in its own cmd_*.cpp with its
// options struct and its run_* (library calls and an output writer only).

#include <CLI/CLI.hpp>
#include <memory>
#include <optional>
#include <string>

#include "laws/law.h"

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

// Shared option helpers.
void add_law_option(CLI::App& sub, std::string& law);
void add_json_flag(CLI::App& sub, bool& json);
// A flag several commands take (--hardware, --gpus, --mfu, --region,
// --carbon-intensity, --pue, --power-w, --seq-len, --offset-price),
// declared with one help text and its domain everywhere; `note` adds what
// differs by command (the default).
CLI::Option* add_shared_option(CLI::App& sub, const std::string& flag, std::string& value,
                               const std::string& note = "");
// The law named by --law, with the repetition decay when unique tokens are
// given to a Chinchilla-form law.
laws::Law law_for(const std::string& name, bool unique_tokens_given);
std::optional<double> optional_quantity(const std::string& text, const char* field);

}  // namespace scaleplan::cli
