#pragma once
// The one base of every error a user can cause. Each module derives its own
// type in its errors.h (laws::LawError, hardware_db::DataError,
// planner::PlanError, cli::InputError), so a caller catches them all as
// scaleplan::Error, and the CLI alone turns a field into the flag typed.

#include <stdexcept>
#include <string>
#include <string_view>

namespace scaleplan {

// The input a problem is in, as the libraries name it: "inference_hardware",
// "gpus". The CLI shows it as the flag (--inference-hardware).
struct Field {
  std::string name;
};

// One problem of a request found before anything runs: the field it is in
// (empty when the detail names several) and what is wrong with it.
struct Problem {
  std::string field;
  std::string detail;
};

class Error : public std::runtime_error {
 public:
  // A message that names its own file, key or option.
  explicit Error(const std::string& message) : std::runtime_error(message), detail_(message) {}
  // A problem in one input: what() reads "field: detail".
  Error(Field field, const std::string& detail)
      : std::runtime_error(field.name + ": " + detail), field_(std::move(field.name)), detail_(detail) {}

  // Empty when the message names its own source.
  const std::string& field() const { return field_; }
  // The message without the field.
  const std::string& detail() const { return detail_; }

 private:
  std::string field_, detail_;
};

// A value the user typed, in quotes for a message: a long one is cut, so that
// a 60 KB --region gives one readable line, not the 60 KB back.
inline std::string shown_value(std::string_view value) {
  constexpr std::size_t kShown = 60;
  if (value.size() <= kShown) return "'" + std::string(value) + "'";
  return "'" + std::string(value.substr(0, kShown)) + "...' (" + std::to_string(value.size()) +
         " characters)";
}

// Throws `p` as the module's error type E, with its field when it has one.
template <class E>
[[noreturn]] void throw_problem(const Problem& p) {
  if (p.field.empty()) throw E(p.detail);
  throw E(Field{p.field}, p.detail);
}

}  // namespace scaleplan
