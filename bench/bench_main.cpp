// Speed figures for the fit (Epoch AI's extraction of the Chinchilla points)
// and the planner. Prints wall seconds; never fails on speed.
#include <chrono>
#include <cmath>
#include <cstdio>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <random>
#include <thread>
#include <vector>

#include "laws/csv.h"
#include "laws/fit.h"
#include "laws/presets.h"
#include "laws/runs.h"
#include "planning/advisor.h"
#include "planning/plan.h"

using namespace scaleplan::laws;
using Clock = std::chrono::steady_clock;

namespace {

double seconds_since(Clock::time_point t0) {
  return std::chrono::duration<double>(Clock::now() - t0).count();
}

// CPU seconds of the whole process (all threads): on a shared machine the
// wall time depends on the load, this much less.
double cpu_seconds() { return static_cast<double>(std::clock()) / CLOCKS_PER_SEC; }

void bench_fit() {
  const std::string path = std::string(SCALEPLAN_TEST_DATA) + "/svg_extracted_data.csv";
  RunsFilter filter;
  filter.max_loss = 3.44;
  const RunsData data = load_runs(read_csv_file(path), {}, filter);
  const unsigned cores = std::thread::hardware_concurrency();

  for (auto [estimator, full] : {std::pair{Estimator::kHuber, true}, std::pair{Estimator::kHuber, false},
                                 std::pair{Estimator::kHuberMle, false}}) {
    FitOptions o;
    o.estimator = estimator;
    o.full_grid = full;
    auto t0 = Clock::now();
    const double cpu0 = cpu_seconds();
    const FitResult r = fit_law(data.runs, o);
    const double fit_s = seconds_since(t0), cpu_s = cpu_seconds() - cpu0;
    std::printf(
        "fit %-9s %-9s %zu points, %4d starts run (%4d at best, %4d stopped early), %u threads: "
        "%.3f s (%.3f CPU s)  E=%.5f A=%.2f B=%.1f alpha=%.5f beta=%.5f huber=%.8f\n",
        estimator_name(estimator), full ? "full-grid" : "", data.runs.size(), r.starts_run, r.starts_at_best,
        r.starts_abandoned, cores, fit_s, cpu_s, r.law.E, r.law.A, r.law.B, r.law.alpha, r.law.beta, r.cost);
  }
  FitOptions o;
  o.bootstrap = 4000;
  o.seed = 1;
  auto t0 = Clock::now();
  const FitResult r = fit_law(data.runs, o);
  const double total_s = seconds_since(t0);
  std::printf("fit huber + bootstrap 4000: %.3f s in all;", total_s);
  for (int k = 0; k < 5; ++k) {
    std::printf(" se(%s)=%.4g", r.estimates[k].name.c_str(), r.estimates[k].standard_error);
  }
  std::printf("  failed=%d\n", r.bootstrap_failed);
}

}  // namespace

namespace {

// What `plan` computes: the plan and its recommendations (each one the
// plan re-planned with one change), for the serve bench's five requests.
void bench_plan_with_advice(const scaleplan::hardware_db::Database& db, const Law& law) {
  using scaleplan::planner::PlanRequest;
  std::vector<PlanRequest> requests(5);
  requests[0].target_params = 7e9;
  requests[1].target_params = 1e9;
  requests[1].hardware = {"a100-sxm4-80gb"};
  requests[2].target_loss = 2.2;
  requests[3].target_params = 13e9;
  requests[3].hardware = {"b200"};
  requests[3].region = "FR";
  requests[4].target_params = 3e9;
  requests[4].hardware = {"mi300x"};
  requests[4].inference_tokens = 1e12;
  int n = 0;
  double sink = 0;
  const auto t0 = Clock::now();
  const double cpu0 = cpu_seconds();
  while (seconds_since(t0) < 1.0) {
    const PlanRequest& r = requests[n++ % requests.size()];
    const auto plan = scaleplan::planner::make_plan(db, law, r);
    sink += scaleplan::planner::advise_plan(db, law, r, plan, std::nullopt).recommendations.size();
  }
  std::printf(
      "plan + recommendations (5 requests in turn): %.0f plans/s in-process, %.3f CPU ms each (%d plans, "
      "checksum %.0f)\n",
      n / seconds_since(t0), 1e3 * (cpu_seconds() - cpu0) / n, n, sink);
}

}  // namespace

