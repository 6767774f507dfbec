// End-to-end: scaleplan finetune, models, and recommendations in plan.
#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "support.h"
#include "support_files.h"

using nlohmann::json;
using scaleplan::testing::run_scaleplan;

TEST_CASE("finetune --json lists each method with its budget and marks the cheapest", "[cli]") {
  auto r = run_scaleplan(
      {"finetune", "--model", "llama-2-7b", "--tokens", "100M", "--hardware", "a100-sxm4-80gb", "--json"});
  REQUIRE(r.exit_code == 0);
  const json d = json::parse(r.out);
  REQUIRE(d["methods"].size() == 3);
  int cheapest = 0;
  for (const auto& m : d["methods"]) {
    for (const char* key : {"method", "fits", "gpus", "memory_gb_per_gpu", "flops", "gpu_hours", "energy_kwh",
                            "co2_kg", "eps_tier"}) {
      INFO(key);
      CHECK(m.contains(key));
    }
    cheapest += m["cheapest"].get<bool>();
  }
  CHECK(cheapest == 1);
}

TEST_CASE("finetune counts examples, epochs and padding, and packing removes the padding", "[cli]") {
  const std::vector<std::string> alpaca = {
      "finetune",  "--model", "llama-2-7b",    "--examples", "52002",      "--epochs",       "3",
      "--seq-len", "512",     "--mean-length", "128",        "--hardware", "a100-sxm4-80gb", "--methods",
      "full",      "--json"};
  auto padded = run_scaleplan(alpaca);
  REQUIRE(padded.exit_code == 0);
  const json d = json::parse(padded.out);
  CHECK(d["tokens"].get<double>() == Approx(52002.0 * 3 * 512));
  CHECK(d["padding_tokens"].get<double>() == Approx(52002.0 * 3 * (512 - 128)));
  auto with_packing = alpaca;
  with_packing.push_back("--packing");
  auto packed = run_scaleplan(with_packing);
  REQUIRE(packed.exit_code == 0);
  const json p = json::parse(packed.out);
  CHECK(p["tokens"].get<double>() == Approx(52002.0 * 3 * 128));
  CHECK(p["padding_tokens"].get<double>() == 0);
  // A quarter of the tokens: about a quarter of the energy.
  CHECK(p["methods"][0]["energy_kwh"].get<double>() ==
        Approx(d["methods"][0]["energy_kwh"].get<double>() / 4).epsilon(0.05));
  auto text = run_scaleplan({"finetune", "--model", "llama-2-7b", "--examples", "52002", "--epochs", "3",
                             "--seq-len", "512", "--mean-length", "128", "--hardware", "a100-sxm4-80gb"});
  CHECK_THAT(text.out, Catch::Contains("padding: 59.9M of the 79.9M tokens (75%)"));
}

TEST_CASE("finetune --config reads a Hugging Face config.json", "[cli]") {
  auto r =
      run_scaleplan({"finetune", "--config", scaleplan::testing::test_data_path("hf_configs/qwen2.5-7b.json"),
                     "--tokens", "10M", "--hardware", "a100-sxm4-80gb", "--json"});
  REQUIRE(r.exit_code == 0);
  CHECK_THAT(json::parse(r.out)["params"].get<double>(), Catch::Matchers::WithinRel(7.61e9, 0.005));
}

TEST_CASE("finetune --emit writes the Trainer, PEFT and bitsandbytes arguments of the plan", "[cli]") {
  scaleplan::testing::TempDir dir("ft-emit");
  const std::string out = (dir / "qlora").string();
  auto r =
      run_scaleplan({"finetune", "--model", "llama-65b", "--tokens", "20M", "--hardware", "rtx-a6000",
                     "--methods", "qlora", "--lora-rank", "64", "--seq-len", "512", "--emit", out, "--json"});
  REQUIRE(r.exit_code == 0);
  const json doc = json::parse(r.out);
  auto read = [&](const char* name) {
    std::ifstream in(out + "/" + name);
    std::stringstream ss;
    ss << in.rdbuf();
    return json::parse(ss.str());
  };
  const json args = read("training_args.json");
  const json& layout = doc["methods"][0]["configuration"];
  CHECK(args["per_device_train_batch_size"] == layout["micro_batch"]);
  CHECK(args["gradient_accumulation_steps"] == layout["gradient_accumulation"]);
  CHECK(args["gradient_checkpointing"].get<bool>() == (layout["recompute"] != "none"));
  CHECK(args["optim"] == "paged_adamw_32bit");
  CHECK(read("lora_config.json")["r"] == 64);
  CHECK(read("bnb_config.json")["bnb_4bit_quant_type"] == "nf4");
  CHECK(read("plan.json")["methods"] == doc["methods"]);
  // Full fine-tuning has neither adapters nor quantisation.
  const std::string full = (dir / "full").string();
  REQUIRE(run_scaleplan({"finetune", "--model", "llama-2-7b", "--tokens", "20M", "--hardware",
                         "a100-sxm4-80gb", "--methods", "full", "--emit", full})
              .exit_code == 0);
  CHECK(std::filesystem::exists(full + "/training_args.json"));
  // Volta has no bf16: the arguments say fp16.
  const std::string volta = (dir / "volta").string();
  REQUIRE(run_scaleplan({"finetune", "--model", "llama-2-7b", "--tokens", "20M", "--hardware", "v100",
                         "--methods", "qlora", "--emit", volta})
              .exit_code == 0);
  {
    std::ifstream in(volta + "/training_args.json");
    const json args = json::parse(in);
    CHECK(args.value("fp16", false));
    CHECK_FALSE(args.contains("bf16"));
  }
  // A tensor- or pipeline-parallel layout is not the Trainer's: refused, nothing written.
  const std::string tp = (dir / "tp").string();
  auto refused = run_scaleplan({"finetune", "--model", "llama-3.1-405b", "--tokens", "1B", "--hardware",
                                "h100-sxm5-80gb", "--global-batch", "256", "--methods", "qlora", "--gpus",
                                "24", "--emit", tp});
  CHECK(refused.exit_code == 1);
  CHECK_THAT(refused.err, Catch::Contains("--emit") && Catch::Contains("Trainer"));
  CHECK_FALSE(std::filesystem::exists(tp));
  CHECK_FALSE(std::filesystem::exists(full + "/lora_config.json"));
  CHECK_FALSE(std::filesystem::exists(full + "/bnb_config.json"));
}

