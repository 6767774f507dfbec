#include "laws/law.h"

#include <algorithm>
#include <cmath>
#include <cstdio>

#include "number_text.h"

namespace scaleplan::laws {

const char* form_name(Form form) {
  switch (form) {
    case Form::kChinchilla:
      return "chinchilla";
    case Form::kDataConstrained:
      return "data_constrained";
    case Form::kKaplan:
      return "kaplan";
    case Form::kIsoflop:
      return "isoflop";
  }
  return "unknown";
}

Form form_from_name(const std::string& name) {
  for (Form f : {Form::kChinchilla, Form::kDataConstrained, Form::kKaplan, Form::kIsoflop}) {
    if (name == form_name(f)) return f;
  }
  throw LawError("form: '" + name +
                 "' is not a known law form (expected chinchilla, "
                 "data_constrained, kaplan or isoflop)");
}

namespace {

void require_positive(std::vector<std::string>& out, const char* key, double value) {
  if (!std::isfinite(value) || value <= 0) {
    out.push_back(std::string(key) + ": " + std::to_string(value) + " is not a positive finite number");
  }
}

// A scaling exponent: published ones lie between 0.05 and 0.8 (Kaplan et
// al. 2020 Table 2: 0.076, 0.095; Hoffmann et al. 2022 eq. 10: 0.34, 0.28;
// Besiroglu et al. 2024: 0.35, 0.37). Outside [0.01, 2] a law's optimum
// needs 10^±300 parameters and every result overflows.
void require_exponent(std::vector<std::string>& out, const char* key, double value) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%g", value);
  if (!(value >= 0.01 && value <= 2)) {
    out.push_back(std::string(key) + ": " + buf +
                  " is outside [0.01, 2], the range of a usable scaling exponent");
  }
}

}  // namespace

std::vector<std::string> Law::problems() const {
  std::vector<std::string> out;
  if (form == Form::kKaplan) {
    require_positive(out, "N_c", n_c);
    require_positive(out, "D_c", d_c);
    require_exponent(out, "alpha_N", alpha_n);
    require_exponent(out, "alpha_D", alpha_d);
    return out;
  }
  if (form == Form::kIsoflop) {
    require_positive(out, "N_coef", n_coef);
    if (!(n_exponent > 0 && n_exponent < 1)) {
      out.push_back("N_exponent: " + std::to_string(n_exponent) +
                    " is not between 0 and 1 (D* = C/(kN*) must grow with C too)");
    }
    require_positive(out, "flops_per_token", flops_per_token);
    if (!std::isfinite(E) || E < 0) out.push_back("E: " + std::to_string(E) + " is not a finite number >= 0");
    require_positive(out, "A", A);
    require_exponent(out, "alpha", alpha);
    return out;
  }
  // E may be zero in principle (a law with no irreducible term), never below.
  if (!std::isfinite(E) || E < 0) {
    out.push_back("E: " + std::to_string(E) + " is not a finite number >= 0");
  }
  require_positive(out, "A", A);
  require_positive(out, "B", B);
  require_exponent(out, "alpha", alpha);
  require_exponent(out, "beta", beta);
  if (form == Form::kDataConstrained) {
    require_positive(out, "R_D_star", r_d_star);
    require_positive(out, "R_N_star", r_n_star);
  }
  return out;
}

void Law::validate() const {
  auto p = problems();
  if (!p.empty()) throw LawError("law '" + name + "': " + p.front());
}

double allocation_constant(const Law& law) {
  return std::pow(law.alpha * law.A / (law.beta * law.B), 1.0 / (law.alpha + law.beta));
}

namespace {

double chinchilla_terms(const Law& law, double params, double tokens) {
  return law.E + law.A / std::pow(params, law.alpha) + law.B / std::pow(tokens, law.beta);
}

// Muennighoff et al. 2023, eq. 5: repeated data and excess parameters decay
// in value with the constants R_D* and R_N*. U_D is the unique data a run
// sees, min(U, D): a run shorter than the corpus sees no more of it than
// its own tokens.
double data_constrained(const Law& law, double params, double tokens, double unique_available) {
  const double unique = std::min(unique_available, tokens);
  const double g = allocation_constant(law);
  const double repeats = std::max(tokens / unique - 1.0, 0.0);
  const double eff_tokens = unique + unique * law.r_d_star * (1.0 - std::exp(-repeats / law.r_d_star));
  const double unique_params = std::min(params, g * std::pow(unique * g, law.beta / law.alpha));
  const double excess = std::max(params / unique_params - 1.0, 0.0);
  const double eff_params =
      unique_params + unique_params * law.r_n_star * (1.0 - std::exp(-excess / law.r_n_star));
  return chinchilla_terms(law, eff_params, eff_tokens);
}

double kaplan(const Law& law, double params, double tokens) {
  return std::pow(std::pow(law.n_c / params, law.alpha_n / law.alpha_d) + law.d_c / tokens, law.alpha_d);
}

}  // namespace

