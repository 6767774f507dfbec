// Libraries name the input a problem is in as a field ("inference_hardware");
// only the CLI knows the flag the user typed (--inference-hardware).
#include <catch2/catch.hpp>

#include <functional>

#include "support_db.h"

#include "laws/presets.h"
#include "planning/plan.h"
#include "systems/shape.h"

using scaleplan::testing::embedded_db;

namespace {

// The error `call` throws, as the base type every module's errors share.
struct Thrown {
  std::string field, detail, what;
};
Thrown thrown_by(const std::function<void()>& call) {
  try {
    call();
  } catch (const scaleplan::Error& e) {
    return {e.field(), e.detail(), e.what()};
  }
  FAIL("no scaleplan::Error thrown");
  return {};
}

scaleplan::planner::PlanRequest seven_billion() {
  scaleplan::planner::PlanRequest r;
  r.target_params = 7e9;
  return r;
}

}  // namespace

TEST_CASE("a bad inference accelerator is an error in the inference_hardware field", "[errors]") {
  scaleplan::planner::PlanRequest r = seven_billion();
  r.inference_tokens = 1e12;
  r.inference_hardware = "zzz";
  const Thrown e = thrown_by(
      [&] { scaleplan::planner::make_plan(embedded_db(), scaleplan::laws::preset("besiroglu2024"), r); });
  CHECK(e.field == "inference_hardware");
  CHECK(e.detail.rfind("'zzz' is not a known accelerator", 0) == 0);
  CHECK(e.what == "inference_hardware: " + e.detail);
}

TEST_CASE("planner and laws errors carry the field and never a flag", "[errors]") {
  scaleplan::planner::PlanRequest too_few = seven_billion();
  too_few.target_params = 70e9;
  too_few.gpus = 8;
  const Thrown gpus = thrown_by([&] {
    scaleplan::planner::make_plan(embedded_db(), scaleplan::laws::preset("besiroglu2024"), too_few);
  });
  CHECK(gpus.field == "gpus");
  CHECK(gpus.detail.find("cannot hold the training state") != std::string::npos);

  scaleplan::planner::ShapeRequest heads;
  heads.params = 7e9;
  heads.hidden = 4096;
  heads.heads = 30;
  const Thrown shape = thrown_by([&] { scaleplan::planner::derive_shape(heads); });
  CHECK(shape.field == "heads");

  const Thrown law = thrown_by([] { scaleplan::laws::preset("no-such-law"); });
  CHECK(law.field == "law");

  for (const Thrown& e : {gpus, shape, law}) CHECK(e.what.find("--") == std::string::npos);
}
