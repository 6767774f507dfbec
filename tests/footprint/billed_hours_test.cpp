// Billed GPU-hours of published runs (validation/billed_runs.csv) against
// the throughput model: best layout on the published GPU count and
// sequence length, a shape derived from N, the default batch and goodput.
#include <algorithm>
#include <catch2/catch.hpp>
#include <cmath>
#include <cstdio>

#include "billed_runs.h"
#include "support_db.h"

using namespace scaleplan;

namespace {

struct Outcome {
  std::string run;
  double modelled = 0, published = 0;
  double error() const { return std::max(modelled / published, published / modelled); }
};

std::vector<Outcome> billed_outcomes() {
  std::vector<Outcome> out;
  for (const testing::BilledRun& run : testing::read_billed_runs()) {
    out.push_back({run.run, testing::modelled_gpu_hours(testing::embedded_db(), run), run.gpu_hours});
  }
  return out;
}

}  // namespace

TEST_CASE("billed hours: published runs from 70M to 405B are forecast with a median error under x1.35",
          "[planner][billed]") {
  std::vector<Outcome> runs = billed_outcomes();
  REQUIRE(runs.size() >= 20);
  std::vector<double> errors;
  int within = 0;
  for (const Outcome& o : runs) {
    char line[160];
    std::snprintf(line, sizeof line, "%-22s modelled %12.0f published %12.0f  x%.2f", o.run.c_str(),
                  o.modelled, o.published, o.modelled / o.published);
    UNSCOPED_INFO(line);
    errors.push_back(o.error());
    within += o.error() <= 1.5;
  }
  std::sort(errors.begin(), errors.end());
  const double median = errors[errors.size() / 2];
  UNSCOPED_INFO("median error x" << median << ", within x1.5: " << within << "/" << runs.size());
  CHECK(median <= 1.35);
  CHECK(within >= static_cast<int>(0.7 * runs.size()));
}
