#pragma once
// Helpers for tests: the shared reference-data folder, and running the
// scaleplan binary with its stdout, stderr and exit code captured.

#include <filesystem>
#include <string>
#include <vector>

#include "hardware_db/database.h"
#include "laws/law.h"

namespace scaleplan::testing {

// The embedded database, loaded once; db() is its short name in tests.
const hardware_db::Database& embedded_db();
inline const hardware_db::Database& db() { return embedded_db(); }

// The default law (laws::kDefaultLaw), built once.
const laws::Law& default_law();

// A GPT-style shape (4h FFN unless given, kv heads = heads unless given)
// with its parameter count from planner::parameter_count.
hardware_db::ModelShape gpt_shape(int layers, int hidden, int heads, int vocab = 51200, int ffn = 0,
                                  int kv_heads = 0, bool gated_mlp = false);

// Writes `text` to dir/name and returns the path.
std::string write_file(const std::filesystem::path& dir, const std::string& name, const std::string& text);

// tests/data/<relative>: public files vendored with their source
// (tests/data/SOURCES.md), so every test runs in a plain clone.
std::string test_data_path(const std::string& relative);

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

// A fresh empty directory under the system temp folder.
std::filesystem::path temp_dir(const std::string& tag);

}  // namespace scaleplan::testing
