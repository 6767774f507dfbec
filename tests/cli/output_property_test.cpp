// Property: for random valid inputs over the documented domains, no output
// holds NaN, inf or null where a number belongs, and the human text writes
// no raw "e+03" figure (FLOP counts may stay scientific, as 6.05e21).
#include <catch2/catch.hpp>
#include <cmath>
#include <nlohmann/json.hpp>
#include <random>
#include <regex>
#include <sstream>

#include "run.h"
#include "support.h"

namespace {

using scaleplan::testing::RunResult;

// In process, through the same entry point as the binary's main(): a few
// hundred commands cost seconds rather than a process start each (which
// the sanitizer build makes slow).
RunResult run_in_process(const std::vector<std::string>& args) {
  std::ostringstream out, err;
  RunResult r;
  r.exit_code = scaleplan::cli::run(args, out, err);
  r.out = out.str();
  r.err = err.str();
  return r;
}

// Every number finite, no null anywhere (a NaN or inf is written as null).
bool numbers_finite(const nlohmann::json& j, std::string& where, const std::string& path = "") {
  if (j.is_null()) {
    where = path;
    return false;
  }
  if (j.is_number_float() && !std::isfinite(j.get<double>())) {
    where = path;
    return false;
  }
  if (j.is_object()) {
    for (const auto& [k, v] : j.items()) {
      if (!numbers_finite(v, where, path + "." + k)) return false;
    }
  }
  if (j.is_array()) {
    for (size_t i = 0; i < j.size(); ++i) {
      if (!numbers_finite(j[i], where, path + "[" + std::to_string(i) + "]")) return false;
    }
  }
  return true;
}

std::string text_of(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.4g", v);
  return buf;
}

}  // namespace

TEST_CASE("property: random valid inputs print finite numbers in units, never nan, inf or e+",
          "[reliability]") {
  std::mt19937_64 rng(20261129);  // fixed: a failure reproduces
  auto log_uniform = [&](double lo, double hi) {
    return std::exp(std::uniform_real_distribution<double>(std::log(lo), std::log(hi))(rng));
  };
  auto pick = [&](const std::vector<std::string>& items) {
    return items[std::uniform_int_distribution<size_t>(0, items.size() - 1)(rng)];
  };
  const std::vector<std::string> hardware = {"h100",    "a100", "h200",   "mi300x",
                                             "tpu-v5p", "l4",   "gaudi3", "v100"};
  const std::vector<std::string> regions = {"FR", "DE", "UK", "US", "IND", "aws:us-east-1", "Norway"};

  const std::regex raw_exponent(R"(\de\+\d)");
  const std::regex bad_word(R"(\b(nan|inf|null|n/a)\b)", std::regex::icase);
  int ran = 0, succeeded = 0;
  for (int i = 0; i < scaleplan::testing::random_cases(40); ++i) {
    const double params = log_uniform(1e6, 2e12);
    const double tokens = params * log_uniform(1, 200);
    const std::string hw = pick(hardware);
    std::vector<std::vector<std::string>> commands = {
        {"tokens", "--params", text_of(params)},
        {"loss", "--params", text_of(params), "--tokens", text_of(tokens)},
        {"allocate", "--flops", text_of(log_uniform(1e15, 1e27))},
        {"forecast", "--params", text_of(params), "--tokens", text_of(tokens), "--hardware", hw, "--region",
         pick(regions)},
        {"tier", "--kwh", text_of(log_uniform(1e-3, 1e9)), "--co2-kg", text_of(log_uniform(1e-3, 1e9))},
        {"tokens", "--params", text_of(params), "--hardware", hw},
    };
    if (i % 4 == 0) {
      commands.push_back({"plan", "--target-params", text_of(log_uniform(1e8, 1e11)), "--hardware", hw});
      commands.push_back({"plan", "--budget-kwh", text_of(log_uniform(1e3, 1e8)), "--region", pick(regions)});
      commands.push_back({"finetune", "--params", text_of(log_uniform(1e8, 7e10)), "--tokens",
                          text_of(log_uniform(1e6, 1e10)), "--hardware", hw});
    }
    for (const auto& args : commands) {
      std::string joined;
      for (const auto& a : args) joined += a + " ";
      INFO(joined);
      ++ran;
      const auto human = run_in_process(args);
      REQUIRE((human.exit_code == 0 || human.exit_code == 1));
      if (human.exit_code == 1) {
        CHECK(human.err_lines() == 1);  // a refusal of an impossible request, not a crash
        continue;
      }
      ++succeeded;
      CHECK_FALSE(std::regex_search(human.out, raw_exponent));
      std::smatch m;
      if (std::regex_search(human.out, m, bad_word)) FAIL_CHECK("human output holds '" << m.str() << "'");
      auto with_json = args;
      with_json.push_back("--json");
      const auto js = run_in_process(with_json);
      REQUIRE(js.exit_code == 0);
      std::string where;
      const bool finite = numbers_finite(nlohmann::json::parse(js.out), where);
      INFO("null or non-finite at " << where);
      CHECK(finite);
    }
  }
  CHECK(ran >= scaleplan::testing::random_cases(40) * 6);
  CHECK(succeeded >= ran * 9 / 10);  // random valid inputs mostly succeed
}

TEST_CASE("property: a quantity typed as 7B round-trips exactly in JSON", "[reliability]") {
  const auto r =
      run_in_process({"forecast", "--params", "7B", "--tokens", "1.4T", "--hardware", "h100", "--json"});
  REQUIRE(r.exit_code == 0);
  const auto d = nlohmann::json::parse(r.out);
  CHECK(d["params"].get<double>() == 7e9);
  CHECK(d["tokens"].get<double>() == 1.4e12);
}
