// End-to-end: scaleplan layout.
#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "support.h"

using Catch::Matchers::WithinRel;
using nlohmann::json;
using scaleplan::testing::run_scaleplan;

TEST_CASE("layout --json lists fitting layouts, fastest first, with their memory and time", "[cli]") {
  auto r = run_scaleplan(
      {"layout", "--params", "70B", "--hardware", "h100-sxm5-80gb", "--gpus", "1024", "--json"});
  REQUIRE(r.exit_code == 0);
  const json d = json::parse(r.out);
  CHECK(d["schema_version"] == 1);
  REQUIRE(d["layouts"].size() == 5);
  double previous = 0;
  for (const auto& l : d["layouts"]) {
    CHECK(l["tp"].get<int>() * l["pp"].get<int>() * l["dp"].get<int>() == 1024);
    CHECK(l["memory_gb_per_gpu"].get<double>() <= 80 * 1.073741824);
    CHECK(l["step_s"].get<double>() >= previous);
    previous = l["step_s"].get<double>();
    CHECK(l["mfu"].get<double>() > 0.2);
    CHECK(l["mfu"].get<double>() < 0.8);
  }
  // Tokens per second of the best layout = global batch / step time.
  const auto& best = d["layouts"][0];
  CHECK_THAT(best["tokens_per_s"].get<double>(),
             WithinRel(d["global_batch_tokens"].get<double>() / best["step_s"].get<double>(), 1e-9));
  // Model FLOPs per token exceed 6N by the attention term.
  CHECK(d["flops_per_token"]["model"].get<double>() > d["flops_per_token"]["six_n"].get<double>());
  CHECK(d["billed_gpu_hours"].get<double>() > d["steady_gpu_hours"].get<double>());
  CHECK(d["layouts_evaluated"].get<int>() >= d["layouts_fitting"].get<int>());
}

TEST_CASE("layout: --network-gbps slows a layout that crosses nodes", "[cli]") {
  const std::vector<std::string> base = {
      "layout", "--params", "7B",     "--hardware", "a100-sxm4-80gb", "--gpus", "64",    "--tp", "1",
      "--pp",   "1",        "--zero", "3",          "--top",          "1",      "--json"};
  auto fast = run_scaleplan(base);
  auto slow_args = base;
  slow_args.insert(slow_args.end(), {"--network-gbps", "10"});
  auto slow = run_scaleplan(slow_args);
  REQUIRE(fast.exit_code == 0);
  REQUIRE(slow.exit_code == 0);
  CHECK(json::parse(slow.out)["layouts"][0]["step_s"].get<double>() >
        1.2 * json::parse(fast.out)["layouts"][0]["step_s"].get<double>());
  CHECK(json::parse(slow.out)["links_gbps"]["inter_node"].get<double>() == Approx(10));
}

TEST_CASE("layout refuses impossible layouts with one line naming the constraint", "[cli]") {
  scaleplan::testing::check_refusals({
      {{"layout", "--params", "70B", "--hardware", "h100-sxm5-80gb", "--gpus", "1000", "--tp", "8", "--pp",
        "3"},
       "TP x PP"},
      {{"layout", "--params", "70B", "--hardware", "h100-sxm5-80gb", "--gpus", "1024", "--tp", "16"},
       "beyond one node"},
      {{"layout", "--params", "7B", "--hardware", "h100-sxm5-80gb", "--gpus", "64", "--tp", "1", "--pp", "1",
        "--micro-batch", "64", "--global-batch-tokens", "1M"},
       "micro-batch"},
      {{"layout", "--params", "7B", "--hidden", "4096", "--heads", "48", "--hardware", "h100-sxm5-80gb",
        "--gpus", "8"},
       "--heads"},
      {{"layout", "--params", "1T", "--hardware", "a100-sxm4-40gb", "--gpus", "8"}, "no layout fits"},
      {{"layout", "--params", "7B", "--hardware", "h100-sxm5-80gb", "--gpus", "0"}, "--gpus"},
      {{"layout", "--params", "7B", "--hardware", "h100-sxm5-80gb", "--gpus", "8", "--recompute", "some"},
       "--recompute"},
      {{"layout", "--params", "7B", "--hardware", "h100-sxm5-80gb", "--gpus", "8", "--network-gbps", "-1"},
       "--network-gbps"},
      {{"layout", "--params", "7B", "--hardware", "h100-sxm5-80gb", "--gpus", "8", "--seq-len", "0"},
       "--seq-len"},
  });
}
