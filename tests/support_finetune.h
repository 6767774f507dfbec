#pragma once
// Fine-tuning requests and results as the planning tests take them.
#include <catch2/catch.hpp>

#include "planning/finetune.h"

namespace scaleplan::testing {

inline planner::FinetuneRequest finetune_request(const char* model, double tokens, const char* hardware) {
  planner::FinetuneRequest r;
  r.model = model;
  r.tokens = tokens;
  r.hardware = hardware;
  return r;
}

// The result of method `m`; a test fails when the plan lacks it.
inline const planner::MethodResult& method_of(const planner::FinetuneResult& r, planner::Method m) {
  for (const auto& x : r.methods) {
    if (x.method == m) return x;
  }
  FAIL("method missing");
  return r.methods.front();
}

}  // namespace scaleplan::testing
