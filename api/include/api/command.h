#pragma once
// The one typed API under every face. Each command is a request type with
// its Schema (api/schema.h), a function from the request to a Result, and
// a line of help; the registry lists them. The CLI builds its flags from
// the same fields, the HTTP server and the Python module pass JSON objects
// of the same names: every face gets the same documents and the same
// refusals, each naming its field (the CLI shows it as --flag).

#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "api/schema.h"

namespace scaleplan::api {

// What a command answers: one JSON document (schema_version, command, what
// was given and what was assumed), and its human table, built when a reader
// asks for it.
struct Result {
  nlohmann::ordered_json document;
  std::function<std::string()> text;
};

struct Command {
  std::string name;
  std::string summary;  // one line
  std::string example;  // the help's footer
  std::vector<FieldInfo> fields;
  std::function<Result(const Inputs&)> run;
};

// A command from its request type: R has a static `schema()` and `run(R)`
// answers it.
template <class R>
Command command(std::string name, std::string summary, std::string example, Result (*run)(const R&)) {
  return Command{std::move(name), std::move(summary), std::move(example), R::schema().fields(),
                 [run](const Inputs& in) { return run(R::schema().parse(in)); }};
}

// Every command, in the order the help lists them.
const std::vector<Command>& commands();
// The command named `name`, or null.
const Command* find_command(std::string_view name);

// Runs `command` on a JSON object of fields. Throws InputError (or another
// scaleplan::Error, naming its field) for a refused request; anything else
// thrown is an internal error.
Result run(std::string_view command, const Inputs& inputs);

}  // namespace scaleplan::api
