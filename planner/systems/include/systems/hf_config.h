#pragma once
// A model's shape from its Hugging Face config.json: the fields the
// transformers library itself reads for the dense decoder families people
// fine-tune (Llama, Mistral, Qwen2/Qwen3, Gemma 2/3, Phi-3/4, OLMo 2,
// SmolLM3; Gemma's head_dim x heads differs from hidden_size in every
// size, so those configs are refused until shapes carry a head size): hidden_size, num_hidden_layers,
// num_attention_heads, num_key_value_heads (default: the heads), intermediate_size, vocab_size,
// tie_word_embeddings. The parameter count is the shape's (shape.h).
#include <string>

#include <nlohmann/json.hpp>

#include "hardware_db/database.h"

namespace scaleplan::planner {

// Throws PlanError naming the field ("config") and the key when the
// document is not an object, lacks a size, names an architecture outside
// the families above (a mixture of experts among them), or sets a head
// size other than hidden_size / num_attention_heads, which the shape model
// assumes. `origin` names the file in messages.
hardware_db::ModelShape shape_from_hf_config(const nlohmann::json& config, const std::string& origin);

}  // namespace scaleplan::planner
