// The search's shortcuts: the evaluator that reuses a workload's constants
// and micro-batch times, the step-time floor that skips layouts which
// cannot rank, and the per-plan memo of the throughput model. Each must
// give what the plain computation gives, bit for bit.
#include <catch2/catch.hpp>
#include <thread>
#include <vector>

#include "planning/allocation_memo.h"
#include "support_db.h"
#include "support_laws.h"
#include "systems/layout_search.h"
#include "systems/shape.h"
#include "systems/throughput.h"

using namespace scaleplan;
using namespace scaleplan::planner;

namespace {

Workload workload_for(const System& sys, double params, double batch_seqs) {
  ShapeRequest r;
  r.params = params;
  return Workload{derive_shape(r).shape, 4096, batch_seqs, default_stack(sys), Training{}};
}

bool same(const LayoutResult& a, const LayoutResult& b) {
  const StepTime &x = a.time, &y = b.time;
  return a.fits == b.fits && a.memory.total_bytes() == b.memory.total_bytes() &&
         a.memory.activations_bytes == b.memory.activations_bytes && x.step_s == y.step_s &&
         x.compute_s == y.compute_s && x.tp_comm_s == y.tp_comm_s && x.pp_comm_s == y.pp_comm_s &&
         x.bubble_s == y.bubble_s && x.dp_comm_s == y.dp_comm_s && x.dp_exposed_s == y.dp_exposed_s &&
         x.optimizer_s == y.optimizer_s && x.tokens_per_s == y.tokens_per_s && x.mfu == y.mfu &&
         x.hfu == y.hfu && a.layout.describe() == b.layout.describe();
}

}  // namespace

TEST_CASE("The evaluator gives evaluate_layout's memory and time bit for bit, in any order of layouts",
          "[planner][search]") {
  for (const char* id : {"h100-sxm5-80gb", "a100-sxm4-40gb", "l4"}) {
    const System sys = system_for(testing::embedded_db().accelerator(id));
    const Workload w = workload_for(sys, 13e9, 512);
    LayoutEvaluator evaluator(sys, w);
    int compared = 0;
    // Micro-batches that are no power of two, and TP x PP changing back and
    // forth, exercise every path of the evaluator's cache.
    for (int b : {1, 3, 2, 64, 6, 1}) {
      for (int tp : {1, 2, 8, 4}) {
        for (int pp : {1, 4, 2}) {
          for (int v : {1, 2}) {
            for (Recompute rc : {Recompute::kFull, Recompute::kNone, Recompute::kSelective}) {
              for (int zero : {3, 0, 1, 2}) {
                Layout l;
                l.tensor_parallel = tp, l.pipeline_parallel = pp, l.data_parallel = 4, l.micro_batch = b,
                l.virtual_pipeline = v;
                l.recompute = rc, l.zero_stage = zero;
                l.num_micro_batches = static_cast<int>(std::ceil(w.global_batch_seqs / (4.0 * b)));
                REQUIRE(layout_valid(sys, w, l) == layout_problem(sys, w, l).empty());
                if (!layout_valid(sys, w, l)) continue;
                const LayoutResult plain = evaluate_layout(sys, w, l);
                INFO(id << " " << l.describe());
                CHECK(same(evaluator.evaluate(l), plain));
                CHECK(evaluator.step_floor_s(l) <= plain.time.step_s);
                ++compared;
              }
            }
          }
        }
      }
    }
    CHECK(compared > 500);
  }
}

TEST_CASE("A search skipping layouts that cannot rank keeps the ranking of one that times every layout",
          "[planner][search]") {
  for (const char* id : {"h100-sxm5-80gb", "a100-sxm4-80gb", "mi300x"}) {
    const System sys = system_for(testing::embedded_db().accelerator(id));
    for (auto [params, gpus] : {std::pair{7e9, 64}, std::pair{70e9, 256}, std::pair{1e9, 8}}) {
      const Workload w = workload_for(sys, params, 1024);
      for (bool exhaustive : {false, true}) {
        SearchOptions all;
        all.gpus = gpus;
        all.top = 1000000;  // room for every layout: nothing is skipped
        SearchOptions few = all;
        few.top = 3;
        auto search = exhaustive ? search_layouts_exhaustive : search_layouts;
        const SearchResult every = search(sys, w, all);
        const SearchResult ranked = search(sys, w, few);
        INFO(id << " " << params << " on " << gpus << (exhaustive ? " exhaustive" : " pruned"));
        CHECK(ranked.evaluated == every.evaluated);
        CHECK(ranked.fitting == every.fitting);
        REQUIRE(ranked.best.size() == std::min<size_t>(3, every.best.size()));
        for (size_t i = 0; i < ranked.best.size(); ++i) CHECK(same(ranked.best[i], every.best[i]));
      }
    }
  }
}

