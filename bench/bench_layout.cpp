// Speed of the layout search: every layout of a 1T-parameter model on
// 4,096 accelerators (issue target: <= 50 ms per search, >= 1M layouts/s).
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <string>
#include <vector>

#include "../tests/billed_runs.h"
#include "laws/allocation.h"
#include "laws/presets.h"
#include "systems/throughput.h"

namespace {

using Clock = std::chrono::steady_clock;

double seconds_since(Clock::time_point t0) {
  return std::chrono::duration<double>(Clock::now() - t0).count();
}

}  // namespace

void bench_layout() {
  using namespace scaleplan::planner;
  const auto db = scaleplan::hardware_db::Database::embedded();
  for (const char* hardware : {"h100-sxm5-80gb", "a100-sxm4-80gb"}) {
    ThroughputRequest r;
    r.shape.params = 1e12;
    r.tokens =
        scaleplan::laws::compute_optimal_tokens(scaleplan::laws::preset(scaleplan::laws::kDefaultLaw), 1e12);
    r.hardware = hardware;
    r.gpus = 4096;
    ThroughputPlan p = plan_throughput(db, r);  // warm-up, and the workload
    std::vector<double> times;
    size_t evaluated = 0;
    for (int i = 0; i < 20; ++i) {
      SearchOptions o;
      o.gpus = r.gpus;
      auto t0 = Clock::now();
      const SearchResult s = search_layouts(p.system, p.work, o);
      times.push_back(seconds_since(t0));
      evaluated = s.evaluated;
    }
    auto t0 = Clock::now();
    SearchOptions all;
    all.gpus = r.gpus;
    const SearchResult every = search_layouts_exhaustive(p.system, p.work, all);
    const double every_s = seconds_since(t0);
    std::printf(
        "layout search 1T on 4096 x %s, exhaustive (no pruning): %.2f ms, %zu layouts, %.2fM layouts/s\n",
        hardware, every_s * 1e3, every.evaluated, every.evaluated / every_s / 1e6);
    std::sort(times.begin(), times.end());
    const double median_s = times[times.size() / 2];
    std::printf(
        "layout search 1T on 4096 x %s: %.2f ms per search (median of 20), %zu layouts evaluated, "
        "%.2fM layouts/s; best %s, MFU %.1f%%\n",
        hardware, median_s * 1e3, evaluated, evaluated / median_s / 1e6,
        p.search.best.front().layout.describe().c_str(), 100 * p.search.best.front().time.mfu);
  }
}

// The throughput model against the published billed GPU-hours of
// validation/billed_runs.csv: each run's best layout on its published GPU
// count and sequence length, a shape from N, the default batch, goodput.
void bench_billed_runs() {
  const auto db = scaleplan::hardware_db::Database::embedded();
  std::vector<double> errors;
  std::printf("| run | accelerators | published GPU-h | modelled GPU-h | ratio |\n|---|---|---|---|---|\n");
  for (const scaleplan::testing::BilledRun& run : scaleplan::testing::read_billed_runs()) {
    const double modelled = scaleplan::testing::modelled_gpu_hours(db, run);
    const double published = run.gpu_hours;
    std::printf("| %s | %d x %s | %.3g | %.3g | x%.2f |\n", run.run.c_str(), run.gpus, run.hardware.c_str(),
                published, modelled, modelled / published);
    errors.push_back(std::max(modelled / published, published / modelled));
  }
  std::sort(errors.begin(), errors.end());
  const auto within = std::count_if(errors.begin(), errors.end(), [](double e) { return e <= 1.5; });
  std::printf("billed runs: %zu, within x1.5: %td (%.0f%%), median error x%.2f\n", errors.size(), within,
              100.0 * within / errors.size(), errors[errors.size() / 2]);
}
