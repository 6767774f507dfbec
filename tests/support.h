#pragma once
// Helpers for the end-to-end tests: running the scaleplan binary with its
// stdout, stderr and exit code captured, and the error contract of a
// refused command line; with the files and folders of support_files.h.

#include <string>
#include <vector>

#include "support_files.h"

namespace scaleplan::testing {

struct RunResult {
  int exit_code = -1;
  std::string out, err;
  int err_lines() const;
};

// Runs the scaleplan binary with `args` (no shell), optional env overrides
// "KEY=VALUE".
RunResult run_scaleplan(const std::vector<std::string>& args, const std::vector<std::string>& env = {});

// The same with stdout sent to `stdout_path` (e.g. /dev/full); `out` stays empty.
RunResult run_scaleplan_to(const std::vector<std::string>& args, const std::string& stdout_path,
                           const std::vector<std::string>& env = {});

// A bad command line and a word its one-line error must contain.
struct Refusal {
  std::vector<std::string> args;
  std::string mentions;
};
// Runs each and checks the error contract: exit code 1, nothing on stdout,
// exactly one line on stderr that contains `mentions`.
void check_refusals(const std::vector<Refusal>& cases);

// How many of `full` random cases a property test draws: all of them in the
// Release suite (make unit-test, run by CI too), a quarter under the
// sanitizers, where each costs ~20x and the paths, not the count, matter.
constexpr int random_cases(int full) {
#ifdef SCALEPLAN_TESTS_UNDER_SANITIZERS
  return full / 4 > 0 ? full / 4 : 1;
#else
  return full;
#endif
}

}  // namespace scaleplan::testing