void bench_plan() {
  const auto db = scaleplan::hardware_db::Database::embedded();
  const Law& law = preset("besiroglu2024");
  scaleplan::planner::PlanRequest r;
  int n = 0;
  double sink = 0;
  auto t0 = Clock::now();
  while (seconds_since(t0) < 1.0) {
    for (int i = 0; i < 1000; ++i, ++n) {
      r.target_loss = 2.0 + 0.0005 * (n % 1000);
      sink += scaleplan::planner::make_plan(db, law, r).best.energy_kwh;
    }
  }
  const double s = seconds_since(t0);
  std::printf("plan (one accelerator, target loss): %.0f plans/s in-process (%d plans, checksum %.3g)\n",
              n / s, n, sink);
  r.hardware = {"all"};
  n = 0;
  t0 = Clock::now();
  while (seconds_since(t0) < 1.0) {
    r.target_loss = 2.0 + 0.001 * (n % 100);
    sink += scaleplan::planner::make_plan(db, law, r).best.energy_kwh;
    ++n;
  }
  std::printf("plan --hardware all: %.0f plans/s in-process\n", n / seconds_since(t0));
  bench_plan_with_advice(db, law);
}

void bench_large_inputs() {
  nlohmann::json doc;
  doc["accelerators"] = nlohmann::json::array();
  for (int i = 0; i < 10000; ++i) {
    doc["accelerators"].push_back({{"id", "acc-" + std::to_string(i)},
                                   {"name", "Accelerator"},
                                   {"peak_tflops", {{"bf16", 100 + i % 900}}},
                                   {"memory_gb", 80},
                                   {"tdp_w", 500},
                                   {"source", "generated"}});
  }
  const std::string path = (std::filesystem::temp_directory_path() / "scaleplan-bench-db.json").string();
  std::ofstream(path) << doc.dump();
  auto t0 = Clock::now();
  const auto db = scaleplan::hardware_db::Database::load(path);
  std::printf("hardware db: %zu accelerators loaded in %.3f s\n", db.accelerators().size(),
              seconds_since(t0));
  std::filesystem::remove(path);

  std::string csv = "params,tokens,loss\n";
  for (int i = 0; i < 100000; ++i) {
    csv += std::to_string(1e7 * (1 + i % 100)) + "," + std::to_string(1e9 * (1 + i % 37)) + ",3.1\n";
  }
  t0 = Clock::now();
  const auto runs = load_runs(parse_csv(csv, "big.csv"));
  std::printf("runs CSV: %zu rows parsed and loaded in %.3f s\n", runs.runs.size(), seconds_since(t0));
}

void bench_layout();       // bench_layout.cpp
void bench_billed_runs();  // bench_layout.cpp

// 200,000 runs drawn from the besiroglu2024 law with 2% log-normal noise
// (a fixed generator, so every machine fits the same points).
void bench_large_fit() {
  const Law& law = preset("besiroglu2024");
  std::vector<Run> runs;
  std::mt19937_64 gen(17);
  std::uniform_real_distribution<double> log_n(std::log(1e7), std::log(1e10)),
      log_d(std::log(1e9), std::log(1e12));
  std::normal_distribution<double> noise(0, 0.02);
  for (int i = 0; i < 200000; ++i) {
    Run r;
    r.params = std::exp(log_n(gen));
    r.tokens = std::exp(log_d(gen));
    r.loss = (law.E + law.A / std::pow(r.params, law.alpha) + law.B / std::pow(r.tokens, law.beta)) *
             std::exp(noise(gen));
    runs.push_back(r);
  }
  const unsigned cores = std::thread::hardware_concurrency();
  auto t0 = Clock::now();
  const double cpu0 = cpu_seconds();
  const FitResult r = fit_law(runs);
  std::printf(
      "fit huber (default) 200,000 synthetic points, %4d starts run on %d, %u threads: %.3f s "
      "(%.3f CPU s)  E=%.4f alpha=%.4f beta=%.4f (drawn from E=%.4f alpha=%.4f beta=%.4f)\n",
      r.starts_run, r.search_points, cores, seconds_since(t0), cpu_seconds() - cpu0, r.law.E, r.law.alpha,
      r.law.beta, law.E, law.alpha, law.beta);
}

int main() {
  bench_billed_runs();
  bench_layout();
  bench_large_inputs();
  bench_fit();
  bench_large_fit();
  bench_plan();
  return 0;
}
