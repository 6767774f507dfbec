#include "fit_output.h"

#include <algorithm>
#include <cmath>

#include "api/output.h"
#include "api/units.h"

namespace scaleplan::api {

namespace {

std::string interval(const laws::Estimate& e, int digits) {
  if (!std::isfinite(e.ci_low)) return "";
  return "95% [" + sig(e.ci_low, digits) + ", " + sig(e.ci_high, digits) + "]";
}

}  // namespace

std::string isoflop_human(const laws::IsoflopResult& fit, const laws::RunsData& data, int digits) {
  Table t("IsoFLOP fit: N*(C) = N_coef C^N_exponent, D*(C) = D_coef C^D_exponent, L*(C) = E + A C^-alpha");
  for (const laws::Estimate& e : fit.estimates) t.row(e.name, sig(e.value, digits), interval(e, digits));
  t.line("budgets: " + std::to_string(fit.budgets.size()) + " found, " + std::to_string(fit.budgets_used) +
         " used (parabola in ln N around each budget's lowest loss)");
  for (const laws::BudgetFit& b : fit.budgets) {
    std::string s =
        "  C " + sig(b.flops, 4) + ": " + std::to_string(b.points) + (b.points == 1 ? " point" : " points");
    if (b.used) {
      s += ", N* " + human_count(b.params_opt) +
           (std::isfinite(b.params_ci_low)
                ? " [" + human_count(b.params_ci_low) + ", " + human_count(b.params_ci_high) + "]"
                : " (no interval from 3 points)") +
           ", D* " + human_count(b.tokens_opt) + ", L* " + sig(b.loss_opt, 4);
    } else {
      s += ", skipped: " + b.skipped_because;
    }
    t.line(s);
  }
  t.line(
      "points: " + std::to_string(data.points_read) + " read, " + std::to_string(data.runs.size()) + " used" +
      (data.params_from_flops ? " (params = FLOPs / (k D), k = " + sig(fit.flops_per_token, 3) + ")" : "") +
      (data.tokens_from_flops ? " (tokens = FLOPs / (k N), k = " + sig(fit.flops_per_token, 3) + ")" : ""));
  t.line("RMS scatter of ln N* about the power law: " + sig(fit.rmse_log_params, 3));
  if (fit.bootstrap_resamples > 0) {
    t.line("bootstrap: " + std::to_string(fit.bootstrap_resamples) + " resamples of each budget's points (" +
           std::to_string(fit.bootstrap_failed) + " failed)");
  }
  for (const auto& w : fit.warnings) t.line("warning: " + w);
  return t.render();
}

std::string side_by_side(const std::string& title, const std::vector<GroupColumn>& groups, int digits) {
  std::vector<std::vector<std::string>> cells;  // rows of [name, g1, g2, ...]
  std::vector<std::string> head{""};
  for (size_t g = 0; g < groups.size(); ++g) head.push_back("G" + std::to_string(g + 1));
  cells.push_back(head);
  for (size_t r = 0; r < groups.front().estimates.size(); ++r) {
    std::vector<std::string> row{groups.front().estimates[r].name};
    for (const GroupColumn& g : groups) {
      const laws::Estimate& e = g.estimates[r];
      std::string s = sig(e.value, digits);
      if (std::isfinite(e.ci_low)) s += " [" + sig(e.ci_low, 3) + ", " + sig(e.ci_high, 3) + "]";
      row.push_back(s);
    }
    cells.push_back(row);
  }
  std::vector<size_t> width(head.size(), 0);
  for (const auto& row : cells) {
    for (size_t c = 0; c < row.size(); ++c) width[c] = std::max(width[c], row[c].size());
  }
  std::string out = title + "\n";
  for (const auto& row : cells) {
    std::string line;
    for (size_t c = 0; c < row.size(); ++c) line += row[c] + std::string(width[c] - row[c].size() + 2, ' ');
    while (!line.empty() && line.back() == ' ') line.pop_back();
    out += "  " + line + "\n";
  }
  for (size_t g = 0; g < groups.size(); ++g)
    out += "  G" + std::to_string(g + 1) + ": " + groups[g].label + "\n";
  return out;
}

}  // namespace scaleplan::api
