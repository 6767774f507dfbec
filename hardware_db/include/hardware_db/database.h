#pragma once
// The sourced database of accelerators, grid carbon intensities and PUE
// presets. The data in hardware_db/data/*.json is compiled into the
// binary; a user JSON file of the same shape ({"accelerators": [...],
// "grids": [...], "pue": [...], "models": [...]}) adds records, or overrides fields of
// records with the same id. Unknown values are null, never guessed.

#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include "hardware_db/errors.h"

namespace scaleplan::hardware_db {

// Accelerator memory is sold in binary gigabytes: a datasheet's "80 GB" of
// HBM3 on an H100 is 80 GiB (nvidia-smi shows 81,559 MiB usable; the A100
// 80GB 81,920 MiB, the A100 40GB 40,960 MiB), AMD's 192 GB MI300X is eight
// 24 GiB stacks, Google states TPU memory in GiB. memory_gb is read this
// way everywhere, through this one conversion. GDDR parts with ECC on (L4,
// L40S, A10G) expose about 1/16 less than their GiB (an L40S: 46,068 MiB).
inline constexpr double kBytesPerMemoryGb = 1024.0 * 1024.0 * 1024.0;
inline double memory_gb_to_bytes(double memory_gb) { return memory_gb * kBytesPerMemoryGb; }
// What users read beside a datasheet's figure: the same binary unit, as GiB.
inline double bytes_to_gib(double bytes) { return bytes / kBytesPerMemoryGb; }

struct Accelerator {
  std::string id, name, vendor, form_factor;
  // What users type for the family ("h100", "v5p"); unique across records.
  std::vector<std::string> aliases;
  int year = 0;
  std::optional<double> bf16_tflops, fp16_tflops, fp8_tflops;  // dense peak
  std::optional<double> memory_gb, bandwidth_tbps, tdp_w;      // memory: datasheet GB, read as GiB
  // Model FLOPs utilisation for LLM training: typical forecasts billed
  // GPU-hours; low..high is the band (see mfu_basis).
  std::optional<double> mfu_low, mfu_typical, mfu_high;
  std::string mfu_evidence, mfu_basis;
  std::optional<double> power_fraction;  // average training power / TDP
  std::string power_fraction_evidence;
  std::optional<double> host_overhead;  // (CPU + RAM energy) / GPU energy
  std::string host_overhead_evidence;
  std::optional<double> embodied_kgco2e;  // manufacturing, per accelerator
  std::string embodied_basis;
  // Links of one accelerator, per direction: the scale-up domain of
  // node_size accelerators (NVLink, xGMI, ICI) and the scale-out network
  // (InfiniBand, RoCE, DCN) share per accelerator, in Gbit/s.
  std::optional<int> node_size;
  std::optional<double> intra_node_gbps, inter_node_gbps;
  std::string links_source;
  // Achievable dense GEMM rate = max_efficiency x peak x I / (I + half_intensity),
  // I the GEMM's arithmetic intensity in FLOP per byte moved (BF16).
  std::optional<double> gemm_max_efficiency, gemm_half_intensity;
  // Whether fused (Flash) attention kernels exist for the part.
  bool fused_attention = true;
  std::string gemm_source;
  // Measured rates of the fused attention kernel (attention.kernel, head
  // dim 128, causal) by sequence length, FLOP/s counted as the kernel's
  // authors count them (forward 4 s^2 d per head, halved when causal;
  // backward 2.5x forward). Empty: attention runs at the GEMM rate.
  struct AttentionRate {
    double seq_len = 0, forward_tflops = 0, backward_tflops = 0;
  };
  std::vector<AttentionRate> attention_rates;
  std::string attention_kernel, attention_source;
  std::string source, confidence, notes;
  std::string origin;  // "embedded" or the file that last changed it

