#pragma once
// Loss models of language-model pre-training, L(N, D) in nats per token,
// with N the parameter count and D the training tokens.
//
//   chinchilla        L = E + A/N^alpha + B/D^beta
//                     Hoffmann et al. 2022, "Training Compute-Optimal Large
//                     Language Models", eq. 2.
//   data_constrained  L = E + A/N'^alpha + B/D'^beta, with U unique tokens,
//                     R_D = max(D/U - 1, 0), D' = U + U R_D* (1 - e^(-R_D/R_D*)),
//                     U_N = min(N, N_opt(U)), N_opt(U) = G (U G)^(beta/alpha),
//                     R_N = max(N/U_N - 1, 0), N' = U_N + U_N R_N* (1 - e^(-R_N/R_N*)).
//                     Muennighoff et al. 2023, "Scaling Data-Constrained
//                     Language Models", eq. 5 and App. A.
//   kaplan            L = [(N_c/N)^(alpha_N/alpha_D) + D_c/D]^alpha_D
//                     Kaplan et al. 2020, "Scaling Laws for Neural Language
//                     Models", eq. 1.5 (N counts non-embedding parameters).
//   isoflop           no L(N, D): the compute-optimal frontier itself,
//                     N*(C) = a C^b, D*(C) = C / (k N*(C)), L*(C) = E + A C^-alpha,
//                     with k FLOPs per parameter per token (6 by default).
//                     Hoffmann et al. 2022, approach 2; Porian et al. 2024,
//                     "Resolving Discrepancies in Compute-Optimal Scaling", Sec. 2.
//                     Off the frontier the loss is unknown (NaN).
//
// G = (alpha A / (beta B))^(1/(alpha+beta)) is the Chinchilla allocation
// constant: the compute-optimal N = G (C/6)^(beta/(alpha+beta)).

#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include "laws/errors.h"

namespace scaleplan::laws {

enum class Form { kChinchilla, kDataConstrained, kKaplan, kIsoflop };

const char* form_name(Form form);
// Throws LawError naming the valid forms.
Form form_from_name(const std::string& name);

// Bootstrap uncertainty carried by a fitted law (see fit.h).
struct Uncertainty {
  // Standard errors and 95% percentile intervals, keyed E, A, B, alpha, beta
  // (isoflop: E, A, alpha, N_coef, N_exponent).
  std::vector<std::pair<std::string, double>> standard_errors;
  std::vector<std::pair<std::string, std::pair<double, double>>> ci95;
  // Each replicate: {E, A, B, alpha, beta} (isoflop: {E, A, alpha, N_coef,
  // N_exponent}); plans re-evaluate with each (see with_replicate).
  std::vector<std::vector<double>> replicates;
};

// The parameters and tokens of the runs a law was fitted on, with where
// the figures are stated.
struct FittedRange {
  double params_min = 0, params_max = 0, tokens_min = 0, tokens_max = 0;
  std::string source;
};

struct Law {
  std::string name;
  Form form = Form::kChinchilla;

  // chinchilla and data_constrained
  double E = 0, A = 0, B = 0, alpha = 0, beta = 0;
  // data_constrained only
  double r_d_star = 0, r_n_star = 0;
  // kaplan only
  double n_c = 0, d_c = 0, alpha_n = 0, alpha_d = 0;
  // isoflop only: N*(C) = n_coef C^n_exponent; E, A, alpha hold L*(C).
  double n_coef = 0, n_exponent = 0, flops_per_token = 6;

  std::string citation;
  std::string caveat;
  std::optional<Uncertainty> uncertainty;
  std::optional<FittedRange> fitted;  // unknown for a law file without one

  // Lists what is wrong (non-finite or non-positive constants); empty if valid.
  std::vector<std::string> problems() const;
  // Throws LawError with the first problem.
  void validate() const;
};

// How far outside its fitted runs a law is used before a prediction is
// flagged: a tenfold extrapolation in N or D.
inline constexpr double kFarOutsideFactor = 10;

// A warning when N or D lies more than kFarOutsideFactor outside the law's
// fitted range; nothing when inside it or when the range is unknown.
std::optional<std::string> range_warning(const Law& law, double params, double tokens);

// The Chinchilla allocation constant G (chinchilla and data_constrained).
double allocation_constant(const Law& law);

// L(N, D), and L(N, D, U) for data-constrained laws. Without unique_tokens
// every token is unique (U = D). Arguments must be positive and finite.
// For isoflop laws this is L*(kND) when N is the compute-optimal size for
// that compute, and NaN (unknown) anywhere else.
double loss(const Law& law, double params, double tokens, std::optional<double> unique_tokens = std::nullopt);

// The loss N parameters approach with unlimited training tokens
// (E + A/N^alpha for the Chinchilla form; E, a lower bound, for isoflop).
double loss_floor(const Law& law, double params, std::optional<double> unique_tokens = std::nullopt);

// Muennighoff et al. 2023, arXiv:2305.16264, App. A: the fitted half-lives
// of repeated tokens (R_D*) and of excess parameters (R_N*).
inline constexpr double kMuennighoffRDStar = 15.387756;
inline constexpr double kMuennighoffRNStar = 5.309743;

// The law with Muennighoff et al. 2023's decay of repeated tokens and excess
// parameters (R_D* = 15.387756, R_N* = 5.309743) applied on top of a
// Chinchilla-form law, so unique tokens can be given to any such law.
// Data-constrained laws are returned unchanged; Kaplan's form throws LawError.
Law with_repetition_decay(const Law& law);

// The law with one bootstrap replicate's constants in place of its own.
Law with_replicate(const Law& law, const std::vector<double>& replicate);

// The loss no model reaches: E for the additive forms, 0 for Kaplan's.
double irreducible_loss(const Law& law);

}  // namespace scaleplan::laws
