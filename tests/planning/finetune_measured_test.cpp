// Fine-tuning's step time and memory against published measurements of
// the stacks people fine-tune with (Hugging Face transformers + PEFT,
// LitGPT, torchtune), one GPU, no communication: the GEMM, element-wise,
// dispatch, adapter and dequantisation terms alone.
#include <catch2/catch.hpp>

#include "planning/finetune.h"
#include "support_db.h"

using namespace scaleplan::planner;
using Catch::Matchers::WithinRel;
using scaleplan::testing::embedded_db;

namespace {

// Qwen-7B (Qwen/Qwen-7B config.json: 32 layers, hidden 4096, 32 heads,
// intermediate_size 22016 for its two gate/up halves, vocab 151,936).
scaleplan::hardware_db::ModelShape qwen_7b() {
  scaleplan::hardware_db::ModelShape m;
  m.id = m.name = "qwen-7b";
  m.layers = 32;
  m.hidden = 4096;
  m.heads = m.kv_heads = 32;
  m.ffn = 11008;
  m.vocab = 151936;
  m.params = 7.72e9;
  return m;
}

struct OneGpu {
  double tokens_per_s = 0, memory_gb = 0;
};

// One GPU, micro-batch `mb`, `accumulation` micro-batches per step.
OneGpu one_gpu(const scaleplan::hardware_db::ModelShape& shape, const char* hardware, Method method, int rank,
               LoraTargets targets, int seq_len, int mb, int accumulation, Recompute recompute) {
  const System sys = system_for(embedded_db().accelerator(hardware));
  FinetuneRequest r;
  r.lora_rank = rank;
  r.lora_targets = targets;
  r.seq_len = seq_len;
  r.global_batch = mb * accumulation;
  const Workload w = finetune_workload(r, shape, sys, method);
  Layout l;
  l.micro_batch = mb;
  l.num_micro_batches = accumulation;
  l.recompute = recompute;
  l.zero_stage = 0;
  const LayoutResult res = evaluate_layout(sys, w, l);
  return {res.time.tokens_per_s, res.memory.total_bytes() / 1e9};
}

}  // namespace

// Qwen README, "Profiling of Memory and Speed" (QwenLM/Qwen): Qwen-7B LoRA
// (r 64, every linear matrix), one A100-SXM4-80G, FlashAttention 2,
// gradient checkpointing, batch 1 x 8 accumulation, seconds per step of 8
// sequences: 512: 1.5, 1024: 2.8, 2048: 5.2, 4096: 10.1.
TEST_CASE("LoRA of Qwen-7B on one A100 runs within 25% of Qwen's published step times",
          "[planner][finetune]") {
  const std::pair<int, double> measured[] = {{512, 1.5}, {1024, 2.8}, {2048, 5.2}, {4096, 10.1}};
  for (const auto& [seq, step_s] : measured) {
    INFO(seq);
    const OneGpu m = one_gpu(qwen_7b(), "a100-sxm4-80gb", Method::kLora, 64, LoraTargets::kAllLinear, seq, 1,
                             8, Recompute::kFull);
    CHECK_THAT(m.tokens_per_s, WithinRel(8.0 * seq / step_s, 0.25));
  }
}

// torchtune README (commit 0217d44c2, May 2024): Llama 2 7B LoRA on one RTX
// 4090, batch 4, sequence 2048, its llama2/7B_lora_single_device recipe
// (rank 8 on q and v, activation checkpointing): 21.3 GB peak, 2,582
// tokens/s.
TEST_CASE("LoRA of Llama 2 7B on one RTX 4090 matches torchtune's tokens/s within 25%, memory within 15%",
          "[planner][finetune]") {
  const OneGpu m = one_gpu(embedded_db().model("llama-2-7b"), "rtx-4090", Method::kLora, 8,
                           LoraTargets::kQueryValue, 2048, 4, 1, Recompute::kFull);
  CHECK_THAT(m.tokens_per_s, WithinRel(2582, 0.25));
  CHECK_THAT(m.memory_gb, WithinRel(21.3, 0.15));
}

// LitGPT tutorials/resource-tables.md (10/2023; the runs Raschka 2023
// reports as 1.85 h vs 2.79 h): Llama 2 7B, LoRA r 8 on q and v, one
// A100-SXM4-40GB, micro-batch 1 on Alpaca (~110 tokens an example, the
// longest 1,304): 2.36 min per 1k iterations and 21.30 GB peak in bf16,
// 3.68 min and 14.14 GB with an NF4 base.
TEST_CASE("LoRA vs QLoRA of Llama 2 7B on one A100: the time ratio and both peaks within 15% of LitGPT's",
          "[planner][finetune]") {
  const auto llama = embedded_db().model("llama-2-7b");
  auto run = [&](Method m, int seq) {
    return one_gpu(llama, "a100-sxm4-40gb", m, 8, LoraTargets::kQueryValue, seq, 1, 128, Recompute::kNone);
  };
  const double lora_s = 110 / run(Method::kLora, 110).tokens_per_s;
  const double qlora_s = 110 / run(Method::kQlora, 110).tokens_per_s;
  CHECK_THAT(qlora_s / lora_s, WithinRel(3.68 / 2.36, 0.15));
  CHECK_THAT(run(Method::kLora, 1304).memory_gb, WithinRel(21.30, 0.15));
  CHECK_THAT(run(Method::kQlora, 1304).memory_gb, WithinRel(14.14, 0.15));
  // The iteration is dispatch-bound (~4,600 eager ops); its absolute time
  // is 0.66x the measured 141 ms, the model's known shortfall there.
  CHECK(lora_s > 0.141 / 1.6);
  CHECK(lora_s < 0.141);
}
