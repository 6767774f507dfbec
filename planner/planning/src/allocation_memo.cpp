#include "planning/allocation_memo.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <map>
#include <tuple>

namespace scaleplan::planner {

// An ordered map: a budget plan bisects on the loss and asks thousands of
// questions. Keys are finite numbers only (NaN has no place in an order).
struct AllocationMemo::Store {
  // A law by every constant that enters its loss, then the question.
  using Question = std::tuple<laws::Form, std::array<double, 14>, double, double, std::optional<double>,
                              std::optional<double>>;
  std::map<Question, laws::Allocation> answers;
};

namespace {

thread_local AllocationMemo::Store* memo = nullptr;

}  // namespace

AllocationMemo::AllocationMemo() {
  if (memo) return;
  store_ = std::make_unique<Store>();
  memo = store_.get();
}

AllocationMemo::~AllocationMemo() {
  if (store_) memo = nullptr;
}

laws::Allocation least_cost_allocation(const laws::Law& law, double target_loss, double extra_per_param,
                                       std::optional<double> max_params,
                                       std::optional<double> unique_tokens) {
  if (!memo) return laws::min_cost_for_loss(law, target_loss, extra_per_param, max_params, unique_tokens);
  const std::array<double, 14> constants = {
      law.E,   law.A,   law.B,       law.alpha,   law.beta,   law.r_d_star,   law.r_n_star,
      law.n_c, law.d_c, law.alpha_n, law.alpha_d, law.n_coef, law.n_exponent, law.flops_per_token};
  AllocationMemo::Store::Question question{law.form,        constants,  target_loss,
                                           extra_per_param, max_params, unique_tokens};
  const bool finite =
      std::all_of(constants.begin(), constants.end(), [](double v) { return std::isfinite(v); }) &&
      std::isfinite(target_loss) && std::isfinite(extra_per_param) && std::isfinite(max_params.value_or(0)) &&
      std::isfinite(unique_tokens.value_or(0));
  if (!finite) return laws::min_cost_for_loss(law, target_loss, extra_per_param, max_params, unique_tokens);
  if (auto it = memo->answers.find(question); it != memo->answers.end()) return it->second;
  // A target out of reach throws, and is asked again: nothing is kept.
  const laws::Allocation a =
      laws::min_cost_for_loss(law, target_loss, extra_per_param, max_params, unique_tokens);
  memo->answers.emplace(std::move(question), a);
  return a;
}

}  // namespace scaleplan::planner