TEST_CASE("A micro-batch's time per sequence never grows with the micro-batch, as the search's floor assumes",
          "[planner][search]") {
  int compared = 0;
  for (const char* id : {"h100-sxm5-80gb", "a100-sxm4-40gb", "mi300x", "l4", "tpu-v5p", "v100-sxm2-32gb"}) {
    const System sys = system_for(testing::embedded_db().accelerator(id));
    for (double params : {125e6, 7e9, 175e9}) {
      const Workload w = workload_for(sys, params, 4096);
      LayoutEvaluator evaluator(sys, w);
      for (int tp : {1, 2, 8}) {
        for (int pp : {1, 4}) {
          for (Recompute rc : {Recompute::kNone, Recompute::kSelective, Recompute::kFull}) {
            double previous = HUGE_VAL;
            for (int b = 1; b <= 64; ++b) {
              Layout l;
              l.tensor_parallel = tp, l.pipeline_parallel = pp, l.micro_batch = b, l.recompute = rc;
              const double per_sequence = evaluator.micro_batch_floor_s(l) / b;
              INFO(id << " " << params << " " << l.describe());
              CHECK(per_sequence <= previous * (1 + 1e-12));
              if (rc != Recompute::kNone) {
                Layout none = l;
                none.recompute = Recompute::kNone;
                CHECK(evaluator.micro_batch_floor_s(none) <= evaluator.micro_batch_floor_s(l));
              }
              previous = per_sequence;
              ++compared;
            }
          }
        }
      }
    }
  }
  CHECK(compared > 5000);
}

TEST_CASE(
    "A search skipping whole TP x PP x DP blocks by their floor finds the layouts one weighing all finds",
    "[planner][search]") {
  int compared = 0;
  size_t weighed_all = 0, weighed_skipping = 0;
  int nothing_fits = 0;
  for (const char* id : {"h100-sxm5-80gb", "a100-sxm4-40gb", "mi300x", "l4", "tpu-v5p"}) {
    const System sys = system_for(testing::embedded_db().accelerator(id));
    for (auto [params, gpus, batch] :
         {std::tuple{125e6, 1, 64.0}, std::tuple{1e9, 8, 256.0}, std::tuple{7e9, 64, 1024.0},
          std::tuple{13e9, 96, 96.0}, std::tuple{70e9, 512, 1536.0}, std::tuple{175e9, 1024, 1536.0},
          std::tuple{70e9, 8, 64.0}}) {  // the last fits on none of them
      const Workload w = workload_for(sys, params, batch);
      for (size_t top : {1, 5}) {
        SearchOptions all;
        all.gpus = gpus;
        all.top = top;
        SearchOptions skipping = all;
        skipping.count_all = false;
        const SearchResult every = search_layouts(sys, w, all);
        const SearchResult fast = search_layouts(sys, w, skipping);
        INFO(id << " " << params << " on " << gpus << ", top " << top);
        CHECK(fast.evaluated <= every.evaluated);
        CHECK(fast.why_none == every.why_none);
        REQUIRE(fast.best.size() == every.best.size());
        for (size_t i = 0; i < fast.best.size(); ++i) CHECK(same(fast.best[i], every.best[i]));
        compared += static_cast<int>(every.best.size());
        nothing_fits += every.best.empty();
        weighed_all += every.evaluated;
        weighed_skipping += fast.evaluated;
      }
    }
  }
  CHECK(compared > 60);
  CHECK(nothing_fits >= 5);
  INFO("layouts weighed: " << weighed_skipping << " of " << weighed_all);
  CHECK(weighed_skipping * 4 < weighed_all);  // the point of skipping
}

