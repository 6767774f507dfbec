// FLOPs per token and the derived shape, against the closed forms of
// Narayanan et al. 2021 (eq. 3) and Korthikanti et al. 2022 (Sec. 6).
#include <catch2/catch.hpp>
#include <cmath>

#include "support_systems.h"
#include "systems/shape.h"
#include "systems/transformer_flops.h"

using scaleplan::testing::gpt_shape;

using namespace scaleplan;
using namespace scaleplan::planner;

namespace {}  // namespace

TEST_CASE("flops: model FLOPs per token are Korthikanti's 72 B s l h^2 (1 + s/6h + V/12lh) per token",
          "[planner][flops]") {
  for (auto [l, h, a] : {std::tuple{96, 12288, 96}, {48, 6144, 64}, {128, 25600, 160}}) {
    const auto s = gpt_shape(l, h, a);
    const double seq = 2048, v = 51200;
    const double expected = 72.0 * l * h * h * (1 + seq / (6.0 * h) + v / (12.0 * l * h));
    CHECK(model_flops_per_token(s, 2048) == Approx(expected).epsilon(1e-9));
  }
}

TEST_CASE("flops: full recompute adds one forward pass, Narayanan's 96 B s l h^2 (1 + s/6h + V/16lh)",
          "[planner][flops]") {
  const auto s = gpt_shape(96, 12288, 96);
  const double seq = 2048, l = 96, h = 12288, v = 51200;
  const double expected = 96.0 * l * h * h * (1 + seq / (6 * h) + v / (16 * l * h));
  CHECK(hardware_flops_per_token(s, 2048, Recompute::kFull) == Approx(expected).epsilon(1e-9));
  // Selective recompute repeats only the attention core: 4 s h per layer.
  CHECK(hardware_flops_per_token(s, 2048, Recompute::kSelective) - model_flops_per_token(s, 2048) ==
        Approx(4 * seq * h * l));
}

TEST_CASE("flops: the model FLOPs of GPT-3 175B at 2,048 tokens are 6N plus about 3% for attention",
          "[planner][flops]") {
  const auto s = gpt_shape(96, 12288, 96);
  CHECK(s.params == Approx(175e9).epsilon(0.01));
  const double ratio = model_flops_per_token(s, 2048) / (6 * s.params);
  CHECK(ratio == Approx(1 + 2048.0 / (6 * 12288)).epsilon(0.01));
}

TEST_CASE("shape: catalogue shapes reproduce their published parameter counts", "[planner][flops]") {
  const auto& db = testing::embedded_db();
  for (const char* id : {"llama-2-7b", "llama-2-70b", "llama-3.1-405b", "pythia-1b", "tinyllama-1.1b"}) {
    CAPTURE(id);
    CHECK(parameter_count(db.model(id)) == Approx(db.model(id).params).epsilon(0.02));
  }
}

TEST_CASE("shape: a shape derived from N holds N within 3% and splits over 4-way tensor parallelism",
          "[planner][flops]") {
  const auto& db = testing::embedded_db();
  for (double n : {7e9, 13e9, 70e9, 175e9, 405e9, 1e12}) {
    ShapeQuery q;
    q.params = n;
    const auto s = resolve_shape(db, q).shape;
    CAPTURE(n, s.layers, s.hidden, s.heads);
    CHECK(s.params == Approx(n).epsilon(0.03));
    CHECK(s.hidden % s.heads == 0);
    CHECK(s.heads % (s.hidden >= 4096 ? 8 : 4) == 0);
  }
}

TEST_CASE("shape: given dimensions replace the derived ones and impossible shapes are refused",
          "[planner][flops]") {
  const auto& db = testing::embedded_db();
  ShapeQuery q;
  q.layers = 80;
  q.hidden = 8192;
  q.heads = 64;
  q.kv_heads = 8;
  q.ffn = 28672;
  const auto s = resolve_shape(db, q).shape;
  CHECK(s.params == Approx(db.model("llama-2-70b").params).epsilon(0.01));
  q.heads = 48;
  CHECK_THROWS_WITH(resolve_shape(db, q), Catch::StartsWith("heads: ") && Catch::Contains("8192"));
  q.heads = 64;
  q.kv_heads = 6;
  CHECK_THROWS_WITH(resolve_shape(db, q), Catch::StartsWith("kv_heads: "));
  CHECK_THROWS_WITH(resolve_shape(db, ShapeQuery{}), Catch::StartsWith("params: "));
}
