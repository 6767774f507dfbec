#include "hardware_db/records_json.h"

namespace scaleplan::hardware_db {

using nlohmann::ordered_json;

namespace {

template <typename T>
ordered_json or_null(const std::optional<T>& v) {
  return v ? ordered_json(*v) : ordered_json(nullptr);
}

ordered_json mfu_json(const Accelerator& a) {
  return {{"low", or_null(a.mfu_low)},
          {"typical", or_null(a.mfu_typical)},
          {"high", or_null(a.mfu_high)},
          {"evidence", a.mfu_evidence},
          {"basis", a.mfu_basis}};
}

}  // namespace

ordered_json accelerator_json(const Accelerator& a) {
  ordered_json j;
  j["id"] = a.id;
  j["name"] = a.name;
  j["aliases"] = a.aliases;
  j["vendor"] = a.vendor;
  j["year"] = a.year;
  j["peak_tflops"] = {
      {"bf16", or_null(a.bf16_tflops)}, {"fp16", or_null(a.fp16_tflops)}, {"fp8", or_null(a.fp8_tflops)}};
  j["memory_gb"] = or_null(a.memory_gb);
  j["bandwidth_tbps"] = or_null(a.bandwidth_tbps);
  j["tdp_w"] = or_null(a.tdp_w);
  j["mfu"] = mfu_json(a);
  j["power_fraction"] = or_null(a.power_fraction);
  j["power_fraction_evidence"] = a.power_fraction_evidence;
  j["host_overhead"] = or_null(a.host_overhead);
  j["embodied_kgco2e"] = or_null(a.embodied_kgco2e);
  j["embodied_basis"] = a.embodied_basis;
  j["source"] = a.source;
  j["confidence"] = a.confidence;
  j["notes"] = a.notes;
  j["origin"] = a.origin;
  return j;
}

const char* scope_name(GridScope s) {
  switch (s) {
    case GridScope::kWorld:
      return "world";
    case GridScope::kCountry:
      return "country";
    case GridScope::kCloudRegion:
      return "cloud_region";
  }
  return "";
}

ordered_json grid_json(const GridRegion& g) {
  ordered_json j;
  j["id"] = g.id;
  j["scope"] = scope_name(g.scope);
  j["name"] = g.name;
  if (!g.alpha2.empty()) j["alpha2"] = g.alpha2;
  if (!g.alpha3.empty()) j["alpha3"] = g.alpha3;
  if (!g.continent.empty()) j["continent"] = g.continent;
  if (!g.aliases.empty()) j["aliases"] = g.aliases;
  j["gco2_per_kwh"] = g.gco2_per_kwh;
  j["year"] = or_null(g.year);
  j["old"] = g.is_old();
  j["basis"] = g.basis;
  j["source"] = g.source;
  return j;
}

ordered_json model_json(const ModelShape& m) {
  return {{"id", m.id},           {"name", m.name},
          {"params", m.params},   {"active_params", or_null(m.active_params)},
          {"layers", m.layers},   {"hidden", m.hidden},
          {"heads", m.heads},     {"kv_heads", m.kv_heads},
          {"ffn", m.ffn},         {"vocab", m.vocab},
          {"context", m.context}, {"training_tokens", or_null(m.training_tokens)},
          {"licence", m.licence}, {"source", m.source}};
}

}  // namespace scaleplan::hardware_db