TEST_CASE("The throughput memo answers as the model does, and each thread keeps its own",
          "[planner][search]") {
  const auto& db = testing::embedded_db();
  struct Question {
    const char* hardware;
    double params, tokens;
    int gpus;
  };
  const std::vector<Question> questions = {{"h100-sxm5-80gb", 7e9, 1.4e11, 8},
                                           {"a100-sxm4-80gb", 7e9, 1.4e11, 16},
                                           {"h100-sxm5-80gb", 7e9, 1.4e11, 8},
                                           {"l4", 70e9, 1.4e12, 8},  // cannot hold it: no MFU, and why
                                           {"l4", 70e9, 1.4e12, 8}};
  auto answers = [&](bool with_memo) {
    std::unique_ptr<ThroughputMemo> memo;
    if (with_memo) memo = std::make_unique<ThroughputMemo>();
    std::vector<std::string> out;
    for (const Question& q : questions) {
      std::string why;
      const auto m = modelled_mfu(db, q.hardware, q.params, q.tokens, q.gpus, 4096, std::nullopt, &why);
      out.push_back(m ? std::to_string(m->mfu) + " " + m->layout : why);
    }
    return out;
  };
  const auto plain = answers(false);
  CHECK(plain.back().find("fits") != std::string::npos);
  CHECK(answers(true) == plain);
  std::vector<std::vector<std::string>> seen(4);
  std::vector<std::thread> threads;
  for (auto& s : seen) threads.emplace_back([&] { s = answers(true); });
  for (auto& t : threads) t.join();
  for (const auto& s : seen) CHECK(s == plain);
}

TEST_CASE(
    "The memo's allocation for a target loss is the law's, and a law with other constants is asked anew",
    "[planner][search]") {
  const laws::Law law = testing::default_law();
  laws::Law steeper = law;
  steeper.alpha *= 1.1;
  const AllocationMemo memo;
  for (int pass = 0; pass < 2; ++pass) {
    for (const laws::Law* l : {&law, static_cast<const laws::Law*>(&steeper)}) {
      for (double extra : {0.0, 1e12}) {
        const laws::Allocation plain = laws::min_cost_for_loss(*l, 2.2, extra);
        const laws::Allocation memoised = least_cost_allocation(*l, 2.2, extra, std::nullopt, std::nullopt);
        CHECK(memoised.params == plain.params);
        CHECK(memoised.tokens == plain.tokens);
        CHECK(memoised.loss == plain.loss);
      }
    }
  }
  CHECK(least_cost_allocation(law, 2.2, 0, {}, {}).params !=
        least_cost_allocation(steeper, 2.2, 0, {}, {}).params);
  CHECK_THROWS_AS(least_cost_allocation(law, 1.0, 0, {}, {}), laws::LawError);  // below E: out of reach
}

TEST_CASE("The memo asked first without a reason and then with one gives the reason", "[planner][search]") {
  const auto& db = testing::embedded_db();
  const ThroughputMemo memo;
  // 70B does not fit on 8 L4 (24 GB each).
  CHECK_FALSE(modelled_mfu(db, "l4", 70e9, 1.4e12, 8, 4096, std::nullopt, nullptr));
  std::string why;
  CHECK_FALSE(modelled_mfu(db, "l4", 70e9, 1.4e12, 8, 4096, std::nullopt, &why));
  CHECK_THAT(why, Catch::Contains("the leanest") && Catch::Contains("GiB per accelerator"));
}

TEST_CASE("No layout the model finds beats the MFU ceiling a plan uses to skip accelerators",
          "[planner][search]") {
  const auto& db = testing::embedded_db();
  int compared = 0;
  double closest = 0;  // the largest modelled / ceiling seen
  for (const char* id :
       {"h100-sxm5-80gb", "b200", "a100-sxm4-40gb", "mi300x", "l4", "gaudi3", "tpu-v4", "rtx-4090"}) {
    for (double params : {1.2e8, 1e9, 7e9, 70e9}) {
      const double ceiling = modelled_mfu_ceiling(db, id, params, 4096, std::nullopt);
      for (int gpus : {1, 8, 64, 512}) {
        for (double tokens_per_param : {5.0, 20.0, 200.0}) {
          const auto m =
              modelled_mfu(db, id, params, params * tokens_per_param, gpus, 4096, std::nullopt, nullptr);
          if (!m) continue;
          INFO(id << " " << params << " on " << gpus << ": " << m->layout);
          CHECK(m->mfu <= ceiling);
          closest = std::max(closest, m->mfu / ceiling);
          ++compared;
        }
      }
    }
  }
  CHECK(compared > 150);
  CHECK(closest > 0.7);  // a ceiling far above every answer would skip nothing
}
