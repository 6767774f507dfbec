#pragma once
#include "scaleplan/error.h"

namespace scaleplan::api {

// Bad command-line input; the message names the option and the value.
class InputError : public Error {
 public:
  using Error::Error;
};

// Refuses what a request's own check (problems(), as the planner's requests
// and the laws' options have) finds: its first problem, naming the field.
template <class Checked>
void refuse_problems(const Checked& request) {
  if (auto p = request.problems(); !p.empty()) throw_problem<InputError>(p.front());
}

}  // namespace scaleplan::api
