// A model from its Hugging Face config.json: the shape and its parameter
// count, and the configs the shape model cannot take, refused by name.
#include <catch2/catch.hpp>

#include <fstream>
#include <sstream>

#include <nlohmann/json.hpp>

#include "planning/finetune.h"
#include "support_db.h"
#include "support_files.h"
#include "systems/hf_config.h"

using namespace scaleplan::planner;
using Catch::Matchers::WithinRel;

namespace {

nlohmann::json qwen_config() {
  std::ifstream in(scaleplan::testing::test_data_path("hf_configs/qwen2.5-7b.json"));
  std::stringstream ss;
  ss << in.rdbuf();
  return nlohmann::json::parse(ss.str());
}

}  // namespace

TEST_CASE("Qwen2.5-7B's config.json gives its published 7.61B parameters within 0.5%", "[planner][config]") {
  const auto shape = shape_from_hf_config(qwen_config(), "qwen2.5-7b.json");
  CHECK(shape.layers == 28);
  CHECK(shape.kv_heads == 4);
  CHECK_FALSE(shape.tied_embeddings);
  CHECK_THAT(shape.params, WithinRel(7.61e9, 0.005));
}

TEST_CASE("a config's model fine-tunes like a catalogue model", "[planner][config]") {
  FinetuneRequest r;
  r.shape = shape_from_hf_config(qwen_config(), "qwen2.5-7b.json");
  r.tokens = 1e7;
  r.hardware = "a100-sxm4-80gb";
  const auto res = plan_finetune(scaleplan::testing::embedded_db(), r);
  CHECK(res.shape.params == r.shape->params);
  for (const auto& m : res.methods) CHECK(m.fits);
}

TEST_CASE("configs the shape model cannot take are refused by key", "[planner][config]") {
  auto refused = [](nlohmann::json c, const char* says) {
    INFO(c.dump());
    CHECK_THROWS_WITH(shape_from_hf_config(c, "c.json"),
                      Catch::StartsWith("config: 'c.json': ") && Catch::Contains(says));
  };
  refused(nlohmann::json::array(), "not a JSON object");
  nlohmann::json c = qwen_config();
  c.erase("hidden_size");
  refused(c, "\"hidden_size\"");
  c = qwen_config();
  c["num_hidden_layers"] = -2;
  refused(c, "positive whole number");
  c = qwen_config();
  c["model_type"] = "mixtral";
  refused(c, "mixture of experts");
  c["model_type"] = "t5";
  refused(c, "not one --config reads");
  c = qwen_config();
  c["head_dim"] = 256;
  refused(c, "head_dim");
  c = qwen_config();
  c["num_key_value_heads"] = 5;
  refused(c, "K/V groups");
}
