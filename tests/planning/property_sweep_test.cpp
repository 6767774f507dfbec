// Numerical robustness: across N from 1e3 to 1e15, D from 1e6 to 1e17,
// targets just above the law's floor and FLOP budgets from 1e15 to 1e30,
// every operation returns finite numbers or refuses with a clear error.
#include <catch2/catch.hpp>
#include <cmath>

#include "laws/allocation.h"
#include "laws/presets.h"
#include "planning/plan.h"

using namespace scaleplan;

namespace {

// Runs f; passes when it returns finite values or throws one of our errors.
template <typename F>
void finite_or_refused(F&& f, const std::string& what) {
  INFO(what);
  try {
    for (double v : f()) CHECK(std::isfinite(v));
  } catch (const laws::LawError& e) {
    CHECK(std::string(e.what()).size() > 10);
  } catch (const planner::PlanError& e) {
    CHECK(std::string(e.what()).size() > 10);
  }
}

}  // namespace

TEST_CASE("property: every law gives finite answers or a clear refusal over the whole range",
          "[reliability]") {
  for (const auto& law : laws::presets()) {
    for (double n = 1e3; n <= 1e15; n *= 10) {
      for (double d = 1e6; d <= 1e17; d *= 10) {
        finite_or_refused(
            [&] {
              return std::vector<double>{laws::loss(law, n, d), laws::loss(law, n, d, d / 3)};
            },
            law.name + " loss");
      }
      finite_or_refused([&] { return std::vector<double>{laws::compute_optimal_tokens(law, n)}; },
                        law.name + " tokens");
      const double floor = laws::loss_floor(law, n);
      for (double eps : {1e-9, 1e-6, 1e-3}) {
        finite_or_refused([&] { return std::vector<double>{laws::tokens_for_loss(law, n, floor + eps)}; },
                          law.name + " tokens_for_loss near the floor");
      }
    }
    for (double c = 1e15; c <= 1e30; c *= 10) {
      finite_or_refused(
          [&] {
            const auto a = laws::compute_optimal(law, c);
            return std::vector<double>{a.params, a.tokens, a.loss};
          },
          law.name + " allocate");
    }
    for (double eps : {1e-9, 1e-6, 1e-3, 1e-1}) {
      finite_or_refused(
          [&] {
            const auto a = laws::min_compute_for_loss(law, laws::irreducible_loss(law) + eps);
            return std::vector<double>{a.params, a.tokens, a.flops};
          },
          law.name + " min compute near the floor");
    }
  }
}

TEST_CASE("property: forecasts and plans stay finite over the range", "[reliability]") {
  const auto db = hardware_db::Database::embedded();
  const auto& law = laws::preset(laws::kDefaultLaw);
  for (double n = 1e3; n <= 1e15; n *= 100) {
    for (double d = 1e6; d <= 1e17; d *= 100) {
      finite_or_refused(
          [&] {
            planner::ForecastInput in;
            in.params = n;
            in.tokens = d;
            in.hardware = "h100-sxm5-80gb";
            const auto f = planner::forecast(db, in);
            return std::vector<double>{f.gpu_hours, f.wall_days,         f.energy_kwh,
                                       f.co2_kg,    f.energy_range.high, static_cast<double>(f.gpus)};
          },
          "forecast");
    }
  }
  for (double c = 1e15; c <= 1e30; c *= 10) {
    finite_or_refused(
        [&] {
          planner::PlanRequest r;
          r.budget_flops = c;
          const auto p = planner::make_plan(db, law, r);
          return std::vector<double>{p.best.params, p.best.tokens, p.best.energy_kwh, p.target_loss};
        },
        "plan for a FLOP budget");
  }
}
