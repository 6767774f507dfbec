// Numerical robustness at the binary: the JSON of every command over the
// range of tests/planning/property_sweep_test.cpp holds finite numbers
// only, or the command refuses with one line.
#include <catch2/catch.hpp>
#include <cmath>
#include <nlohmann/json.hpp>

#include "support.h"

using namespace scaleplan;

namespace {

bool all_finite(const nlohmann::json& j) {
  if (j.is_null()) return false;  // NaN and inf are written as null
  if (j.is_number()) return std::isfinite(j.get<double>());
  if (j.is_array() || j.is_object()) {
    for (const auto& x : j) {
      if (!all_finite(x)) return false;
    }
  }
  return true;
}

}  // namespace

TEST_CASE("property: the CLI never prints NaN or inf in JSON", "[reliability]") {
  std::vector<std::vector<std::string>> commands;
  for (const char* n : {"1000", "1e6", "1e9", "1e12", "1e15"}) {
    commands.push_back({"tokens", "--params", n, "--json"});
    commands.push_back(
        {"forecast", "--params", n, "--tokens", "1e12", "--hardware", "a100-sxm4-80gb", "--json"});
  }
  for (const char* c : {"1e15", "1e20", "1e25", "1e30"}) {
    commands.push_back({"allocate", "--flops", c, "--json"});
    commands.push_back({"plan", "--budget-flops", c, "--json"});
  }
  commands.push_back({"plan", "--target-loss", "1.8169", "--json"});
  commands.push_back({"loss", "--params", "1e15", "--tokens", "1e6", "--unique-tokens", "1e6", "--json"});
  for (const auto& args : commands) {
    std::string joined;
    for (const auto& a : args) joined += a + " ";
    INFO(joined);
    const auto r = testing::run_scaleplan(args);
    CHECK((r.exit_code == 0 || r.exit_code == 1));
    if (r.exit_code == 0) {
      CHECK(all_finite(nlohmann::json::parse(r.out)));
    } else {
      CHECK(r.err_lines() == 1);
    }
  }
}
