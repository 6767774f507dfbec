#pragma once
// The least-cost (N, D) for a target loss, remembered for the length of a
// plan: every accelerator a plan weighs, and every re-plan of the advisor,
// asks laws::min_cost_for_loss the same question.

#include <memory>
#include <optional>

#include "laws/allocation.h"
#include "laws/law.h"

namespace scaleplan::planner {

// laws::min_cost_for_loss, answered from the thread's memo when one is open.
laws::Allocation least_cost_allocation(const laws::Law& law, double target_loss, double extra_per_param,
                                       std::optional<double> max_params, std::optional<double> unique_tokens);

// While an AllocationMemo lives, least_cost_allocation answers a question
// it has answered before (a law by every constant that enters its loss,
// the target, the extra cost per parameter and the caps) with the first
// answer. Like ThroughputMemo (systems/throughput.h) it lives on the stack
// of the thread that opened it; an inner memo leaves the outer in charge.
class AllocationMemo {
 public:
  AllocationMemo();
  ~AllocationMemo();
  AllocationMemo(const AllocationMemo&) = delete;
  AllocationMemo& operator=(const AllocationMemo&) = delete;

  struct Store;

 private:
  std::unique_ptr<Store> store_;  // null in an inner memo
};

}  // namespace scaleplan::planner
