// Determinism: the same command gives byte-identical JSON, the bootstrap
// included, whatever the thread count.
#include <catch2/catch.hpp>
#include <cmath>
#include <fstream>

#include "support.h"

using scaleplan::testing::run_scaleplan;

TEST_CASE("determinism: the same command twice gives identical JSON", "[reliability]") {
  for (const std::vector<std::string>& args : std::vector<std::vector<std::string>>{
           {"plan", "--target-params", "7B", "--hardware", "all", "--json"},
           {"forecast", "--params", "65.2B", "--tokens", "1.4T", "--hardware", "a100-sxm4-80gb", "--json"},
           {"finetune", "--model", "llama-2-13b", "--tokens", "1B", "--hardware", "h100-sxm5-80gb", "--json"},
           {"allocate", "--flops", "1e23", "--law", "kaplan2020", "--json"}}) {
    const auto a = run_scaleplan(args), b = run_scaleplan(args);
    REQUIRE(a.exit_code == 0);
    CHECK(a.out == b.out);
  }
}

TEST_CASE("determinism: fit --bootstrap --seed gives the same bytes on 1 and 2 threads", "[reliability]") {
  const auto dir = scaleplan::testing::temp_dir("det");
  const auto runs = (dir / "runs.csv").string();
  {
    std::ofstream csv(runs);
    csv << "params,tokens,loss\n";
    int i = 0;
    for (double n : {1e8, 3e8, 1e9, 3e9})
      for (double d : {2e9, 6e9, 2e10, 6e10})
        csv << n << "," << d << ","
            << (1.8 + 480 / std::pow(n, 0.35) + 2000 / std::pow(d, 0.37)) * (1 + 0.01 * ((i++ % 5) - 2))
            << "\n";
  }
  auto fit = [&](const char* threads) {
    return run_scaleplan({"fit", runs, "--bootstrap", "200", "--seed", "42", "--threads", threads, "--json"});
  };
  const auto one = fit("1"), two = fit("2");
  REQUIRE(one.exit_code == 0);
  CHECK(one.out == two.out);
}
