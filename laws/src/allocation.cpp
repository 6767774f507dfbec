#include "laws/allocation.h"

#include <cmath>
#include <cstdio>
#include <string>

#include "number_text.h"
#include "numeric.h"

namespace scaleplan::laws {

namespace {

// Search ranges in log space: 1 to 1e40 covers every sane model and corpus.
constexpr double kLogMin = 0.0;
const double kLogMax = std::log(1e40);

bool closed_form(const Law& law) { return law.form == Form::kChinchilla; }

// An IsoFLOP law is its own frontier: N*(C) = a C^b, D*(C) = C/(k N*(C)).
Allocation on_frontier(const Law& law, double flops) {
  const double params = law.n_coef * std::pow(flops, law.n_exponent);
  return {params, flops / (law.flops_per_token * params), flops, law.E + law.A * std::pow(flops, -law.alpha)};
}

[[noreturn]] void needs_parametric(const Law& law, const std::string& what) {
  throw LawError(what + " needs the loss off the compute-optimal frontier, L(N, D); law '" + law.name +
                 "' is an IsoFLOP law that knows only the frontier; use a parametric law "
                 "(a preset or `fit --method parametric`)");
}

Allocation make(const Law& law, double params, double tokens, std::optional<double> unique) {
  return {params, tokens, training_flops(params, tokens), loss(law, params, tokens, unique)};
}

}  // namespace

Allocation compute_optimal(const Law& law, double flops, std::optional<double> unique_tokens) {
  if (law.form == Form::kIsoflop) return on_frontier(law, flops);
  if (closed_form(law)) {
    const double g = allocation_constant(law);
    const double s = law.alpha + law.beta;
    const double params = g * std::pow(flops / 6.0, law.beta / s);
    const double tokens = std::pow(flops / 6.0, law.alpha / s) / g;
    return make(law, params, tokens, unique_tokens);
  }
  // D = C/(6N) >= 1 bounds N above by C/6.
  const double log_c6 = std::log(flops / 6.0);
  const double log_n = detail::minimize(
      [&](double x) { return loss(law, std::exp(x), std::exp(log_c6 - x), unique_tokens); }, kLogMin, log_c6);
  return make(law, std::exp(log_n), std::exp(log_c6 - log_n), unique_tokens);
}

double compute_optimal_tokens(const Law& law, double params) {
  if (law.form == Form::kIsoflop) {
    // Invert N = a C^b for C, then D = C/(k N).
    const double flops = std::pow(params / law.n_coef, 1.0 / law.n_exponent);
    return flops / (law.flops_per_token * params);
  }
  if (closed_form(law)) {
    // Invert N = G (C/6)^a for C/6, then D = (C/6)/N.
    const double g = allocation_constant(law);
    const double a = law.beta / (law.alpha + law.beta);
    return std::pow(params / g, 1.0 / a) / params;
  }
  // N_opt(C) increases with C: find the C whose optimum is `params`.
  const double log_n = std::log(params);
  const double log_c6 = detail::solve_increasing(
      [&](double x) { return std::log(compute_optimal(law, 6.0 * std::exp(x)).params) - log_n; }, log_n,
      log_n + kLogMax);
  return std::exp(log_c6) / params;
}

double tokens_for_loss(const Law& law, double params, double target_loss,
                       std::optional<double> unique_tokens) {
  if (law.form == Form::kIsoflop) needs_parametric(law, "tokens for a target loss at a given size");
  const double floor = loss_floor(law, params, unique_tokens);
  if (!(target_loss > floor)) {
    throw LawError("target loss " + number_text(target_loss, "%.6g") + " is at or below the floor of " +
                   number_text(floor, "%.6g") + " that " + number_text(params, "%.6g") +
                   " parameters approach with unlimited tokens "
                   "under " +
                   law.name + "; expected a target above " + number_text(floor, "%.6g"));
  }
  if (closed_form(law)) {
    return std::pow(law.B / (target_loss - floor), 1.0 / law.beta);
  }
  // Loss falls with D: solve loss(D) = target on log D.
  auto excess = [&](double x) { return target_loss - loss(law, params, std::exp(x), unique_tokens); };
  if (excess(kLogMin) >= 0) return 1.0;
  if (excess(kLogMax) < 0) {
    throw LawError("target loss " + number_text(target_loss, "%.6g") +
                   " needs more than 1e40 "
                   "tokens at " +
                   number_text(params, "%.6g") + " parameters under " + law.name);
  }
  return std::exp(detail::solve_increasing(excess, kLogMin, kLogMax));
}

Allocation min_compute_for_loss(const Law& law, double target_loss, std::optional<double> unique_tokens) {
  const double floor = irreducible_loss(law);
  if (!(target_loss > floor)) {
    throw LawError("target loss " + number_text(target_loss, "%.6g") +
                   " is at or below the irreducible loss " + number_text(floor, "%.6g") + " of " + law.name +
                   "; expected a target above it");
  }
  if (law.form == Form::kIsoflop) {
    // Invert L*(C) = E + A C^-alpha for the budget, then walk the frontier.
    return on_frontier(law, std::pow(law.A / (target_loss - law.E), 1.0 / law.alpha));
  }
  if (closed_form(law)) {
    const double delta = target_loss - law.E;
    const double s = law.alpha + law.beta;
    const double params = std::pow(law.A * s / (law.beta * delta), 1 / law.alpha);
    const double tokens = std::pow(law.B * s / (law.alpha * delta), 1 / law.beta);
    return make(law, params, tokens, unique_tokens);
  }
  // The smallest N that can reach the target at all, then the N above it
  // that minimises N * D(N).
  auto floor_gap = [&](double x) { return target_loss - loss_floor(law, std::exp(x), unique_tokens); };
  if (floor_gap(kLogMax) <= 0) {
    throw LawError("target loss " + number_text(target_loss, "%.6g") + " is below what " + law.name +
                   " reaches at any model size up to 1e40 "
                   "parameters with these unique tokens (floor " +
                   number_text(loss_floor(law, 1e40, unique_tokens), "%.6g") + ")");
  }
  const double log_n_min =
      floor_gap(kLogMin) > 0 ? kLogMin : detail::solve_increasing(floor_gap, kLogMin, kLogMax);
  // Stay a hair above N_min, where D(N) diverges.
  const double lo = log_n_min + 1e-9 * (1 + std::fabs(log_n_min));
  const double hi = std::min(kLogMax, log_n_min + std::log(1e8));
  const double log_n = detail::minimize(
      [&](double x) {
        const double n = std::exp(x);
        if (!(loss_floor(law, n, unique_tokens) < target_loss)) return HUGE_VAL;
        return x + std::log(tokens_for_loss(law, n, target_loss, unique_tokens));
      },
      lo, hi);
  const double params = std::exp(log_n);
  return make(law, params, tokens_for_loss(law, params, target_loss, unique_tokens), unique_tokens);
}

Allocation min_cost_for_loss(const Law& law, double target_loss, double extra_per_param,
                             std::optional<double> max_params, std::optional<double> unique_tokens) {
  if (law.form == Form::kIsoflop) {
    const Allocation a = min_compute_for_loss(law, target_loss, unique_tokens);
    if (extra_per_param != 0)
      needs_parametric(law, "sizing for inference (a model smaller than compute-optimal)");
    if (max_params && a.params > *max_params) {
      needs_parametric(law, "a size cap of " + number_text(*max_params, "%.6g") +
                                " parameters, below the compute-optimal " + number_text(a.params, "%.6g") +
                                " for this loss,");
    }
    return a;
  }
  if (max_params && !(loss_floor(law, *max_params, unique_tokens) < target_loss)) {
    throw LawError("target loss " + number_text(target_loss, "%.6g") + " is at or below the floor of " +
                   number_text(loss_floor(law, *max_params, unique_tokens), "%.6g") +
                   " that the largest allowed model (" + number_text(*max_params, "%.6g") +
                   " parameters) approaches under " + law.name + "; raise the size cap or the target");
  }
  const Allocation unconstrained = min_compute_for_loss(law, target_loss, unique_tokens);
  if (extra_per_param == 0 && (!max_params || unconstrained.params <= *max_params)) return unconstrained;

  // cost(N) = 6 N D(N) + extra N is smooth in log N with D(N) -> infinity at
  // the smallest N that can reach the target: search above it.
  auto floor_gap = [&](double x) { return target_loss - loss_floor(law, std::exp(x), unique_tokens); };
  const double log_n_min =
      floor_gap(kLogMin) > 0 ? kLogMin : detail::solve_increasing(floor_gap, kLogMin, kLogMax);
  const double lo = log_n_min + 1e-9 * (1 + std::fabs(log_n_min));
  double hi = std::max(std::log(unconstrained.params) + std::log(100.0), lo + 1e-6);
  if (max_params) hi = std::min(hi, std::log(*max_params));
  auto log_cost = [&](double x) {
    const double n = std::exp(x);
    if (!(loss_floor(law, n, unique_tokens) < target_loss)) return HUGE_VAL;
    const double d = tokens_for_loss(law, n, target_loss, unique_tokens);
    return std::log(training_flops(n, d) + extra_per_param * n);
  };
  const double log_n = hi <= lo ? hi : detail::minimize(log_cost, lo, hi);
  const double params = std::exp(log_n);
  return make(law, params, tokens_for_loss(law, params, target_loss, unique_tokens), unique_tokens);
}

}  // namespace scaleplan::laws
