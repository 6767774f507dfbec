#include "laws/isoflop_report.h"

#include <cmath>

#include "laws/law_file.h"

namespace scaleplan::laws {

using nlohmann::ordered_json;

namespace {

ordered_json estimate_json(const Estimate& e) {
  ordered_json j;
  j["value"] = e.value;
  if (std::isfinite(e.standard_error)) {
    j["standard_error"] = e.standard_error;
    j["ci95"] = {e.ci_low, e.ci_high};
  }
  return j;
}

ordered_json budget_json(const BudgetFit& b) {
  ordered_json j;
  j["flops"] = b.flops;
  j["points"] = b.points;
  j["points_fitted"] = b.points_fitted;
  j["used"] = b.used;
  if (b.used) {
    j["parabola_ln_params"] = b.parabola;
    j["params_opt"] = b.params_opt;
    j["params_ci95"] = {b.params_ci_low, b.params_ci_high};
    j["tokens_opt"] = b.tokens_opt;
    j["tokens_ci95"] = {b.tokens_ci_low, b.tokens_ci_high};
    j["loss_opt"] = b.loss_opt;
  } else {
    j["skipped_because"] = b.skipped_because;
  }
  return j;
}

Law named_law(const IsoflopResult& fit, const FitProvenance& provenance) {
  Law law = fit.law;
  law.name = provenance.law_name;
  return law;
}

}  // namespace

ordered_json isoflop_json(const IsoflopResult& fit, const RunsData& data) {
  ordered_json doc;
  doc["method"] = "isoflop";
  ordered_json est;
  for (const Estimate& e : fit.estimates) est[e.name] = estimate_json(e);
  doc["estimates"] = est;
  ordered_json budgets = ordered_json::array();
  for (const BudgetFit& b : fit.budgets) budgets.push_back(budget_json(b));
  doc["budgets"] = budgets;
  doc["budgets_used"] = fit.budgets_used;
  doc["flops_per_token"] = fit.flops_per_token;
  doc["rmse_log_params"] = fit.rmse_log_params;
  doc["bootstrap_resamples"] = fit.bootstrap_resamples;
  doc["bootstrap_failed"] = fit.bootstrap_failed;
  doc["points_read"] = data.points_read;
  doc["points_used"] = data.runs.size();
  doc["warnings"] = fit.warnings;
  return doc;
}

ordered_json isoflop_law_document(const IsoflopResult& fit, const RunsData& data,
                                  const FitProvenance& provenance) {
  ordered_json doc = law_to_json(named_law(fit, provenance));
  doc["fit"] = {{"method", "isoflop"},
                {"data", fitted_data_json(data, provenance)},
                {"scaleplan_version", provenance.scaleplan_version}};
  return doc;
}

ordered_json isoflop_report(const IsoflopResult& fit, const RunsData& data, const FitProvenance& provenance) {
  ordered_json doc = law_to_json(named_law(fit, provenance));
  doc.erase("uncertainty");  // the replicates belong in the law file, not the report
  doc.update(isoflop_json(fit, data));
  return doc;
}

}  // namespace scaleplan::laws
