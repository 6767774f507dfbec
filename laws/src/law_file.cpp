#include "laws/law_file.h"

#include <cmath>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "laws/presets.h"

namespace scaleplan::laws {

using nlohmann::json;
using nlohmann::ordered_json;

namespace {

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

}  // namespace

Law law_from_json(const json& doc, const std::string& origin) {
  if (!doc.is_object()) fail(origin, "expected a JSON object describing a law");
  if (auto v = doc.find("schema_version"); v != doc.end()) {
    if (!v->is_number_integer() || v->get<int>() != kLawSchemaVersion) {
      fail(origin, "'schema_version' is " + v->dump() + ", expected " + std::to_string(kLawSchemaVersion));
    }
  }
  Law law;
  auto form = doc.find("form");
  if (form == doc.end()) fail(origin, "missing key 'form'");
  if (!form->is_string()) fail(origin, "'form' is " + form->dump() + ", expected a string");
  try {
    law.form = form_from_name(form->get<std::string>());
  } catch (const LawError& e) {
    fail(origin, e.what());
  }
  auto params = doc.find("parameters");
  if (params == doc.end()) fail(origin, "missing key 'parameters'");
  if (!params->is_object()) fail(origin, "'parameters' is not an object");
  const std::string p = "parameters.";
  if (law.form == Form::kIsoflop) {
    law.n_coef = number_at(*params, "N_coef", origin, p);
    law.n_exponent = number_at(*params, "N_exponent", origin, p);
    if (params->contains("flops_per_token")) {
      law.flops_per_token = number_at(*params, "flops_per_token", origin, p);
    }
    law.E = number_at(*params, "E", origin, p);
    law.A = number_at(*params, "A", origin, p);
    law.alpha = number_at(*params, "alpha", origin, p);
  } else if (law.form == Form::kKaplan) {
    law.n_c = number_at(*params, "N_c", origin, p);
    law.d_c = number_at(*params, "D_c", origin, p);
    law.alpha_n = number_at(*params, "alpha_N", origin, p);
    law.alpha_d = number_at(*params, "alpha_D", origin, p);
  } else {
    law.E = number_at(*params, "E", origin, p);
    law.A = number_at(*params, "A", origin, p);
    law.B = number_at(*params, "B", origin, p);
    law.alpha = number_at(*params, "alpha", origin, p);
    law.beta = number_at(*params, "beta", origin, p);
    if (law.form == Form::kDataConstrained) {
      law.r_d_star = number_at(*params, "R_D_star", origin, p);
      law.r_n_star = number_at(*params, "R_N_star", origin, p);
    }
  }
  auto text = [&](const char* key) -> std::string {
    auto it = doc.find(key);
    if (it == doc.end()) return "";
    if (!it->is_string()) fail(origin, std::string("'") + key + "' is not a string");
    return it->get<std::string>();
  };
  law.name = text("name");
  if (law.name.empty()) law.name = std::filesystem::path(origin).stem().string();
  law.citation = text("citation");
  law.caveat = text("caveat");
  if (auto u = doc.find("uncertainty"); u != doc.end()) read_uncertainty(*u, origin, law);

  if (auto problems = law.problems(); !problems.empty()) {
    fail(origin, "parameters." + problems.front());
  }
  return law;
}

Law load_law_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) fail(path, "cannot open the law file");
  std::stringstream buffer;
  buffer << in.rdbuf();
  json doc = json::parse(buffer.str(), nullptr, /*allow_exceptions=*/false);
  if (doc.is_discarded()) fail(path, "not valid JSON; expected a law file");
  return law_from_json(doc, path);
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
