#include <catch2/catch.hpp>
#include <cmath>

#include "laws/allocation.h"
#include "laws/presets.h"

using namespace scaleplan::laws;
using Catch::Matchers::WithinRel;

namespace {

// Brute force: the least 6 N D(N) over a fine log grid of N, with D(N)
// the tokens that reach the target.
double brute_min_compute(const Law& law, double target, double* best_n) {
  double best = INFINITY;
  for (double x = std::log(1e6); x < std::log(1e15); x += 1e-4) {
    const double n = std::exp(x);
    if (loss_floor(law, n) >= target) continue;
    const double c = training_flops(n, tokens_for_loss(law, n, target));
    if (c < best) best = c, *best_n = n;
  }
  return best;
}

}  // namespace

TEST_CASE("min_compute_for_loss: the closed form agrees with a brute-force search", "[laws]") {
  for (const char* name : {"besiroglu2024", "hoffmann2022"}) {
    const Law& law = preset(name);
    for (double target : {2.0, 2.3, 3.0}) {
      INFO(name << " target " << target);
      double n_brute = 0;
      const double c_brute = brute_min_compute(law, target, &n_brute);
      const Allocation a = min_compute_for_loss(law, target);
      CHECK_THAT(a.flops, WithinRel(c_brute, 1e-6));
      CHECK_THAT(a.params, WithinRel(n_brute, 1e-3));
      CHECK_THAT(a.loss, WithinRel(target, 1e-12));
    }
  }
}

TEST_CASE("min_compute_for_loss: the numeric path agrees with a brute-force search", "[laws]") {
  const Law& law = preset("kaplan2020");
  double n_brute = 0;
  const double c_brute = brute_min_compute(law, 2.5, &n_brute);
  const Allocation a = min_compute_for_loss(law, 2.5);
  CHECK_THAT(a.flops, WithinRel(c_brute, 1e-6));
  CHECK_THAT(a.loss, WithinRel(2.5, 1e-9));
}

TEST_CASE("min_compute_for_loss is the compute-optimal allocation of its own FLOPs", "[laws]") {
  // Both solve the same problem from opposite sides (duality).
  const Law& law = preset("besiroglu2024");
  const Allocation a = min_compute_for_loss(law, 2.1);
  const Allocation b = compute_optimal(law, a.flops);
  CHECK_THAT(b.params, WithinRel(a.params, 1e-9));
  CHECK_THAT(b.loss, WithinRel(2.1, 1e-12));
}

TEST_CASE("compute_optimal: closed form beats every other split of the same FLOPs", "[laws]") {
  const Law& law = preset("hoffmann2022-unrounded");
  const double c = 1e23;
  const Allocation a = compute_optimal(law, c);
  for (double f : {0.5, 0.9, 0.99, 1.01, 1.1, 2.0}) {
    const double n = a.params * f;
    CHECK(loss(law, n, c / (6 * n)) > a.loss);
  }
}

TEST_CASE("compute_optimal_tokens inverts compute_optimal, in both solver paths", "[laws]") {
  for (const char* name : {"besiroglu2024", "muennighoff2023", "kaplan2020"}) {
    INFO(name);
    const Law& law = preset(name);
    const double n = 7e9;
    const double d = compute_optimal_tokens(law, n);
    CHECK_THAT(compute_optimal(law, training_flops(n, d)).params, WithinRel(n, 1e-6));
  }
}

TEST_CASE("tokens_for_loss reaches the target, and refuses targets at the floor", "[laws]") {
  for (const char* name : {"besiroglu2024", "muennighoff2023", "kaplan2020"}) {
    INFO(name);
    const Law& law = preset(name);
    const double n = 1e9;
    const double target = loss_floor(law, n) + 0.1;
    CHECK_THAT(loss(law, n, tokens_for_loss(law, n, target)), WithinRel(target, 1e-9));
    CHECK_THROWS_AS(tokens_for_loss(law, n, loss_floor(law, n)), LawError);
  }
  const Law& law = preset("besiroglu2024");
  // E + A/N^alpha at 7B = 1.99834...
  CHECK_THROWS_WITH(tokens_for_loss(law, 7e9, 1.9), Catch::Contains("floor of 1.99834"));
  CHECK_THROWS_WITH(min_compute_for_loss(law, 1.8), Catch::Contains("irreducible loss 1.81686"));
}

TEST_CASE("with_repetition_decay: unique tokens bound the loss any run reaches", "[laws]") {
  const Law law = with_repetition_decay(preset("besiroglu2024"));
  CHECK(law.form == Form::kDataConstrained);
  const double floor = loss_floor(law, 1e9, 10e9);
  CHECK(floor > loss_floor(preset("besiroglu2024"), 1e9));
  CHECK_THROWS_AS(tokens_for_loss(law, 1e9, floor - 1e-3, 10e9), LawError);
  CHECK_THROWS_AS(with_repetition_decay(preset("kaplan2020")), LawError);
}

TEST_CASE("with_repetition_decay: a run shorter than the corpus is credited with its own tokens only",
          "[laws]") {
  // Muennighoff et al. 2023 count U_D, the unique tokens a run sees: at most D.
  const Law law = with_repetition_decay(preset("besiroglu2024"));
  CHECK(loss(law, 7e9, 1e9, 1e12) == loss(law, 7e9, 1e9, 1e9));
  CHECK(loss(law, 7e9, 1e9, 1e12) > loss(law, 7e9, 1e11, 1e12));
  // The least-compute run to a loss with a corpus larger than it needs is
  // the unconstrained one, not a one-token run of an oversized model.
  const Allocation free = min_cost_for_loss(preset("besiroglu2024"), 2.2, 0);
  const Allocation constrained = min_cost_for_loss(law, 2.2, 0, std::nullopt, 1e12);
  CHECK(constrained.tokens > 0.5 * free.tokens);
  CHECK_THAT(constrained.flops, WithinRel(free.flops, 0.1));
}
