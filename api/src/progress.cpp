#include "api/progress.h"

#include <utility>

namespace scaleplan::api {

namespace {

std::function<Progress()>& current_maker() {
  thread_local std::function<Progress()> make;
  return make;
}

}  // namespace

ProgressScope::ProgressScope(std::function<Progress()> make)
    : previous_(std::exchange(current_maker(), std::move(make))) {}

ProgressScope::~ProgressScope() { current_maker() = std::move(previous_); }

Progress new_progress() {
  const auto& make = current_maker();
  return make ? make() : Progress();
}

}  // namespace scaleplan::api
