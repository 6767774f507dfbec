#include <catch2/catch.hpp>
#include <cmath>

#include "laws/allocation.h"
#include "laws/presets.h"

using namespace scaleplan::laws;
using Catch::Matchers::WithinRel;

TEST_CASE("besiroglu2024: tokens per parameter at 5.88e23 FLOPs is about 18.3", "[laws]") {
  // Besiroglu et al. 2024, Sec. 4: the refit implies ~20 tokens/param at
  // Chinchilla's compute (5.88e23 FLOPs); eq. 4 gives 18.3.
  const Allocation a = compute_optimal(preset("besiroglu2024"), 5.88e23);
  CHECK_THAT(a.tokens / a.params, WithinRel(18.3, 0.01));
  CHECK_THAT(training_flops(a.params, a.tokens), WithinRel(5.88e23, 1e-9));
}

TEST_CASE("besiroglu2024: compute-optimal tokens match the published table", "[laws]") {
  // The token counts the refit implies for the model sizes of Hoffmann et
  // al. 2022, Table 3, as reported with the refit (Besiroglu et al. 2024).
  const Law& law = preset("besiroglu2024");
  CHECK_THAT(compute_optimal_tokens(law, 400e6), WithinRel(9.48e9, 0.01));
  CHECK_THAT(compute_optimal_tokens(law, 1e9), WithinRel(22.6e9, 0.01));
  CHECK_THAT(compute_optimal_tokens(law, 10e9), WithinRel(202e9, 0.01));
  CHECK_THAT(compute_optimal_tokens(law, 67e9), WithinRel(1.23e12, 0.01));
  CHECK_THAT(compute_optimal_tokens(law, 70e9), WithinRel(1.286e12, 0.001));
}

TEST_CASE("muennighoff2023: reproduces the authors' test vectors to 1e-8", "[laws]") {
  // Values from the authors' released code (Muennighoff et al. 2023).
  const Law& law = preset("muennighoff2023");
  CHECK(std::fabs(loss(law, 6.34e9, 242e9, 25e9) - 2.2256440890) < 1e-8);
  CHECK(std::fabs(loss(law, 8.67e9, 178e9, 25e9) - 2.2269634075) < 1e-8);
}

TEST_CASE("muennighoff2023: a single epoch costs nothing, repeats lose value", "[laws]") {
  const Law& law = preset("muennighoff2023");
  // U = D: no repetition, same as giving no U.
  CHECK(loss(law, 1e9, 20e9, 20e9) == loss(law, 1e9, 20e9));
  // The same 100B tokens as 4 epochs of 25B are worth less than 100B unique.
  CHECK(loss(law, 1e9, 100e9, 25e9) > loss(law, 1e9, 100e9, 100e9));
}

TEST_CASE("kaplan2020: compute-optimal size matches the closed-form optimum", "[laws]") {
  // With D = C/(6N), L^(1/alpha_D) = (N_c/N)^p + 6 D_c N / C, p = alpha_N/alpha_D,
  // is least where N^(p+1) = p N_c^p C / (6 D_c): an independent solution.
  const Law& law = preset("kaplan2020");
  const double c = 1e21;
  const double p = law.alpha_n / law.alpha_d;
  const double expected = std::pow(p * std::pow(law.n_c, p) * c / (6 * law.d_c), 1 / (p + 1));
  CHECK_THAT(compute_optimal(law, c).params, WithinRel(expected, 1e-6));
}

TEST_CASE("presets: every preset is valid and carries a citation and a caveat", "[laws]") {
  REQUIRE(presets().size() >= 5);
  for (const Law& law : presets()) {
    INFO(law.name);
    CHECK(law.problems().empty());
    CHECK_FALSE(law.citation.empty());
    CHECK_FALSE(law.caveat.empty());
  }
  CHECK_THROWS_WITH(preset("chinchila"), Catch::Contains("besiroglu2024"));
}

TEST_CASE("a law warns when used more than tenfold outside the runs it was fitted on", "[laws]") {
  const Law& law = preset("besiroglu2024");       // fitted on 70M-16B parameters, 5B-500B tokens
  CHECK_FALSE(range_warning(law, 7e9, 1.4e12));   // 2.8x past 500B tokens: inside the tolerance
  CHECK_FALSE(range_warning(law, 160e9, 100e9));  // exactly 10x past 16B
  CHECK(range_warning(law, 161e9, 100e9));
  CHECK(range_warning(law, 1e9, 0.49e9));  // just over 10x below 5B tokens
  const auto tiny = range_warning(law, 7e9, 1e3);
  REQUIRE(tiny);
  CHECK_THAT(*tiny, Catch::Contains("5e6x outside") && Catch::Contains("70M to 16B parameters"));
  const auto huge = range_warning(law, 6.35e12, 1.4e12);
  REQUIRE(huge);
  CHECK_THAT(*huge, Catch::Contains("397x outside"));  // 6.35T / 16B
  // Kaplan's runs: 768 to 1.5B non-embedding parameters, 22M to 23B tokens.
  CHECK_FALSE(range_warning(preset("kaplan2020"), 1e6, 1e9));
  CHECK(range_warning(preset("kaplan2020"), 1e6, 1e12));
  // No stated range, no warning: Muennighoff's fit and a law from a file.
  CHECK_FALSE(range_warning(preset("muennighoff2023"), 1e15, 1e3));
}
