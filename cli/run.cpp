// Builds the command line, parses it, and maps failures to exit codes.
#include "run.h"

#include <CLI/CLI.hpp>
#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <exception>
#include <map>
#include <memory>
#include <sstream>

#include "api/command.h"
#include "api_command.h"
#include "commands.h"
#include "footprint/forecast.h"
#include "hardware_db/database.h"
#include "laws/law.h"
#include "output.h"
#include "units.h"

namespace scaleplan::cli {

namespace {

int fail(std::ostream& err, int code, std::string message) {
  for (char& c : message) {
    if (c == '\n' || c == '\r') c = ' ';
  }
  err << "scaleplan: error: " << message << "\n";
  return code;
}

// What a user types for a library's field: inference_hardware ->
// --inference-hardware; a positional (hardware's id, fit's runs) is named
// bare, as the command's help names it.
std::string flag_for(std::string field, const std::string& command) {
  if (const api::Command* c = api::find_command(command)) {
    for (const api::FieldInfo& f : c->fields) {
      if (f.name == field && f.positional) return field;
    }
  }
  for (char& c : field) c = c == '_' ? '-' : c;
  return "--" + field;
}

// The commands in the order help lists them: the API's (api/command.h),
// with their flags built from their fields, and the faces' own (serve).
// A null setup is the API's command of that name.
using Setup = void (*)(CLI::App&);
constexpr std::pair<const char*, Setup> kCommands[] = {
    {"plan", nullptr},      {"tokens", nullptr}, {"loss", nullptr},      {"allocate", nullptr},
    {"laws", nullptr},      {"fit", nullptr},    {"forecast", nullptr},  {"hardware", nullptr},
    {"regions", nullptr},   {"tier", nullptr},   {"calibrate", nullptr}, {"finetune", nullptr},
    {"models", nullptr},    {"recipe", nullptr}, {"layout", nullptr},    {"validate", nullptr},
    {"serve", setup_serve},
};

void setup_command(CLI::App& app, const char* name, Setup setup) {
  if (setup != nullptr) return setup(app);
  const api::Command* c = api::find_command(name);
  if (c == nullptr) throw std::logic_error(std::string("no API command ") + name);
  setup_api_command(app, *c);
}

// Registers `only` when it names a command (in-process callers build an App
// per call, and one command's options cost a tenth of all of them), else
// every command, for the top-level help and the unknown-command message.
void setup_commands(CLI::App& app, const std::string& only) {
  app.set_version_flag("--version", std::string("scaleplan ") + SCALEPLAN_VERSION);
  app.require_subcommand(1);
  app.footer("Run `scaleplan COMMAND --help` for a command's options and an example.");
  for (const auto& [name, setup] : kCommands) {
    if (only == name) return setup_command(app, name, setup);
  }
  for (const auto& [name, setup] : kCommands) setup_command(app, name, setup);
}

// CLI11 reports an unknown command only as "a subcommand is required".
std::string unknown_command(const CLI::App& app, const std::string& name) {
  std::string known;
  for (const CLI::App* sub : app.get_subcommands({})) {
    if (sub->get_name() == name) return "";
    known += (known.empty() ? "" : ", ") + sub->get_name();
  }
  return "unknown command '" + name + "' (expected one of " + known + ")";
}

int parse_and_run(CLI::App& app, std::vector<std::string> args, std::ostream& out, std::ostream& err) {
  const std::string command = args.empty() ? "" : args[0];  // parse() consumes args
  if (!args.empty() && !args[0].empty() && args[0][0] != '-') {
    if (std::string why = unknown_command(app, args[0]); !why.empty()) return fail(err, 1, why);
  }
  try {
    std::reverse(args.begin(), args.end());  // CLI11 takes the vector back to front
    app.parse(args);
  } catch (const CLI::CallForHelp& e) {
    return app.exit(e, out, err);
  } catch (const CLI::CallForAllHelp& e) {
    return app.exit(e, out, err);
  } catch (const CLI::CallForVersion& e) {
    return app.exit(e, out, err);
  } catch (const CLI::ParseError& e) {
    return fail(err, 1, e.what());
  } catch (const Error& e) {
    return fail(err, 1, user_message(e, command));
  } catch (const std::exception& e) {
    return fail(err, 2, std::string("internal error: ") + e.what());
  }
  return 0;
}

}  // namespace

// The App for a command line starting with `first`, built once per thread
// (setting a command's options up costs more than most commands' work, and
// a server or Python program runs many) and parsed again for every call:
// CLI11 clears its results, and reset_each_parse the bound options. CLI11
// 2.1's clear() keeps the list of options parsed in order, which grows by
// a few pointers a parse: the App is built anew every kParsesPerApp.
CLI::App& app_for(const std::string& first) {
  constexpr int kParsesPerApp = 1000;
  struct Cached {
    std::unique_ptr<CLI::App> app;
    int parses = 0;
  };
  thread_local std::map<std::string, Cached> apps;
  const bool known = std::any_of(std::begin(kCommands), std::end(kCommands),
                                 [&](const auto& command) { return first == command.first; });
  Cached& cached = apps[known ? first : std::string()];
  if (!cached.app || ++cached.parses > kParsesPerApp) {
    cached.app = std::make_unique<CLI::App>(
        "scaleplan — size a language model, its tokens, hardware, energy and carbon", "scaleplan");
    setup_commands(*cached.app, known ? first : "");
    cached.parses = 1;
  }
  return *cached.app;
}

std::string user_message(const Error& e, const std::string& command) {
  return e.field().empty() ? e.what() : flag_for(e.field(), command) + ": " + e.detail();
}

int run(const std::vector<std::string>& args, std::ostream& out, std::ostream& err) {
  CLI::App& app = app_for(args.empty() ? "" : args[0]);
  const OutputScope scope(out, OutputScope::current_document());
  const int code = parse_and_run(app, args, out, err);
  // A full disk or a closed pipe shows only when the buffer is flushed; a
  // result the user never received is a failure, not a success.
  errno = 0;
  out.flush();
  if (!out) {
    const int e = errno;
    out.clear();
    return fail(err, 1,
                std::string("cannot write the result to standard output: ") +
                    (e != 0 ? std::strerror(e) : "the disk is full or the reader has gone"));
  }
  return code;
}

}  // namespace scaleplan::cli