TEST_CASE("a High plan carries recommendations in its JSON", "[cli]") {
  auto r = run_scaleplan({"plan", "--target-params", "7B", "--offset-price", "20", "--json"});
  REQUIRE(r.exit_code == 0);
  const json d = json::parse(r.out);
  REQUIRE(d["eps_tier"] == "High");
  CHECK(d["recommendations"].size() >= 4);
  for (const auto& rec : d["recommendations"]) {
    // A memory measure leaves the footprint as it was, and carries none.
    CHECK(rec.contains("energy_kwh") == (rec["category"] != "memory"));
    CHECK(rec.contains("eps_tier") == (rec["category"] != "memory"));
    CHECK(rec.contains("why"));
  }
}

TEST_CASE("models lists the catalogue", "[cli]") {
  auto r = run_scaleplan({"models", "--json"});
  REQUIRE(r.exit_code == 0);
  CHECK(json::parse(r.out)["models"].size() >= 25);
}

TEST_CASE("finetune refuses bad input with one line", "[cli]") {
  const std::vector<std::string> base = {"finetune", "--tokens", "100M", "--hardware", "a100-sxm4-80gb"};
  auto with = [&](std::vector<std::string> extra) {
    auto a = base;
    a.insert(a.end(), extra.begin(), extra.end());
    return a;
  };
  scaleplan::testing::check_refusals({
      {with({"--model", "llama-9b"}), "--model"},
      {with({"--model", "llama-2-7b", "--methods", "full,dora"}), "dora"},
      {with({"--model", "llama-2-7b", "--lora-rank", "0"}), "--lora-rank"},
      {with({"--model", "llama-2-7b", "--lora-rank", "9000"}), "hidden size"},
      {with({"--model", "llama-2-7b", "--seq-len", "0"}), "--seq-len"},
      {with({"--model", "llama-2-7b", "--micro-batch", "-1"}), "--micro-batch"},
      {with({"--model", "llama-2-7b", "--optimizer", "lion"}), "--optimizer"},
      {with({"--model", "llama-2-7b", "--params", "7B"}), "one of --model, --params and --config"},
      {with({"--config", "/nonexistent/config.json"}), "--config"},
      {with({"--config", "/dev/zero"}), "not a regular file"},
      {with({"--model", "llama-3.1-405b", "--seq-len", "1000000"}), "no method fits"},
      {{"finetune", "--model", "llama-2-7b", "--hardware", "a100-sxm4-80gb", "--examples", "0"},
       "--examples"},
      {{"finetune", "--model", "llama-2-7b", "--hardware", "a100-sxm4-80gb", "--examples", "2.5"},
       "whole number"},
      {with({"--model", "llama-2-7b", "--examples", "100"}), "not both"},
      {with({"--model", "llama-2-7b", "--packing"}), "--packing"},
      {{"finetune", "--model", "llama-2-7b", "--hardware", "a100-sxm4-80gb", "--examples", "100", "--epochs",
        "0"},
       "--epochs"},
      {{"finetune", "--model", "llama-2-7b", "--hardware", "a100-sxm4-80gb", "--examples", "100",
        "--mean-length", "4096"},
       "--mean-length"},
      {with({"--model", "llama-2-7b", "--gpus", "2", "--deadline-hours", "3"}), "--deadline-hours"},
      {with({"--model", "llama-2-7b", "--deadline-hours", "3", "--deadline-days", "1"}), "not both"},
      {with({"--model", "llama-2-7b", "--lora-targets", "mlp"}), "--lora-targets"},
      {with({"--model", "llama-2-7b", "--global-batch", "0"}), "--global-batch"},
  });
}