double loss(const Law& law, double params, double tokens, std::optional<double> unique_tokens) {
  switch (law.form) {
    case Form::kChinchilla:
      return chinchilla_terms(law, params, tokens);
    case Form::kDataConstrained:
      return data_constrained(law, params, tokens, unique_tokens ? *unique_tokens : tokens);
    case Form::kKaplan:
      return kaplan(law, params, tokens);
    case Form::kIsoflop: {
      // Only the frontier is known: off it, the loss is unknown (NaN), and
      // a comparison with it is false rather than optimistic.
      const double flops = law.flops_per_token * params * tokens;
      const double on_frontier = law.n_coef * std::pow(flops, law.n_exponent);
      if (std::fabs(std::log(params / on_frontier)) > 1e-6) return NAN;
      return law.E + law.A * std::pow(flops, -law.alpha);
    }
  }
  return NAN;
}

double loss_floor(const Law& law, double params, std::optional<double> unique_tokens) {
  switch (law.form) {
    case Form::kChinchilla:
      return law.E + law.A / std::pow(params, law.alpha);
    case Form::kDataConstrained:
      if (!unique_tokens) return law.E + law.A / std::pow(params, law.alpha);
      // Effective data saturates at U (1 + R_D*) however long one trains.
      return data_constrained(law, params, 1e300, *unique_tokens);
    case Form::kKaplan:
      return std::pow(law.n_c / params, law.alpha_n);
    case Form::kIsoflop:
      return law.E;
  }
  return NAN;
}

Law with_repetition_decay(const Law& law) {
  if (law.form == Form::kDataConstrained) return law;
  if (law.form == Form::kKaplan || law.form == Form::kIsoflop) {
    throw LawError("unique tokens: law '" + law.name + "' has " +
                   (law.form == Form::kKaplan ? "Kaplan's form" : "the IsoFLOP form") +
                   ", which has no data-repetition term; "
                   "expected a Chinchilla-form or data-constrained law");
  }
  Law out = law;
  out.form = Form::kDataConstrained;
  out.r_d_star = kMuennighoffRDStar;
  out.r_n_star = kMuennighoffRNStar;
  return out;
}

Law with_replicate(const Law& law, const std::vector<double>& r) {
  Law out = law;
  if (r.size() != 5) return out;
  if (law.form == Form::kIsoflop) {
    out.E = r[0], out.A = r[1], out.alpha = r[2], out.n_coef = r[3], out.n_exponent = r[4];
  } else {
    out.E = r[0], out.A = r[1], out.B = r[2], out.alpha = r[3], out.beta = r[4];
  }
  return out;
}

double irreducible_loss(const Law& law) { return law.form == Form::kKaplan ? 0.0 : law.E; }

namespace {

// 3 significant figures with exponents as a person types them (6.05e21).
std::string typed_number(double v) {
  std::string s = number_text(v, "%.3g");
  if (const auto e = s.find("e+"); e != std::string::npos) {
    std::size_t digits = e + 2;
    while (digits + 1 < s.size() && s[digits] == '0') ++digits;
    s = s.substr(0, e + 1) + s.substr(digits);
  }
  return s;
}

// How many times outside [lo, hi] x lies: 1 inside.
double outside_by(double x, double lo, double hi) { return x < lo ? lo / x : (x > hi ? x / hi : 1); }

}  // namespace

std::optional<std::string> range_warning(const Law& law, double params, double tokens) {
  if (!law.fitted || !(params > 0) || !(tokens > 0)) return std::nullopt;
  const FittedRange& r = *law.fitted;
  const double n_out = outside_by(params, r.params_min, r.params_max);
  const double d_out = outside_by(tokens, r.tokens_min, r.tokens_max);
  if (n_out <= kFarOutsideFactor && d_out <= kFarOutsideFactor) return std::nullopt;
  return law.name + " was fitted on " + r.source + "; " + typed_number(params) + " parameters on " +
         typed_number(tokens) + " tokens lie " + typed_number(std::max(n_out, d_out)) +
         "x outside that range, an extrapolation the law was not tested on";
}

}  // namespace scaleplan::laws
