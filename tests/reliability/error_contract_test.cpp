// The error contract: for every bad input, across every command, exit code
// 1, exactly one line on stderr naming the problem, nothing on stdout, no
// file created or changed, and no abort or sanitizer report.
#include <sys/stat.h>

#include <catch2/catch.hpp>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <map>

#include "support.h"

namespace fs = std::filesystem;
using scaleplan::testing::run_scaleplan;

namespace {

std::map<std::string, std::string> snapshot(const fs::path& dir) {
  std::map<std::string, std::string> out;
  for (const auto& e : fs::recursive_directory_iterator(dir)) {
    if (!e.is_regular_file()) continue;
    std::ifstream in(e.path(), std::ios::binary);
    out[e.path().string()] = std::string(std::istreambuf_iterator<char>(in), {});
  }
  return out;
}

std::string runs_csv() {
  std::string csv = "params,tokens,loss\n";
  for (double n : {1e8, 4e8, 1.6e9})
    for (double d : {2e9, 8e9, 3.2e10, 1.28e11})
      csv += std::to_string(n) + "," + std::to_string(d) + "," +
             std::to_string(1.8 + 480 / std::pow(n, 0.35) + 2000 / std::pow(d, 0.37)) + "\n";
  return csv;
}

}  // namespace

TEST_CASE("error contract: every command refuses bad input cleanly", "[reliability]") {
  const auto dir = scaleplan::testing::temp_dir("contract");
  auto file = [&](const std::string& name, const std::string& text) {
    std::ofstream(dir / name, std::ios::binary) << text;
    return (dir / name).string();
  };
  const std::string runs = file("runs.csv", runs_csv());
  const std::string law_ok =
      file("law.json",
           R"({"form":"chinchilla","parameters":{"E":1.8,"A":480,"B":2000,"alpha":0.35,"beta":0.37}})");
  const std::string garbage = file("garbage.bin", std::string("\x7f"
                                                              "ELF\x02\x01\x01\0\0\0\xff\xfe",
                                                              12));
  const std::string empty = file("empty.csv", "");
  const std::string header_only = file("header.csv", "params,tokens,loss\n");
  const std::string dup = file("dup.csv", "params,tokens,loss,LOSS\n1,2,3,4\n");
  const std::string extra = file("extra.csv", "params,tokens,loss\n1e9,2e10,3,99\n");
  const std::string nan_cell = file("nan.csv", "params,tokens,loss\n1e9,2e10,nan\n");
  const std::string inf_cell = file("inf.csv", "params,tokens,loss\n1e9,inf,3\n");
  const std::string huge_cell = file("huge.csv", "params,tokens,loss\n1e9,1e999,3\n");
  const std::string law_bad = file("lawbad.json", "{\"form\": \"chinchilla\"");
  const std::string law_noexp =
      file("lawnoexp.json",
           R"({"form":"chinchilla","parameters":{"E":1.8,"A":480,"B":2000,"alpha":0,"beta":0.37}})");
  const std::string db_twice = file("twice.json", R"({"accelerators":[{"id":"a","id":"b"}]})");
  const std::string law_twice = file("lawtwice.json", R"({"form": "chinchilla", "form": "kaplan"})");
  const std::string db_bad = file("db.json", R"({"accelerators":[{"id":"h100-sxm5-80gb","memory_gb":-80}]})");
  const std::string cc_cols = file("cc.csv", "run_id,duration,emissions\nr,1,1\n");
  const std::string cc_zero = file("cc0.csv",
                                   "run_id,duration,emissions,energy_consumed,gpu_energy,cpu_energy,ram_"
                                   "energy,gpu_count\nr,0,1,1,1,0,0,1\n");
  const std::string out = (dir / "out.json").string();

  // Outputs that must never be replaced: a device node, a FIFO, a symlink to
  // an input, the database named only by the environment.
  const std::string fifo = (dir / "pipe").string();
  REQUIRE(::mkfifo(fifo.c_str(), 0644) == 0);
  const std::string runs_link = (dir / "runs-link.csv").string();
  fs::create_symlink(runs, runs_link);
  const std::string db_env =
      file("db-env.json",
           R"({"grids":[{"id":"lab","scope":"country","name":"Lab","gco2_per_kwh":100,"source":"test"}]})");
  const std::string db_dup = file(
      "dbdup.json",
      R"({"grids":[{"id":"lab","scope":"country","name":"Lab","gco2_per_kwh":100,"source":"t"},{"id":"LAB","scope":"country","name":"Lab","gco2_per_kwh":200,"source":"t"}]})");
  const std::string law_tiny_alpha =
      file("lawtiny.json",
           R"({"form":"chinchilla","parameters":{"E":1.8,"A":480,"B":2000,"alpha":1e-300,"beta":0.37}})");
  const std::string log = scaleplan::testing::test_data_path("teenytinyllama/emissions-460m.csv");
  const std::vector<std::string> calib = {"calibrate", log,     "--params",   "468239360",
                                          "--tokens",  "9.8e9", "--hardware", "a100-sxm4-40gb"};
  auto with = [](std::vector<std::string> base, std::vector<std::string> more) {
    base.insert(base.end(), more.begin(), more.end());
    return base;
  };
  const std::vector<std::string> fc = {"forecast", "--params",   "7B",  "--tokens",
                                       "140B",     "--hardware", "h100"};

  struct Case {
    std::vector<std::string> args;
    const char* mentions;
    std::vector<std::string> env = {};
  };
  const std::vector<Case> cases = {
      // malformed numbers, NaN, inf, huge, zero and negative values
      {{"tokens", "--params", "seven"}, "seven"},
      {{"tokens", "--params", "7Q"}, "7Q"},
      {{"tokens", "--params", "nan"}, "nan"},
      {{"tokens", "--params", "inf"}, "inf"},
      {{"tokens", "--params", "1e400"}, "--params"},
      {{"tokens", "--params", "0"}, "--params"},
      {{"tokens", "--params", "-7B"}, "-7B"},
      {{"tokens", "--params", "7B", "--target-loss", "abc"}, "--target-loss"},
      {{"loss", "--params", "7B", "--tokens", "1__0"}, "--tokens"},
      {{"allocate", "--flops", ""}, "--flops"},
      // unknown names
      {{"tokens", "--params", "7B", "--law", "chinchila"}, "besiroglu2024"},
      {{"forecast", "--params", "7B", "--tokens", "1T", "--hardware", "h100-sxm5-80g"},
       "did you mean 'h100-sxm5-80gb'"},
      {{"forecast", "--params", "7B", "--tokens", "1T", "--hardware", "h100-sxm5-80gb", "--region",
        "Atlantis"},
       "Atlantis"},
      {{"finetune", "--model", "llama-99b", "--tokens", "1B", "--hardware", "l4"}, "llama-99b"},
      {{"hardware", "show", "tpu-v9"}, "tpu-v9"},
      {{"nonsense"}, "nonsense"},
      {{"tokens", "--params", "7B", "--frobnicate"}, "frobnicate"},
      // impossible requests
      {{"tokens", "--params", "7B", "--target-loss", "1.5"}, "floor"},
      {{"plan", "--target-loss", "1.0"}, "irreducible"},
      {{"plan", "--budget-kwh", "1e-6"}, "least sensible plan"},
      {{"plan", "--target-params", "70B", "--gpus", "1"}, "needs at least"},
      {{"forecast", "--params", "7B", "--tokens", "1T", "--hardware", "tpu-v5e"}, "--power-w"},
      // contradictory flags and out-of-range options
      {{"plan", "--target-loss", "2.2", "--budget-flops", "1e23"}, "one goal"},
      {{"plan", "--target-loss", "2.2", "--gpus", "8", "--deadline-days", "5"}, "--deadline-days"},
      {{"forecast", "--params", "7B", "--tokens", "1T", "--hardware", "h100-sxm5-80gb", "--region", "FR",
        "--carbon-intensity", "50"},
       "--carbon-intensity"},
      {{"forecast", "--params", "7B", "--tokens", "1T", "--hardware", "h100-sxm5-80gb", "--mfu", "2"},
       "--mfu"},
      {{"forecast", "--params", "7B", "--tokens", "1T", "--hardware", "h100-sxm5-80gb", "--pue", "0.5"},
       "--pue"},
      {{"finetune", "--model", "llama-2-7b", "--tokens", "1B", "--hardware", "l4", "--lora-rank", "-4"},
       "--lora-rank"},
      {{"tier", "--kwh", "nan", "--co2-kg", "1"}, "--kwh"},
      // files: empty, garbage, header only, duplicate/extra columns, bad cells
      {{"fit", empty, "-o", out}, "empty"},
      {{"fit", garbage, "-o", out}, "garbage.bin"},
      {{"fit", header_only, "-o", out}, "0 usable points"},
      {{"fit", dup, "-o", out}, "duplicate"},
      {{"fit", extra, "-o", out}, "extra.csv:2"},
      {{"fit", nan_cell, "-o", out}, "nan.csv:2:3"},
      {{"fit", inf_cell, "-o", out}, "inf.csv:2:2"},
      {{"fit", huge_cell, "-o", out}, "huge.csv:2:2"},
      {{"fit", (dir / "missing.csv").string(), "-o", out}, "missing.csv"},
      {{"fit", runs, "-o", runs}, "input"},
      {{"fit", runs, "-o", (dir / "no-such-dir" / "law.json").string()}, "no-such-dir"},
      {{"fit", runs, "-o", dir.string()}, "directory"},
      {{"tokens", "--params", "7B", "--law", law_bad}, "not valid JSON"},
      {{"tokens", "--params", "7B", "--law", law_noexp}, "alpha"},
      {{"tokens", "--params", "7B", "--law", garbage}, "garbage.bin"},
      {{"hardware", "list", "--hardware-db", db_bad}, "memory_gb"},
      {{"hardware", "list", "--hardware-db", garbage}, "not valid JSON"},
      {{"hardware", "list", "--hardware-db", db_twice}, "'id' is given twice"},
      {{"tokens", "--params", "7B", "--law", law_twice}, "'form' is given twice"},
      {{"calibrate", cc_cols, "--params", "1B", "--tokens", "1B", "--hardware", "l4", "-o", out},
       "gpu_energy"},
      {{"calibrate", cc_zero, "--params", "1B", "--tokens", "1B", "--hardware", "l4", "-o", out}, "duration"},
      {{"calibrate", garbage, "--params", "1B", "--tokens", "1B", "--hardware", "l4"}, "garbage.bin"},
      // outputs: empty, device node, FIFO, directory, an input however named
      {{"fit", runs, "-o", ""}, "--output: the path is empty"},
      {{"fit", runs, "--output="}, "--output"},
      {{"fit", runs, "-o", "/dev/null"}, "not a regular file"},
      {{"fit", runs, "-o", fifo}, "not a regular file"},
      {{"fit", runs, "-o", runs_link}, "input"},
      {{"fit", runs_link, "-o", runs}, "input"},
      {with(calib, {"-o", ""}), "--output: the path is empty"},
      {with(calib, {"-o", "/dev/null"}), "not a regular file"},
      {with(calib, {"-o", fifo}), "not a regular file"},
      {with(calib, {"-o", log}), "input"},
      {with(calib, {"--hardware-db", db_env, "-o", db_env}), "input"},
      {with(calib, {"-o", db_env}), "input", {"SCALEPLAN_HARDWARE_DB=" + db_env}},
      {with(calib, {"-o", dir.string()}), "directory"},
      // results out of range are refused with the domain
      {{"tokens", "--params", "1e-300"}, "from 1000 to 1e16"},
      {{"tokens", "--params", "1e300"}, "--params"},
      {{"tokens", "--params", "7B", "--law", law_tiny_alpha}, "alpha"},
      {{"loss", "--params", "7B", "--tokens", "1e20"}, "--tokens"},
      {{"allocate", "--flops", "1e40"}, "--flops"},
      {{"fit", runs, "--bootstrap", "1"}, "--bootstrap"},
      {{"fit", runs, "--bootstrap", "99"}, "100 to 100000"},
      {{"fit", runs, "--bootstrap", "-5"}, "--bootstrap"},
      {{"calibrate", log, "--params", "468239360", "--tokens", "1e18", "--hardware", "a100-sxm4-40gb"},
       "MFU"},
      {{"plan", "--target-loss", "1.8169"}, "pass a higher --target-loss"},
      {{"plan", "--target-params", "7B", "--gpus", "1e9"}, "--gpus"},
      {{"plan", "--target-params", "7B", "--gpus", "2.5"}, "whole count"},
      {{"plan", "--target-params", "7B", "--deadline-days", "1e5"}, "--deadline-days"},
      {{"tier", "--kwh", "1e20", "--co2-kg", "1"}, "--kwh"},
      {with(fc, {"--gpus", "0"}), "--gpus"},
      {with(fc, {"--gpus", "1e9"}), "--gpus"},
      {with(fc, {"--seq-len", "1.5"}), "--seq-len"},
      {with(fc, {"--power-w", "1e7"}), "--power-w"},
      {with(fc, {"--network-gbps", "1e9"}), "--network-gbps"},
      {with(fc, {"--pue", "5"}), "--pue"},
      {with(fc, {"--carbon-intensity", "5000"}), "--carbon-intensity"},
      {{"plan", "--target-params", "7B", "--carbon-intensity", "5000"}, "--carbon-intensity"},
      {{"finetune", "--model", "llama-2-7b", "--tokens", "1B", "--hardware", "l4", "--mfu", "1.5"}, "--mfu"},
      {{"recipe", "--params", "7B", "--tokens", "1T", "--hardware", "h100", "--gpus", "1e12"}, "--gpus"},
      {{"layout", "--params", "7B", "--hardware", "h100", "--gpus", "0.5"}, "--gpus"},
      // contradictions and flags that need another
      {with(fc, {"--flops", "1e20"}), "--flops replaces"},
      {with(fc, {"--gpus", "8", "--gpu-hours", "1"}), "--gpu-hours"},
      {{"forecast", "--params", "70B", "--tokens", "1T", "--hardware", "h100", "--gpus", "1"}, "at least"},
      {{"tokens", "--params", "7B", "--gpus", "8"}, "--gpus needs --hardware"},
      {{"tokens", "--params", "7B", "--mfu", "0.4"}, "--mfu needs --hardware"},
      {{"tokens", "--params", "7B", "--region", "FR"}, "--region needs --hardware"},
      {{"allocate", "--flops", "1e21", "--pue", "1.2"}, "--pue needs --hardware"},
      {{"finetune", "--model", "llama-2-7b", "--tokens", "1B", "--hardware", "l4", "--methods", "lora,lora"},
       "twice"},
      {{"plan", "--target-params", "7B", "--hardware", "h100,h100-sxm5-80gb,h100"}, "twice"},
      {{"hardware", "list", "--hardware-db", db_dup}, "repeats"},
      {{"plan", "--target-params", "7B", "--inference-tokens", "1T", "--inference-hardware", "zzz"},
       "--inference-hardware: 'zzz'"},
      // names users type
      {{"forecast", "--params", "7B", "--tokens", "1T", "--hardware", "tpu-v5"}, "tpu-v5e, tpu-v5p"},
      {{"forecast", "--params", "7B", "--tokens", "1T", "--hardware", "gaudi"}, "several"},
      {{"forecast", "--params", "7B", "--tokens", "1T", "--hardware", "h10"}, "h100-sxm5-80gb"},
      {{"regions", "--search", "atlantis"}, "atlantis"},
      {{"hardware", "show", "a1000"}, "a1000"},
  };
  REQUIRE(cases.size() >= 80);
  const auto before = snapshot(dir);
  for (const Case& c : cases) {
    std::string joined;
    for (const auto& a : c.args) joined += a + " ";
    INFO(joined);
    const auto r = run_scaleplan(c.args, c.env);
    CHECK(r.exit_code == 1);
    CHECK(r.out.empty());
    CHECK(r.err_lines() == 1);
    CHECK_THAT(r.err, Catch::StartsWith("scaleplan: error: ") && Catch::Contains(c.mentions));
    CHECK_THAT(r.err, !Catch::Contains("Sanitizer") && !Catch::Contains("runtime error"));
    CHECK(snapshot(dir) == before);  // nothing created, nothing changed
    CHECK(fs::is_fifo(fifo));
    CHECK(fs::is_symlink(runs_link));
    CHECK(fs::is_character_file("/dev/null"));
  }
}

TEST_CASE("error contract: a failed write to stdout is exit 1 with one line", "[reliability]") {
  if (!fs::exists("/dev/full")) return;  // Linux only
  const auto r = scaleplan::testing::run_scaleplan_to({"tokens", "--params", "7B"}, "/dev/full");
  CHECK(r.exit_code == 1);
  CHECK(r.err_lines() == 1);
  CHECK_THAT(r.err, Catch::Contains("standard output"));
}
