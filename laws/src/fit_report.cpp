#include "laws/fit_report.h"

#include <openssl/evp.h>

#include <algorithm>
#include <cmath>
#include <fstream>

#include "laws/csv.h"
#include "laws/law_file.h"

namespace scaleplan::laws {

using nlohmann::ordered_json;

std::string file_sha256(const std::string& path) {
  // The runs table the fit read, under the same checks and limit.
  const std::string content = read_csv_text(path);
  EVP_MD_CTX* ctx = EVP_MD_CTX_new();
  EVP_DigestInit_ex(ctx, EVP_sha256(), nullptr);
  EVP_DigestUpdate(ctx, content.data(), content.size());
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  EVP_DigestFinal_ex(ctx, digest, &len);
  EVP_MD_CTX_free(ctx);
  static const char* const kHex = "0123456789abcdef";
  std::string out;
  for (unsigned int i = 0; i < len; ++i) out += {kHex[digest[i] >> 4], kHex[digest[i] & 15]};
  return out;
}

Law fitted_law(const FitResult& fit, const std::string& name) {
  Law law = fit.law;
  law.name = name;
  law.citation = std::string("fitted with scaleplan fit (") + estimator_name(fit.estimator) + ")";
  law.caveat =
      "Valid near the fitted range of model sizes and tokens; losses depend on the data "
      "and tokenizer of these runs.";
  if (!fit.replicates.empty()) {
    Uncertainty u;
    for (size_t k = 0; k < 5; ++k) {
      const Estimate& e = fit.estimates[k];
      u.standard_errors.emplace_back(e.name, e.standard_error);
      u.ci95.emplace_back(e.name, std::make_pair(e.ci_low, e.ci_high));
    }
    for (const auto& rep : fit.replicates) u.replicates.emplace_back(rep.begin(), rep.end());
    law.uncertainty = std::move(u);
  }
  return law;
}

ordered_json fitted_data_json(const RunsData& data, const FitProvenance& p) {
  ordered_json d;
  d["file"] = p.input_path;
  d["sha256"] = p.input_sha256;
  d["points_read"] = data.points_read;
  d["points_used"] = data.runs.size();
  return d;
}

namespace {

ordered_json data_summary(const RunsData& data, const FitProvenance& p) {
  double n_lo = HUGE_VAL, n_hi = 0, d_lo = HUGE_VAL, d_hi = 0;
  for (const Run& r : data.runs) {
    n_lo = std::min(n_lo, r.params), n_hi = std::max(n_hi, r.params);
    d_lo = std::min(d_lo, r.tokens), d_hi = std::max(d_hi, r.tokens);
  }
  ordered_json d = fitted_data_json(data, p);
  d["params_range"] = {n_lo, n_hi};
  d["tokens_range"] = {d_lo, d_hi};
  d["tokens_from_flops"] = data.tokens_from_flops;
  return d;
}

ordered_json fit_section(const FitResult& fit, const RunsData& data, const FitProvenance& p) {
  ordered_json f;
  f["estimator"] = estimator_name(fit.estimator);
  f["huber_delta"] = fit.huber_delta;
  f["huber_cost"] = fit.cost;
  if (fit.estimator == Estimator::kHuberMle) {
    f["sigma"] = fit.sigma;
    f["log_likelihood"] = fit.log_likelihood;
  }
  f["rmse_log"] = fit.rmse_log;
  f["starts"] = fit.starts;
  f["starts_run"] = fit.starts_run;
  f["starts_at_best"] = fit.starts_at_best;
  f["bootstrap_resamples"] = fit.bootstrap_resamples;
  f["data"] = data_summary(data, p);
  f["scaleplan_version"] = p.scaleplan_version;
  return f;
}

}  // namespace

ordered_json fit_law_document(const FitResult& fit, const RunsData& data, const FitProvenance& p) {
  ordered_json doc = law_to_json(fitted_law(fit, p.law_name));
  doc["fit"] = fit_section(fit, data, p);
  return doc;
}

ordered_json fit_report(const FitResult& fit, const RunsData& data, const FitProvenance& p) {
  ordered_json doc;
  ordered_json params, se = ordered_json::object(), ci = ordered_json::object(),
                       derived = ordered_json::object();
  for (size_t k = 0; k < fit.estimates.size(); ++k) {
    const Estimate& e = fit.estimates[k];
    (k < 5 ? params : derived)[e.name] = e.value;
    if (!fit.replicates.empty()) {
      se[e.name] = e.standard_error;
      ci[e.name] = {e.ci_low, e.ci_high};
    }
  }
  doc["parameters"] = params;
  doc["standard_errors"] = se;
  doc["ci95"] = ci;
  doc["derived"] = derived;
  doc["estimator"] = estimator_name(fit.estimator);
  doc["huber_delta"] = fit.huber_delta;
  doc["huber_cost"] = fit.cost;
  doc["rmse_log"] = fit.rmse_log;
  doc["converged"] = fit.converged;
  doc["stop_reason"] = fit.stop_reason;
  doc["iterations"] = fit.iterations;
  doc["starts"] = fit.starts;
  doc["starts_run"] = fit.starts_run;
  doc["starts_at_best"] = fit.starts_at_best;
  doc["starts_not_converged"] = fit.starts_not_converged;
  doc["starts_abandoned"] = fit.starts_abandoned;
  doc["search_points"] = fit.search_points;
  doc["bootstrap_resamples"] = fit.bootstrap_resamples;
  doc["bootstrap_failed"] = fit.bootstrap_failed;
  doc["points_read"] = data.points_read;
  doc["points_used"] = data.runs.size();
  ordered_json dropped = ordered_json::array();
  for (const auto& d : data.dropped) dropped.push_back({{"line", d.line}, {"reason", d.reason}});
  doc["dropped"] = dropped;
  ordered_json residuals = ordered_json::array();
  for (size_t i = 0; i < data.runs.size(); ++i) {
    const Run& r = data.runs[i];
    residuals.push_back({{"line", r.line},
                         {"params", r.params},
                         {"tokens", r.tokens},
                         {"loss", r.loss},
                         {"log_residual", fit.residuals[i]}});
  }
  doc["residuals"] = residuals;
  doc["warnings"] = fit.warnings;
  doc["data"] = data_summary(data, p);
  return doc;
}

}  // namespace scaleplan::laws
