// Billed GPU-hours of published runs (tests/data/billed_runs.csv) against
// the throughput model: best layout on the published GPU count and
// sequence length, a shape derived from N, the default batch and goodput.
#include <algorithm>
#include <catch2/catch.hpp>
#include <cmath>
#include <cstdio>

#include "laws/csv.h"
#include "planner/throughput.h"
#include "support.h"

using namespace scaleplan;
using namespace scaleplan::planner;

namespace {

struct Outcome {
  std::string run;
  double modelled = 0, published = 0;
  double error() const { return std::max(modelled / published, published / modelled); }
};

std::vector<Outcome> billed_outcomes() {
  const auto t = laws::read_csv_file(std::string(SCALEPLAN_TEST_DATA) + "/billed_runs.csv");
  const int run = t.find_column({"run"}), params = t.find_column({"params"}),
            tokens = t.find_column({"tokens"}), hardware = t.find_column({"hardware"}),
            gpus = t.find_column({"gpus"}), seq = t.find_column({"seq_len"}),
            hours = t.find_column({"gpu_hours"});
  std::vector<Outcome> out;
  for (size_t i = 0; i < t.rows.size(); ++i) {
    ThroughputRequest r;
    r.shape.params = t.number(i, params);
    r.tokens = t.number(i, tokens);
    r.hardware = t.rows[i][hardware];
    r.gpus = static_cast<int>(t.number(i, gpus));
    r.seq_len = static_cast<int>(t.number(i, seq));
    const ThroughputPlan p = plan_throughput(testing::embedded_db(), r);
    // The derived shape holds N to a few percent; hours scale with it.
    const double modelled = p.billed_gpu_hours * t.number(i, params) / p.shape.params;
    out.push_back({t.rows[i][run], modelled, t.number(i, hours)});
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
