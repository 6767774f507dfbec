#pragma once
// Compute-optimal allocation under a loss law.
//
// Training compute is C = 6 N D FLOPs (Kaplan et al. 2020, Sec. 2.1).
// For the Chinchilla form the optimum of L(N, C/(6N)) is closed form
// (Hoffmann et al. 2022, App. D.2):
//   N = G (C/6)^a,  D = G^-1 (C/6)^b,  G = (alpha A/(beta B))^(1/(alpha+beta)),
//   a = beta/(alpha+beta),  b = alpha/(alpha+beta),
// and the least-compute point on the iso-loss curve L = E + Delta splits
// Delta as A/N^alpha = beta Delta/(alpha+beta), B/D^beta = alpha Delta/(alpha+beta).
// The other forms are solved numerically in log space.

#include <optional>

#include "laws/law.h"

namespace scaleplan::laws {

// The rule of thumb read off Hoffmann et al. 2022, Table 3: about 20
// training tokens per parameter at the compute-optimal point.
inline constexpr double kRuleOfThumbTokensPerParam = 20.0;

inline double training_flops(double params, double tokens) { return 6.0 * params * tokens; }

// Serving costs a forward pass, 2 N FLOPs per token (Kaplan et al. 2020,
// Sec. 2.1).
inline double inference_flops(double params, double tokens) { return 2.0 * params * tokens; }

struct Allocation {
  double params = 0;
  double tokens = 0;
  double flops = 0;
  double loss = 0;
};

// The (N, D) with C = 6 N D that minimises the loss.
Allocation compute_optimal(const Law& law, double flops, std::optional<double> unique_tokens = std::nullopt);

// The token count D at which `params` is the compute-optimal size.
double compute_optimal_tokens(const Law& law, double params);

// Tokens N parameters need to reach `target_loss`. Throws LawError when the
// target is at or below loss_floor(law, params), stating that bound.
double tokens_for_loss(const Law& law, double params, double target_loss,
                       std::optional<double> unique_tokens = std::nullopt);

// The least-compute (N, D) that reaches `target_loss`. Throws LawError when
// no model size can reach it, stating the law's floor.
Allocation min_compute_for_loss(const Law& law, double target_loss,
                                std::optional<double> unique_tokens = std::nullopt);

// The (N, D) reaching `target_loss` that minimises 6 N D + extra_per_param N,
// with N <= max_params. The extra term prices work that grows with the model
// but not with its training tokens, such as serving T inference tokens
// (2 N T FLOPs; Sardana & Frankle 2023, "Beyond Chinchilla-Optimal"),
// expressed in training-FLOP equivalents. With no extra term and no binding
// cap this is min_compute_for_loss. Throws LawError when the target is out
// of reach, or out of reach within max_params, stating the bound.
Allocation min_cost_for_loss(const Law& law, double target_loss, double extra_per_param,
                             std::optional<double> max_params = std::nullopt,
                             std::optional<double> unique_tokens = std::nullopt);

}  // namespace scaleplan::laws
