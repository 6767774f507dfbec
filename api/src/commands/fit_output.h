#pragma once
// Reports of `scaleplan fit`: the IsoFLOP fit as a table (its JSON is
// laws/isoflop_report.h), and groups side by side.

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "laws/fit.h"
#include "laws/isoflop.h"
#include "laws/runs.h"

namespace scaleplan::api {

std::string isoflop_human(const laws::IsoflopResult& fit, const laws::RunsData& data, int digits);

// One column per group, one row per estimate (value and 95% interval).
struct GroupColumn {
  std::string label;
  std::vector<laws::Estimate> estimates;
};
std::string side_by_side(const std::string& title, const std::vector<GroupColumn>& groups, int digits);

}  // namespace scaleplan::api
