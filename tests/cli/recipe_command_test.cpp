#include <catch2/catch.hpp>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <sstream>

#include "support.h"

using Catch::Matchers::Contains;
using Catch::Matchers::WithinRel;
using nlohmann::json;
using scaleplan::testing::run_scaleplan;
using scaleplan::testing::temp_dir;
namespace fs = std::filesystem;

namespace {

std::string read(const fs::path& p) {
  std::ifstream in(p);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// Megatron arguments as name -> value ("" for flags), comments skipped.
std::map<std::string, std::string> megatron(const fs::path& p) {
  std::map<std::string, std::string> out;
  std::istringstream in(read(p));
  for (std::string line; std::getline(in, line);) {
    if (line.empty() || line[0] == '#') continue;
    REQUIRE(line.rfind("--", 0) == 0);
    const auto space = line.find(' ');
    out[line.substr(2, space == std::string::npos ? std::string::npos : space - 2)] =
        space == std::string::npos ? "" : line.substr(space + 1);
  }
  return out;
}

// Parameters of a Hugging Face Llama config, counted here from its keys:
// embedding, attention with grouped K/V, gated MLP, two norms per layer,
// final norm, output head unless tied.
double count_from_config(const json& c) {
  const double d = c["hidden_size"], layers = c["num_hidden_layers"], heads = c["num_attention_heads"];
  const double kv = c["num_key_value_heads"], f = c["intermediate_size"], vocab = c["vocab_size"];
  const double head_dim = d / heads;
  const double attention = d * d + 2 * d * kv * head_dim + d * d;
  const double mlp = 3 * d * f;
  const double norms = 2 * d;
  const double head = c["tie_word_embeddings"].get<bool>() ? 0 : vocab * d;
  return vocab * d + layers * (attention + mlp + norms) + d + head;
}

// Every file under `dir`, for "nothing written" checks.
std::vector<std::string> listing(const fs::path& dir) {
  std::vector<std::string> out;
  for (const auto& e : fs::recursive_directory_iterator(dir)) out.push_back(e.path().string());
  std::sort(out.begin(), out.end());
  return out;
}

}  // namespace

TEST_CASE("plan --emit writes a config whose parameter count is the plan's N for 125M to 70B",
          "[cli][recipe]") {
  const auto root = temp_dir("emit-sizes");
  for (const char* size : {"125M", "1B", "7B", "70B"}) {
    INFO(size);
    const fs::path dir = root / size;
    const auto r = run_scaleplan({"plan", "--target-params", size, "--emit", dir.string(), "--json"});
    REQUIRE(r.exit_code == 0);
    const json plan = json::parse(r.out);
    CHECK(plan["emitted"]["folder"] == dir.string());
    const json config = json::parse(read(dir / "config.json"));
    for (const char* key : {"hidden_size", "intermediate_size", "num_hidden_layers", "num_attention_heads",
                            "num_key_value_heads", "vocab_size", "max_position_embeddings", "rope_theta",
                            "rms_norm_eps", "tie_word_embeddings", "torch_dtype"}) {
      CHECK(config.contains(key));
    }
    CHECK(config["architectures"][0] == "LlamaForCausalLM");
    CHECK(config["torch_dtype"] == "bfloat16");
    CHECK_THAT(count_from_config(config), WithinRel(plan["params"].get<double>(), 0.01));

    // plan.json is the whole document, recipe and assumptions included.
    const json saved = json::parse(read(dir / "plan.json"));
    CHECK(saved["params"] == plan["params"]);
    CHECK(saved["recipe"]["layout"] == plan["recipe"]["layout"]);
    CHECK(saved["training"].contains("assumptions"));

    const auto args = megatron(dir / "megatron-args.txt");
    const json& layout = saved["recipe"]["layout"];
    const long long gbs = std::stoll(args.at("global-batch-size"));
    const long long mbs = std::stoll(args.at("micro-batch-size"));
    CHECK(gbs ==
          mbs * layout["data_parallel"].get<long long>() * layout["grad_accumulation"].get<long long>());
    CHECK(std::stoi(args.at("tensor-model-parallel-size")) *
              std::stoi(args.at("pipeline-model-parallel-size")) * layout["data_parallel"].get<int>() ==
          saved["recipe"]["gpus"].get<int>());
    const double per_step = static_cast<double>(gbs) * std::stod(args.at("seq-length"));
    const double trained = std::stod(args.at("train-iters")) * per_step;
    CHECK(std::abs(trained - plan["tokens"].get<double>()) <= per_step);
    CHECK(args.at("num-layers") == std::to_string(config["num_hidden_layers"].get<int>()));
    CHECK(args.at("ffn-hidden-size") == std::to_string(config["intermediate_size"].get<int>()));
    CHECK(args.count("bf16") == 1);
    // The learning rate and batch lie in the preset's range, or say they do not.
    const json& hp = saved["recipe"]["hyperparams"];
    const double c = hp["compute_flops_c"];
    const bool inside =
        c >= hp["fitted_range_flops"][0].get<double>() && c <= hp["fitted_range_flops"][1].get<double>();
    CHECK(hp["in_fitted_range"] == inside);
    if (!inside) CHECK_THAT(saved["recipe"]["notes"].dump(), Contains("outside the fitted range"));
  }
  fs::remove_all(root);
}

TEST_CASE("recipe: DeepSeek LLM 7B on 512 H100s prints its batch, learning rate and layout",
          "[cli][recipe]") {
  const auto r = run_scaleplan({"recipe",         "--params", "6.9B",   "--layers",   "30", "--hidden",
                                "4096",           "--heads",  "32",     "--kv-heads", "32", "--ffn",
                                "11008",          "--vocab",  "102400", "--tokens",   "2T", "--hardware",
                                "h100-sxm5-80gb", "--gpus",   "512",    "--json"});
  REQUIRE(r.exit_code == 0);
  const json j = json::parse(r.out);
  CHECK(j["schema_version"] == 1);
  CHECK(j["command"] == "recipe");
  CHECK_THAT(j["hyperparams"]["batch_tokens"].get<double>(), WithinRel(2304.0 * 4096, 0.15));
  CHECK_THAT(j["learning_rate"]["peak"].get<double>(), WithinRel(4.2e-4, 0.10));
  CHECK(j["learning_rate"]["schedule"] == "multi-step");
  CHECK(j["layout"]["gpus"] == 512);
  CHECK(j["forecast"].contains("assumptions"));
  const auto human = run_scaleplan({"recipe", "--params", "7B", "--tokens", "2T", "--gpus", "512"});
  REQUIRE(human.exit_code == 0);
  CHECK_THAT(human.out, Contains("global batch"));
  CHECK_THAT(human.out, Contains("outside the fitted range"));
}

TEST_CASE("recipe --emit: a full folder needs --force, and --force replaces it whole", "[cli][recipe]") {
  const auto root = temp_dir("emit-force");
  const fs::path dir = root / "run";
  fs::create_directory(dir);
  std::ofstream(dir / "notes.txt") << "mine";
  const std::vector<std::string> base = {"recipe", "--params", "1B",     "--tokens",  "20B",
                                         "--gpus", "8",        "--emit", dir.string()};
  const auto before = listing(root);
  const auto refused = run_scaleplan(base);
  CHECK(refused.exit_code == 1);
  CHECK(refused.out.empty());
  CHECK(refused.err_lines() == 1);
  CHECK_THAT(refused.err, Contains("--emit") && Contains("not empty") && Contains("--force"));
  CHECK(listing(root) == before);

  auto forced = base;
  forced.push_back("--force");
  REQUIRE(run_scaleplan(forced).exit_code == 0);
  CHECK_FALSE(fs::exists(dir / "notes.txt"));
  CHECK(fs::exists(dir / "config.json"));
  CHECK(listing(root).size() == 4);  // the folder and its three files: no temporary left behind

  fs::remove_all(dir);
  fs::create_directory(dir);  // an empty folder is fine without --force
  CHECK(run_scaleplan(base).exit_code == 0);
  fs::remove_all(root);
}

TEST_CASE("emitting a plan makes the folders above the run, as mkdir -p does", "[cli][recipe]") {
  // The README's `plan --emit runs/7b` on a fresh checkout, where runs/ is not there.
  const auto root = temp_dir("emit-parents");
  const auto run = root / "runs" / "2026" / "1b";
  auto r = run_scaleplan({"plan", "--target-params", "1B", "--emit", run.string()});
  REQUIRE(r.exit_code == 0);
  CHECK(fs::is_regular_file(run / "config.json"));
  CHECK(fs::is_regular_file(run / "plan.json"));
  fs::remove_all(root);
}

TEST_CASE("recipe --emit refuses a file, an unwritable place and impossible recipes, writing nothing",
          "[cli][recipe]") {
  const auto root = temp_dir("emit-refusals");
  std::ofstream(root / "a-file") << "x";
  const auto before = listing(root);
  auto emit_to = [](const std::string& where,
                    std::vector<std::string> run = {"--params", "1B", "--gpus", "8"}) {
    std::vector<std::string> args = {"recipe", "--tokens", "20B", "--emit", where};
    args.insert(args.end(), run.begin(), run.end());
    return args;
  };
  scaleplan::testing::check_refusals({
      {emit_to((root / "a-file").string()), "a file, not a folder"},
      {emit_to((root / "a-file" / "run").string()), "above it, is not a folder"},
      {emit_to(""), "--emit: cannot write the folder '': expected a folder name"},
      {emit_to("/proc/scaleplan-run"), "--emit"},
      {emit_to((root / "heads").string(),
               {"--params", "1B", "--gpus", "8", "--hidden", "2048", "--heads", "30"}),
       "--heads: 30 heads do not divide"},
      {emit_to((root / "batch").string(),
               {"--params", "125M", "--gpus", "1024", "--global-batch-tokens", "1M"}),
       "fewer than one per data-parallel replica"},
      {emit_to((root / "pythia").string(), {"--model", "pythia-1b", "--gpus", "8"}),
       "not a Llama architecture"},
      {{"plan", "--target-params", "1B", "--emit", (root / "a-file").string()}, "a file, not a folder"},
      {{"plan", "--target-params", "1B", "--emit", (root / "a-file" / "run").string()}, "is not a folder"},
      {{"plan", "--target-params", "1B", "--emit", ""}, "expected a folder name"},
  });
  CHECK(listing(root) == before);
  CHECK(read(root / "a-file") == "x");
  fs::remove_all(root);
}

TEST_CASE("recipe refuses bad options with one line", "[cli][recipe]") {
  scaleplan::testing::check_refusals({
      {{"recipe", "--params", "7B", "--tokens", "2T"}, "--gpus"},
      {{"recipe", "--params", "7B", "--tokens", "2T", "--gpus", "8", "--schedule", "linear"}, "--schedule"},
      {{"recipe", "--params", "7B", "--tokens", "2T", "--gpus", "8", "--layers", "2.5"}, "--layers"},
      {{"recipe", "--params", "7B", "--tokens", "2T", "--gpus", "8", "--kv-heads", "3"}, "--kv-heads"},
      {{"recipe", "--tokens", "2T", "--gpus", "8"}, "--params"},
      {{"recipe", "--params", "7B", "--tokens", "2T", "--gpus", "8", "--lr", "2"}, "--lr"},
  });
}