  // The dense peak used for training: BF16, else FP16.
  std::optional<double> training_peak_tflops() const { return bf16_tflops ? bf16_tflops : fp16_tflops; }
  // memory_gb in bytes (kBytesPerMemoryGb).
  std::optional<double> memory_bytes() const {
    if (!memory_gb) return std::nullopt;
    return memory_gb_to_bytes(*memory_gb);
  }
};

enum class GridScope { kWorld, kCountry, kCloudRegion };

struct GridRegion {
  std::string id;  // "world", "DEU", "aws:us-east-1"
  GridScope scope = GridScope::kCountry;
  std::string name, alpha2, alpha3, provider, region;
  std::string continent;             // UN M49 region of a country
  std::vector<std::string> aliases;  // common names: "UK" for GBR
  double gco2_per_kwh = 0;
  std::optional<int> year;  // data year; unknown when the source gives none
  std::string year_text, basis, source;

  // Figures from before 2020 (or of unknown year) are flagged as old.
  bool is_old() const { return !year || *year < 2020; }
};

struct PuePreset {
  std::string id;  // "google", "aws", "azure", "meta", "industry-average", ...
  std::string operator_name;
  double pue = 0;
  std::string year, source;
};

// An open base model's shape (from its config.json and paper).
struct ModelShape {
  std::string id, name;
  double params = 0;
  std::optional<double> active_params;  // mixture of experts: per token
  int layers = 0, hidden = 0, heads = 0, kv_heads = 0, ffn = 0, vocab = 0, context = 0;
  int experts = 1;
  bool gated_mlp = true;                  // gate, up, down (SwiGLU); else up, down (GELU)
  bool tied_embeddings = false;           // the output head reuses the embedding matrix
  std::optional<double> training_tokens;  // unknown when not disclosed
  std::string licence, source;

  // Parameters in the linear layers of the transformer blocks (attention
  // projections and gated MLP, every expert), the ones LoRA and NF4 touch.
  double linear_params() const;
};

class Database {
 public:
  // The embedded data only.
  static Database embedded();
  // The embedded data, then `path` when not empty, else the file named by
  // SCALEPLAN_HARDWARE_DB when set.
  static Database load(const std::string& path);

  // Merges a user file; throws DataError naming the file and key.
  void merge_file(const std::string& path);
  void merge_json(const nlohmann::json& doc, const std::string& origin);

  const std::vector<Accelerator>& accelerators() const { return records_->accelerators; }
  // The accelerators whose id, family name or name holds `part` (any case),
  // in the database's order; every one for an empty part.
  std::vector<const Accelerator*> accelerators_matching(const std::string& part) const;
  const std::vector<GridRegion>& grids() const { return records_->grids; }
  const std::vector<PuePreset>& pue_presets() const { return records_->pue; }
  const std::vector<ModelShape>& models() const { return records_->models; }
  const ModelShape& model(const std::string& id) const;

  // Exact id or family alias (case-insensitive); throws DataError in
  // `field`, with the candidates when the name is ambiguous and "did you
  // mean" (same family or prefix first, then edit distance) otherwise.
  const Accelerator& accelerator(const std::string& id, const char* field = "hardware") const;
  // The accelerator with exactly this id (case-insensitive), or nullptr.
  const Accelerator* find_accelerator(const std::string& id) const;
  // An id, ISO alpha-2 or alpha-3 code, country name or provider:region.
  const GridRegion& region(const std::string& query) const;
  const GridRegion& world() const { return region("world"); }
  const PuePreset& pue(const std::string& id) const;
  // Regions whose id, codes, name or provider contain `text`.
  std::vector<const GridRegion*> search_regions(const std::string& text) const;

 private:
  // Raw records by kind, each with the origin that last touched it. Shared
  // between copies and replaced whole on a merge, so copying a database
  // (once per command, in-process callers included) copies no JSON.
  struct Raw {
    nlohmann::json record;
    std::string origin;
  };
  struct RawStore {
    std::vector<Raw> accelerators, grids, pue, models;
  };
  static void merge_records(const nlohmann::json& doc, const std::string& origin, RawStore& raw);
  void rebuild(const RawStore& raw);

  std::shared_ptr<const RawStore> raw_ = std::make_shared<const RawStore>();
  // The parsed records, shared between copies in the same way: a server
  // copies the database for every request.
  struct Records {
    std::vector<Accelerator> accelerators;
    std::vector<GridRegion> grids;
    std::vector<PuePreset> pue;
    std::vector<ModelShape> models;
  };
  std::shared_ptr<const Records> records_ = std::make_shared<const Records>();
};

}  // namespace scaleplan::hardware_db
