#include "hardware_db/database.h"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <tuple>
#include <unordered_map>

#include "edit_distance.h"
#include "hardware_db/embedded_data.h"
#include "scaleplan/input_file.h"
#include "scaleplan/strict_json.h"

namespace scaleplan::hardware_db {

using nlohmann::json;

namespace {

// 10,000 accelerator records are ~3 MB.
const InputFileKind kDatabaseFile{"the hardware database file", 32u << 20};

std::string lower(std::string s) {
  for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

// lower(s) == want, for a `want` already lower-case, without a copy.
bool lower_equals(const std::string& s, const std::string& want) {
  if (s.size() != want.size()) return false;
  for (size_t i = 0; i < s.size(); ++i) {
    if (static_cast<char>(std::tolower(static_cast<unsigned char>(s[i]))) != want[i]) return false;
  }
  return true;
}

// Reads typed fields of one record; errors name origin, record and key.
class Fields {
 public:
  Fields(const json& obj, std::string where) : obj_(obj), where_(std::move(where)) {}

  [[noreturn]] void fail(const std::string& key, const std::string& what) const {
    throw DataError(where_ + "." + key + ": " + what);
  }

  std::string text(const std::string& key, bool required = false) const {
    auto it = obj_.find(key);
    if (it == obj_.end() || it->is_null()) {
      if (required) fail(key, "missing; expected a string");
      return "";
    }
    if (!it->is_string()) fail(key, it->dump() + " is not a string");
    return it->get<std::string>();
  }

  // A finite number in [lo, hi] (lo excluded when open_lo), or null/absent.
  std::optional<double> number(const std::string& key, double lo, double hi, bool open_lo,
                               bool required = false) const {
    auto it = obj_.find(key);
    if (it == obj_.end() || it->is_null()) {
      if (required) fail(key, "missing; expected a number");
      return std::nullopt;
    }
    if (!it->is_number()) fail(key, it->dump() + " is not a number");
    const double v = it->get<double>();
    const bool below = open_lo ? !(v > lo) : !(v >= lo);
    if (!std::isfinite(v) || below || v > hi) {
      char range[96];
      std::snprintf(range, sizeof range, "expected a number in %s%g, %g]", open_lo ? "(" : "[", lo, hi);
      fail(key, it->dump() + " is out of range; " + range);
    }
    return v;
  }

  bool flag(const std::string& key, bool fallback) const {
    auto it = obj_.find(key);
    if (it == obj_.end() || it->is_null()) return fallback;
    if (!it->is_boolean()) fail(key, it->dump() + " is not true or false");
    return it->get<bool>();
  }

  // A list of non-empty strings, or empty when absent.
  std::vector<std::string> strings(const std::string& key) const {
    std::vector<std::string> out;
    auto it = obj_.find(key);
    if (it == obj_.end() || it->is_null()) return out;
    if (!it->is_array()) fail(key, it->dump() + " is not a list of strings");
    for (const json& v : *it) {
      if (!v.is_string() || v.get<std::string>().empty()) fail(key, v.dump() + " is not a non-empty string");
      out.push_back(v.get<std::string>());
    }
    return out;
  }

  // A non-empty list of finite numbers in (lo, hi], or empty when absent.
  std::vector<double> numbers(const std::string& key, double lo, double hi) const {
    std::vector<double> out;
    auto it = obj_.find(key);
    if (it == obj_.end() || it->is_null()) return out;
    if (!it->is_array() || it->empty()) fail(key, it->dump().substr(0, 60) + " is not a list of numbers");
    for (const json& v : *it) {
      if (!v.is_number() || !std::isfinite(v.get<double>()) || !(v.get<double>() > lo) ||
          v.get<double>() > hi) {
        char range[96];
        std::snprintf(range, sizeof range, "expected numbers in (%g, %g]", lo, hi);
        fail(key, v.dump().substr(0, 40) + " is out of range; " + range);
      }
      out.push_back(v.get<double>());
    }
    return out;
  }

  Fields sub(const std::string& key) const {
    static const json kEmpty = json::object();
    auto it = obj_.find(key);
    if (it == obj_.end() || it->is_null()) return Fields(kEmpty, where_ + "." + key);
    if (!it->is_object()) fail(key, "is not an object");
    return Fields(*it, where_ + "." + key);
  }

 private:
  const json& obj_;
  std::string where_;
};

constexpr double kBig = 1e12;

// The fused attention kernel's measured rates: equal-length lists of
// sequence lengths (increasing) and forward and backward TFLOP/s.
void parse_attention(const Fields& f, Accelerator& a) {
  const Fields att = f.sub("attention");
  const std::vector<double> seq = att.numbers("seq_len", 0, 1e8), fwd = att.numbers("forward_tflops", 0, 1e6),
                            bwd = att.numbers("backward_tflops", 0, 1e6);
  if (seq.empty() && fwd.empty() && bwd.empty()) return;
  if (seq.size() != fwd.size() || seq.size() != bwd.size())
    att.fail("seq_len", "seq_len, forward_tflops and backward_tflops must have the same length");
  for (size_t i = 0; i < seq.size(); ++i) {
    if (i > 0 && seq[i] <= seq[i - 1]) att.fail("seq_len", "is not increasing");
    const std::optional<double> peak = a.training_peak_tflops();
    if (peak && (fwd[i] > *peak || bwd[i] > *peak))
      att.fail("forward_tflops", "a rate is above the part's peak");
    a.attention_rates.push_back({seq[i], fwd[i], bwd[i]});
  }
  a.attention_kernel = att.text("kernel", true);
  a.attention_source = att.text("source", true);
}

Accelerator parse_accelerator(const Fields& f, const std::string& id, const std::string& origin) {
  Accelerator a;
  a.id = id;
  a.origin = origin;
  a.name = f.text("name", true);
  a.aliases = f.strings("aliases");
  a.vendor = f.text("vendor");
  a.form_factor = f.text("form_factor");
  a.year = static_cast<int>(f.number("year", 0, 3000, false).value_or(0));
  const Fields peak = f.sub("peak_tflops");
  a.bf16_tflops = peak.number("bf16", 0, 1e6, true);
  a.fp16_tflops = peak.number("fp16", 0, 1e6, true);
  a.fp8_tflops = peak.number("fp8", 0, 1e6, true);
  if (!a.training_peak_tflops()) peak.fail("bf16", "missing; expected a BF16 or FP16 dense peak in TFLOP/s");
  a.memory_gb = f.number("memory_gb", 0, 1e6, true);
  a.bandwidth_tbps = f.number("bandwidth_tbps", 0, 1e4, true);
  a.tdp_w = f.number("tdp_w", 0, 1e6, true);
  const Fields mfu = f.sub("mfu");
  a.mfu_low = mfu.number("low", 0, 1, true);
  a.mfu_typical = mfu.number("typical", 0, 1, true);
  a.mfu_high = mfu.number("high", 0, 1, true);
  a.mfu_evidence = mfu.text("evidence");
  a.mfu_basis = mfu.text("basis");
  if (a.mfu_low && a.mfu_typical && *a.mfu_low > *a.mfu_typical) mfu.fail("low", "is above mfu.typical");
  if (a.mfu_high && a.mfu_typical && *a.mfu_high < *a.mfu_typical) mfu.fail("high", "is below mfu.typical");
  a.power_fraction = f.number("power_fraction", 0, 1.5, true);
  a.power_fraction_evidence = f.text("power_fraction_evidence");
  a.host_overhead = f.number("host_overhead", 0, 10, false);
  a.host_overhead_evidence = f.text("host_overhead_evidence");
  a.embodied_kgco2e = f.number("embodied_kgco2e", 0, kBig, false);
  a.embodied_basis = f.text("embodied_basis");
  const Fields links = f.sub("links");
  if (auto n = links.number("node_size", 1, 1e6, false)) a.node_size = static_cast<int>(*n);
  a.intra_node_gbps = links.number("intra_node_gbps", 0, 1e6, true);
  a.inter_node_gbps = links.number("inter_node_gbps", 0, 1e6, true);
  a.links_source = links.text("source");
  const Fields gemm = f.sub("gemm");
  a.gemm_max_efficiency = gemm.number("max_efficiency", 0, 1, true);
  a.gemm_half_intensity = gemm.number("half_intensity_flop_per_byte", 0, 1e6, false);
  a.fused_attention = gemm.flag("fused_attention", true);
  a.gemm_source = gemm.text("source");
  parse_attention(f, a);
  a.source = f.text("source", true);
  a.confidence = f.text("confidence");
  a.notes = f.text("notes");
  return a;
}

GridRegion parse_grid(const Fields& f, const std::string& id) {
  GridRegion g;
  g.id = id;
  const std::string scope = f.text("scope", true);
  if (scope == "world")
    g.scope = GridScope::kWorld;
  else if (scope == "country")
    g.scope = GridScope::kCountry;
  else if (scope == "cloud_region")
    g.scope = GridScope::kCloudRegion;
  else
    f.fail("scope", "'" + scope + "' is not world, country or cloud_region");
  g.name = f.text("name", true);
  g.alpha2 = f.text("alpha2");
  g.alpha3 = f.text("alpha3");
  g.provider = f.text("provider");
  g.region = f.text("region");
  g.continent = f.text("continent");
  g.aliases = f.strings("aliases");
  g.gco2_per_kwh = *f.number("gco2_per_kwh", 0, 1e5, false, true);
  if (auto y = f.number("year", 1900, 2200, false)) g.year = static_cast<int>(*y);
  g.year_text = f.text("year_text");
  g.basis = f.text("basis");
  g.source = f.text("source", true);
  return g;
}

PuePreset parse_pue(const Fields& f, const std::string& id) {
  PuePreset p;
  p.id = id;
  p.operator_name = f.text("operator");
  p.pue = *f.number("pue", 1, 10, false, true);
  p.year = f.text("year");
  p.source = f.text("source", true);
  return p;
}

ModelShape parse_model(const Fields& f, const std::string& id) {
  ModelShape m;
  m.id = id;
  m.name = f.text("name", true);
  m.params = *f.number("params", 0, 1e16, true, true);
  m.active_params = f.number("active_params", 0, 1e16, true);
  auto count = [&](const char* key) { return static_cast<int>(*f.number(key, 0, 1e9, true, true)); };
  m.layers = count("layers");
  m.hidden = count("hidden");
  m.heads = count("heads");
  m.kv_heads = count("kv_heads");
  m.ffn = count("ffn");
  m.vocab = count("vocab");
  m.context = count("context");
  m.experts = static_cast<int>(f.number("experts", 0, 1e6, true).value_or(1));
  m.training_tokens = f.number("training_tokens", 0, 1e18, true);
  m.gated_mlp = f.flag("gated_mlp", true);
  m.tied_embeddings = f.flag("tie_word_embeddings", false);
  m.licence = f.text("licence");
  m.source = f.text("source", true);
  if (m.kv_heads > m.heads) f.fail("kv_heads", "is larger than heads");
  return m;
}

json parse_file(const std::string& path) {
  auto read = parse_strict_json(read_input_file<DataError>(path, kDatabaseFile));
  if (!read.problem.empty()) throw DataError(path + ": " + read.problem);
  if (read.doc.is_discarded()) throw DataError(path + ": not valid JSON; expected a hardware database file");
  return read.doc;
}

}  // namespace

Database Database::embedded() {
  // Parsed once per process: the Python module and the server ask for it
  // on every call, and a copy costs a fraction of a parse.
  static const Database parsed = [] {
    Database db;
    std::string text;
    for (const char* piece : detail::kEmbeddedData) {
      if (piece != nullptr) {
        text += piece;
        continue;
      }
      db.merge_json(json::parse(text), "embedded");
      text.clear();
    }
    return db;
  }();
  return parsed;
}

Database Database::load(const std::string& path) {
  Database db = embedded();
  if (!path.empty()) {
    db.merge_file(path);
  } else if (const char* env = std::getenv("SCALEPLAN_HARDWARE_DB"); env != nullptr && *env != '\0') {
    db.merge_file(env);
  }
  return db;
}

void Database::merge_file(const std::string& path) { merge_json(parse_file(path), path); }

void Database::merge_json(const json& doc, const std::string& origin) {
  if (!doc.is_object())
    throw DataError(origin + ": expected a JSON object with accelerators, grids or pue lists");
  // All or nothing: a file that fails validation leaves the database as it was.
  auto next = std::make_shared<RawStore>(*raw_);
  merge_records(doc, origin, *next);
  rebuild(*next);
  raw_ = std::move(next);
}

void Database::merge_records(const json& doc, const std::string& origin, RawStore& raw) {
  bool any = false;
  for (auto [key, target] : {std::pair{"accelerators", &raw.accelerators}, std::pair{"grids", &raw.grids},
                             std::pair{"pue", &raw.pue}, std::pair{"models", &raw.models}}) {
    auto it = doc.find(key);
    if (it == doc.end()) continue;
    any = true;
    if (!it->is_array()) throw DataError(origin + ": " + key + " is not a list");
    std::unordered_map<std::string, size_t> index;
    for (size_t i = 0; i < target->size(); ++i)
      index[lower((*target)[i].record["id"].get<std::string>())] = i;
    // A file overrides earlier ones by id; twice in one file, which should win is a guess.
    std::unordered_map<std::string, size_t> in_this_file;
    for (size_t i = 0; i < it->size(); ++i) {
      const json& rec = (*it)[i];
      const std::string where = origin + ": " + key + "[" + std::to_string(i) + "]";
      if (!rec.is_object()) throw DataError(where + ": expected an object");
      auto id = rec.find("id");
      if (id == rec.end() || !id->is_string() || id->get<std::string>().empty()) {
        throw DataError(where + ".id: missing; expected a non-empty string");
      }
      const std::string k = lower(id->get<std::string>());
      if (auto [seen, fresh] = in_this_file.emplace(k, i); !fresh) {
        throw DataError(where + ".id: '" + id->get<std::string>() + "' repeats " + key + "[" +
                        std::to_string(seen->second) + "]; expected each id once per file");
      }
      if (auto found = index.find(k); found != index.end()) {
        (*target)[found->second].record.merge_patch(rec);
        (*target)[found->second].origin = origin;
      } else {
        index[k] = target->size();
        target->push_back({rec, origin});
      }
    }
  }
  if (!any) throw DataError(origin + ": no accelerators, grids, pue or models list found");
}

// Parses every record into fresh lists and replaces the current ones only
// when all of them are valid.
void Database::rebuild(const RawStore& raw) {
  auto next = std::make_shared<Records>();
  auto& [accelerators, grids, pue, models] = *next;
  auto where = [](const Raw& r, const char* kind) {
    return r.origin + ": " + kind + " '" + r.record["id"].get<std::string>() + "'";
  };
  for (const Raw& r : raw.accelerators) {
    accelerators.push_back(parse_accelerator(Fields(r.record, where(r, "accelerator")),
                                             r.record["id"].get<std::string>(), r.origin));
  }
  for (const Raw& r : raw.grids) {
    grids.push_back(parse_grid(Fields(r.record, where(r, "grid")), r.record["id"].get<std::string>()));
  }
  for (const Raw& r : raw.pue) {
    pue.push_back(parse_pue(Fields(r.record, where(r, "pue")), r.record["id"].get<std::string>()));
  }
  for (const Raw& r : raw.models) {
    models.push_back(parse_model(Fields(r.record, where(r, "model")), r.record["id"].get<std::string>()));
  }
  records_ = std::move(next);
}

namespace {

// "; did you mean 'x'?" for the nearest candidate, else a pointer to the
// command that lists them all.
std::string hint(const std::string& query, const std::vector<std::string>& candidates, const char* listing) {
  const auto near = detail::suggestions(query, candidates);
  return near.empty() ? std::string(" (see `") + listing + "`)" : "; did you mean '" + near.front() + "'?";
}

// The record whose id matches case-insensitively; throws DataError naming
// the option, with the nearest ids.
template <typename Record>
const Record& find_by_id(const std::vector<Record>& records, const std::string& id, const char* field,
                         const char* what, const char* listing) {
  // Ids are unique ignoring case: an exact match is the one a case-blind
  // search finds, and forecasts look presets up by the thousand per plan.
  for (const Record& r : records) {
    if (r.id == id) return r;
  }
  const std::string want = lower(id);
  std::vector<std::string> ids;
  for (const Record& r : records) {
    if (lower_equals(r.id, want)) return r;
    ids.push_back(r.id);
  }
  throw DataError(Field{field}, "'" + id + "' is not " + what + hint(id, ids, listing));
}

}  // namespace

const Accelerator& Database::accelerator(const std::string& id, const char* field) const {
  // Ids are unique ignoring case, so an exact match is the one the loop
  // below would find; planners look ids up by the thousand per plan.
  for (const Accelerator& a : accelerators()) {
    if (a.id == id) return a;
  }
  const std::string want = lower(id);
  std::vector<const Accelerator*> by_alias, by_prefix;
  for (const Accelerator& a : accelerators()) {
    if (lower(a.id) == want) return a;
    for (const std::string& alias : a.aliases) {
      if (lower(alias) == want) by_alias.push_back(&a);
    }
    if (!want.empty() && lower(a.id).rfind(want, 0) == 0) by_prefix.push_back(&a);
  }
  if (by_alias.size() == 1) return *by_alias.front();
  const auto& several = by_alias.empty() ? by_prefix : by_alias;
  if (several.size() > 1) {
    std::string names;
    for (const Accelerator* a : several) names += (names.empty() ? "" : ", ") + a->id;
    throw DataError(Field{field}, shown_value(id) + " names several accelerators (" + names + "); give one");
  }
  std::vector<std::string> ids;
  for (const Accelerator& a : accelerators()) ids.push_back(a.id);
  throw DataError(Field{field},
                  shown_value(id) + " is not a known accelerator" + hint(id, ids, "scaleplan hardware list"));
}

std::vector<const Accelerator*> Database::accelerators_matching(const std::string& part) const {
  const std::string p = lower(part);
  const auto holds = [&](const std::string& text) { return lower(text).find(p) != std::string::npos; };
  std::vector<const Accelerator*> out;
  for (const Accelerator& a : accelerators()) {
    if (holds(a.id) || holds(a.name) || std::any_of(a.aliases.begin(), a.aliases.end(), holds))
      out.push_back(&a);
  }
  return out;
}

const Accelerator* Database::find_accelerator(const std::string& id) const {
  const std::string want = lower(id);
  for (const Accelerator& a : accelerators()) {
    if (lower(a.id) == want) return &a;
  }
  return nullptr;
}

const GridRegion& Database::region(const std::string& query) const {
  const std::string want = lower(query);
  for (const GridRegion& g : grids()) {
    if (lower_equals(g.id, want) || (!g.alpha2.empty() && lower_equals(g.alpha2, want)) ||
        (!g.alpha3.empty() && lower_equals(g.alpha3, want)) ||
        (g.scope != GridScope::kCloudRegion && lower_equals(g.name, want))) {
      return g;
    }
    for (const std::string& a : g.aliases) {
      if (lower_equals(a, want)) return g;
    }
  }
  std::vector<std::string> names;
  for (const GridRegion& g : grids()) {
    names.push_back(g.id);
    if (g.scope == GridScope::kCountry) names.push_back(g.name);
  }
  throw DataError(Field{"region"}, shown_value(query) +
                                       " is not a known country code, country or provider:region" +
                                       hint(query, names, "scaleplan regions"));
}

double ModelShape::linear_params() const {
  const double head_dim = static_cast<double>(hidden) / heads;
  const double attention = 2.0 * hidden * hidden + 2.0 * hidden * kv_heads * head_dim;  // q, o; k, v
  const double mlp = (gated_mlp ? 3.0 : 2.0) * hidden * ffn * experts;                  // per expert
  return layers * (attention + mlp);
}

const ModelShape& Database::model(const std::string& id) const {
  return find_by_id(models(), id, "model", "in the model catalogue", "scaleplan models");
}

const PuePreset& Database::pue(const std::string& id) const {
  return find_by_id(pue_presets(), id, "pue", "a known PUE preset", "scaleplan forecast --help");
}

namespace {

// Lower-case words of letters and digits: "aws:us-east-1" -> aws, us, east, 1.
std::vector<std::string> words(const std::string& text) {
  std::vector<std::string> out(1);
  for (char c : text) {
    if (std::isalnum(static_cast<unsigned char>(c))) {
      out.back() += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    } else if (!out.back().empty()) {
      out.emplace_back();
    }
  }
  if (out.back().empty()) out.pop_back();
  return out;
}

// A query word matches a whole word, or starts one when it has four letters
// or more: "DE" finds Germany, not Sweden or Delhi; "germ" finds Germany.
bool word_matches(const std::string& query, const std::vector<std::string>& hay) {
  for (const std::string& w : hay) {
    if (w == query || (query.size() >= 4 && w.rfind(query, 0) == 0)) return true;
  }
  return false;
}

}  // namespace

std::vector<const GridRegion*> Database::search_regions(const std::string& text) const {
  const std::vector<std::string> want = words(text);
  std::vector<const GridRegion*> out;
  for (const GridRegion& g : grids()) {
    std::string all = g.id + " " + g.alpha2 + " " + g.alpha3 + " " + g.name + " " + g.provider + " " +
                      g.region + " " + g.continent;
    for (const std::string& a : g.aliases) all += " " + a;
    const std::vector<std::string> hay = words(all);
    bool every = true;
    for (const std::string& w : want) every = every && word_matches(w, hay);
    if (every) out.push_back(&g);
  }
  return out;
}

}  // namespace scaleplan::hardware_db
