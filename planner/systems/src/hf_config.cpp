#include "systems/hf_config.h"

#include <algorithm>
#include <array>

#include "systems/errors.h"
#include "systems/shape.h"

namespace scaleplan::planner {

namespace {

// model_type values of dense decoders with Llama's layout: q, k, v, o and a
// gated MLP per block (transformers' models/<type>/configuration_*.py).
constexpr std::array<const char*, 10> kDenseTypes = {"llama",  "mistral", "qwen2", "qwen3",       "gemma2",
                                                     "gemma3", "phi3",    "olmo2", "gemma3_text", "smollm3"};
// Mixtures of experts, refused by name until expert layouts exist.
constexpr std::array<const char*, 6> kMoeTypes = {"mixtral", "qwen2_moe",   "qwen3_moe",
                                                  "olmoe",   "deepseek_v2", "deepseek_v3"};

PlanError config_error(const std::string& origin, const std::string& what) {
  return PlanError(Field{"config"}, "'" + origin + "': " + what);
}

int positive_int(const nlohmann::json& c, const char* key, const std::string& origin) {
  if (!c.contains(key)) throw config_error(origin, std::string("has no \"") + key + "\"");
  const auto& v = c.at(key);
  if (!v.is_number_integer() || v.get<long long>() <= 0 || v.get<long long>() > (1 << 24)) {
    throw config_error(origin,
                       std::string("\"") + key + "\" is " + v.dump() + "; expected a positive whole number");
  }
  return v.get<int>();
}

}  // namespace

hardware_db::ModelShape shape_from_hf_config(const nlohmann::json& c, const std::string& origin) {
  if (!c.is_object()) throw config_error(origin, "is not a JSON object (a config.json)");
  const std::string type =
      c.contains("model_type") && c.at("model_type").is_string() ? c.at("model_type").get<std::string>() : "";
  auto listed = [&](const auto& list) { return std::find(list.begin(), list.end(), type) != list.end(); };
  if (listed(kMoeTypes)) {
    throw config_error(origin,
                       "model_type \"" + type + "\" is a mixture of experts; --config takes dense models");
  }
  if (!listed(kDenseTypes)) {
    throw config_error(origin,
                       "model_type \"" + type +
                           "\" is not one --config reads (llama, mistral, qwen2, qwen3, gemma2, gemma3, "
                           "phi3, olmo2, smollm3)");
  }
  // Gemma 3 nests its language model's sizes under "text_config".
  const nlohmann::json& t =
      c.contains("text_config") && c.at("text_config").is_object() ? c.at("text_config") : c;
  hardware_db::ModelShape m;
  m.layers = positive_int(t, "num_hidden_layers", origin);
  m.hidden = positive_int(t, "hidden_size", origin);
  m.heads = positive_int(t, "num_attention_heads", origin);
  m.kv_heads = t.contains("num_key_value_heads") ? positive_int(t, "num_key_value_heads", origin) : m.heads;
  m.ffn = positive_int(t, "intermediate_size", origin);
  m.vocab = positive_int(t, "vocab_size", origin);
  if (t.contains("head_dim") && t.at("head_dim").is_number_integer() &&
      t.at("head_dim").get<long long>() * m.heads != m.hidden) {
    throw config_error(origin, "head_dim " + t.at("head_dim").dump() + " x " + std::to_string(m.heads) +
                                   " heads is not hidden_size " + std::to_string(m.hidden) +
                                   "; the shape model takes head_dim = hidden_size / num_attention_heads");
  }
  const bool gemma = type.rfind("gemma", 0) == 0;  // Gemma ties its head by default
  m.tied_embeddings = t.contains("tie_word_embeddings") ? t.at("tie_word_embeddings").is_boolean() &&
                                                              t.at("tie_word_embeddings").get<bool>()
                                                        : gemma;
  m.gated_mlp = true;
  if (t.contains("max_position_embeddings") && t.at("max_position_embeddings").is_number_integer())
    m.context = t.at("max_position_embeddings").get<int>();
  m.id = origin;
  m.name = origin.substr(origin.find_last_of('/') + 1) + " [" + type + "]";
  m.source = origin;
  try {
    check_shape(m);
  } catch (const PlanError& e) {
    throw config_error(origin, e.what());
  }
  m.params = parameter_count(m);
  return m;
}

}  // namespace scaleplan::planner
