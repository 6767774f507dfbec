// scaleplan: a compute-optimal training planner built on scaling laws.
// Builds the command line, parses it, and maps failures to exit codes:
// 0 success, 1 bad input or impossible request, 2 internal error.
#include <CLI/CLI.hpp>
#include <exception>
#include <iostream>

#include "commands.h"
#include "hardware_db/database.h"
#include "laws/law.h"
#include "planner/forecast.h"
#include "units.h"

namespace {

int fail(int code, std::string message) {
  for (char& c : message) {
    if (c == '\n' || c == '\r') c = ' ';
  }
  std::cerr << "scaleplan: error: " << message << "\n";
  return code;
}

}  // namespace

int main(int argc, char** argv) {
  using namespace scaleplan;
  CLI::App app{"scaleplan — size a language model, its tokens, hardware, energy and carbon"};
  app.set_version_flag("--version", std::string("scaleplan ") + SCALEPLAN_VERSION);
  app.require_subcommand(1);
  app.footer("Run `scaleplan COMMAND --help` for a command's options and an example.");
  cli::setup_plan(app);
  cli::setup_tokens(app);
  cli::setup_loss(app);
  cli::setup_allocate(app);
  cli::setup_laws(app);
  cli::setup_fit(app);
  cli::setup_forecast(app);
  cli::setup_hardware(app);
  cli::setup_regions(app);
  cli::setup_tier(app);
  cli::setup_calibrate(app);
  cli::setup_finetune(app);
  cli::setup_models(app);

  // CLI11 reports an unknown command only as "a subcommand is required".
  if (argc > 1 && argv[1][0] != '-') {
    std::string known;
    bool found = false;
    for (const CLI::App* sub : app.get_subcommands({})) {
      known += (known.empty() ? "" : ", ") + sub->get_name();
      found = found || sub->get_name() == argv[1];
    }
    if (!found)
    return fail(1, std::string("unknown command '") + argv[1] + "' (expected one of " + known + ")");
  }
  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForAllHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForVersion& e) {
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    return fail(1, e.what());
  } catch (const cli::InputError& e) {
    return fail(1, e.what());
  } catch (const laws::LawError& e) {
    return fail(1, e.what());
  } catch (const hardware_db::DataError& e) {
    return fail(1, e.what());
  } catch (const planner::PlanError& e) {
    return fail(1, e.what());
  } catch (const std::exception& e) {
    return fail(2, std::string("internal error: ") + e.what());
  }
  return 0;
}
