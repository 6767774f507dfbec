#include "laws/law_file.h"

#include <cmath>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "laws/presets.h"
#include "scaleplan/input_file.h"
#include "scaleplan/strict_json.h"

namespace scaleplan::laws {

using nlohmann::json;
using nlohmann::ordered_json;

namespace {

// A law file with 4,000 bootstrap samples is ~0.45 MB; a file 30x that is
// not a law.
const InputFileKind kLawFile{"the law file", 16u << 20};

const char* const kParamKeys[] = {"E", "A", "B", "alpha", "beta"};
const char* const kIsoflopKeys[] = {"E", "A", "alpha", "N_coef", "N_exponent"};

const char* const* uncertainty_keys(const Law& law) {
  return law.form == Form::kIsoflop ? kIsoflopKeys : kParamKeys;
}

[[noreturn]] void fail(const std::string& origin, const std::string& what) {
  throw LawError(origin + ": " + what);
}

double number_at(const json& obj, const std::string& key, const std::string& origin,
                 const std::string& path) {
  auto it = obj.find(key);
  if (it == obj.end()) fail(origin, "missing key '" + path + key + "'");
  if (!it->is_number()) {
    fail(origin, "'" + path + key + "' is " + it->dump() + ", expected a number");
  }
  return it->get<double>();
}

void read_uncertainty(const json& u, const std::string& origin, Law& law) {
  if (!u.is_object()) fail(origin, "'uncertainty' is not an object");
  Uncertainty out;
  if (auto se = u.find("standard_errors"); se != u.end() && se->is_object()) {
    for (const char* const* k_it = uncertainty_keys(law); k_it != uncertainty_keys(law) + 5; ++k_it) {
      const char* k = *k_it;
      if (se->contains(k)) {
        out.standard_errors.emplace_back(k, number_at(*se, k, origin, "uncertainty.standard_errors."));
      }
    }
  }
  if (auto ci = u.find("ci95"); ci != u.end() && ci->is_object()) {
    for (const char* const* k_it = uncertainty_keys(law); k_it != uncertainty_keys(law) + 5; ++k_it) {
      const char* k = *k_it;
      if (!ci->contains(k)) continue;
      const json& pair = (*ci)[k];
      if (!pair.is_array() || pair.size() != 2 || !pair[0].is_number() || !pair[1].is_number()) {
        fail(origin, std::string("'uncertainty.ci95.") + k + "' is not a [low, high] pair of numbers");
      }
      out.ci95.emplace_back(k, std::make_pair(pair[0].get<double>(), pair[1].get<double>()));
    }
  }
  if (auto reps = u.find("replicates"); reps != u.end()) {
    if (!reps->is_array()) fail(origin, "'uncertainty.replicates' is not a list");
    for (size_t i = 0; i < reps->size(); ++i) {
      const json& r = (*reps)[i];
      std::vector<double> values;
      if (r.is_array() && r.size() == 5) {
        for (const json& v : r) {
          if (v.is_number() && std::isfinite(v.get<double>()) && v.get<double>() > 0)
            values.push_back(v.get<double>());
        }
      }
      if (values.size() != 5) {
        fail(origin,
             "'uncertainty.replicates[" + std::to_string(i) + "]' is not a list of 5 positive numbers [" +
                 (law.form == Form::kIsoflop ? "E, A, alpha, N_coef, N_exponent" : "E, A, B, alpha, beta") +
                 "]");
      }
      out.replicates.push_back(std::move(values));
    }
  }
  law.uncertainty = std::move(out);
}

// The form named by 'form'.
Form read_form(const json& doc, const std::string& origin) {
  auto form = doc.find("form");
  if (form == doc.end()) fail(origin, "missing key 'form'");
  if (!form->is_string()) fail(origin, "'form' is " + form->dump() + ", expected a string");
  try {
    return form_from_name(form->get<std::string>());
  } catch (const LawError& e) {
    fail(origin, e.what());  // the message again, naming the file
  }
}

// The parameters of the law's form, under 'parameters'.
void read_parameters(const json& doc, const std::string& origin, Law& law) {
  auto params = doc.find("parameters");
  if (params == doc.end()) fail(origin, "missing key 'parameters'");
  if (!params->is_object()) fail(origin, "'parameters' is not an object");
  auto at = [&](const char* key) { return number_at(*params, key, origin, "parameters."); };
  if (law.form == Form::kIsoflop) {
    law.n_coef = at("N_coef");
    law.n_exponent = at("N_exponent");
    if (params->contains("flops_per_token")) law.flops_per_token = at("flops_per_token");
    law.E = at("E");
    law.A = at("A");
    law.alpha = at("alpha");
  } else if (law.form == Form::kKaplan) {
    law.n_c = at("N_c");
    law.d_c = at("D_c");
    law.alpha_n = at("alpha_N");
    law.alpha_d = at("alpha_D");
  } else {
    law.E = at("E");
    law.A = at("A");
    law.B = at("B");
    law.alpha = at("alpha");
    law.beta = at("beta");
    if (law.form == Form::kDataConstrained) {
      law.r_d_star = at("R_D_star");
      law.r_n_star = at("R_N_star");
    }
  }
}

// An optional string; empty when absent.
std::string text_at(const json& doc, const char* key, const std::string& origin) {
  auto it = doc.find(key);
  if (it == doc.end()) return "";
  if (!it->is_string()) fail(origin, std::string("'") + key + "' is not a string");
  return it->get<std::string>();
}

}  // namespace

Law law_from_json(const json& doc, const std::string& origin) {
  if (!doc.is_object()) fail(origin, "expected a JSON object describing a law");
  if (auto v = doc.find("schema_version"); v != doc.end()) {
    if (!v->is_number_integer() || v->get<int>() != kLawSchemaVersion) {
      fail(origin, "'schema_version' is " + v->dump() + ", expected " + std::to_string(kLawSchemaVersion));
    }
  }
  Law law;
  law.form = read_form(doc, origin);
  read_parameters(doc, origin, law);
  law.name = text_at(doc, "name", origin);
  if (law.name.empty()) law.name = std::filesystem::path(origin).stem().string();
  law.citation = text_at(doc, "citation", origin);
  law.caveat = text_at(doc, "caveat", origin);
  if (auto u = doc.find("uncertainty"); u != doc.end()) read_uncertainty(*u, origin, law);
  if (auto problems = law.problems(); !problems.empty()) {
    fail(origin, "parameters." + problems.front());
  }
  return law;
}

Law load_law_file(const std::string& path) {
  auto read = parse_strict_json(read_input_file<LawError>(path, kLawFile));
  if (!read.problem.empty()) fail(path, read.problem);
  if (read.doc.is_discarded()) fail(path, "not valid JSON; expected a law file");
  return law_from_json(read.doc, path);
}

ordered_json law_to_json(const Law& law) {
  ordered_json out;
  out["schema_version"] = kLawSchemaVersion;
  out["name"] = law.name;
  out["form"] = form_name(law.form);
  ordered_json p;
  if (law.form == Form::kIsoflop) {
    p["N_coef"] = law.n_coef;
    p["N_exponent"] = law.n_exponent;
    p["flops_per_token"] = law.flops_per_token;
    p["E"] = law.E;
    p["A"] = law.A;
    p["alpha"] = law.alpha;
  } else if (law.form == Form::kKaplan) {
    p["N_c"] = law.n_c;
    p["D_c"] = law.d_c;
    p["alpha_N"] = law.alpha_n;
    p["alpha_D"] = law.alpha_d;
  } else {
    p["E"] = law.E;
    p["A"] = law.A;
    p["B"] = law.B;
    p["alpha"] = law.alpha;
    p["beta"] = law.beta;
    if (law.form == Form::kDataConstrained) {
      p["R_D_star"] = law.r_d_star;
      p["R_N_star"] = law.r_n_star;
    }
  }
  out["parameters"] = p;
  out["citation"] = law.citation;
  out["caveat"] = law.caveat;
  if (law.uncertainty) {
    ordered_json u;
    ordered_json se = ordered_json::object(), ci = ordered_json::object();
    for (const auto& [k, v] : law.uncertainty->standard_errors) se[k] = v;
    for (const auto& [k, v] : law.uncertainty->ci95) ci[k] = {v.first, v.second};
    u["standard_errors"] = se;
    u["ci95"] = ci;
    u["replicates"] = law.uncertainty->replicates;
    out["uncertainty"] = u;
  }
  return out;
}

Law resolve_law(const std::string& name_or_path) {
  for (const Law& law : presets()) {
    if (law.name == name_or_path) return law;
  }
  // Anything that looks like a path is read as a file; else it was a
  // mistyped preset name, and the preset error lists the valid names.
  if (name_or_path.find('/') != std::string::npos || name_or_path.find(".json") != std::string::npos ||
      std::filesystem::exists(name_or_path)) {
    return load_law_file(name_or_path);
  }
  return preset(name_or_path);
}

}  // namespace scaleplan::laws
