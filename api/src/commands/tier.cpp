// scaleplan tier: the EPS tier of a measured or planned run.
#include "api/units.h"
#include "commands.h"
#include "footprint/eps.h"

namespace scaleplan::api {

namespace {

struct TierRequest {
  double kwh = 0, co2_kg = 0;

  static const Schema<TierRequest>& schema() {
    static const auto s =
        Schema<TierRequest>()
            .add({.name = "kwh", .help = "energy of the training run in kWh", .required = true},
                 &TierRequest::kwh)
            .add({.name = "co2_kg", .help = "CO2eq of the training run in kg", .required = true},
                 &TierRequest::co2_kg);
    return s;
  }
};

Result run_tier(const TierRequest& r) {
  const planner::EpsTier tier = planner::eps_tier(r.kwh, r.co2_kg);
  auto doc = new_document("tier");
  doc["energy_kwh"] = r.kwh;
  doc["co2_kg"] = r.co2_kg;
  doc["eps_tier"] = planner::tier_name(tier);
  doc["thresholds"] = {
      {"low", {{"energy_kwh_below", planner::kLowMaxKwh}, {"co2_kg_below", planner::kLowMaxCo2Kg}}},
      {"high", {{"energy_kwh_above", planner::kHighMinKwh}, {"co2_kg_above", planner::kHighMinCo2Kg}}}};
  doc["eps_measures"] = planner::eps_measures(tier);
  doc["source"] = planner::kEpsSource;
  return {std::move(doc), [r, tier] {
            Table t(std::string("EPS tier: ") + planner::tier_name(tier));
            t.row("energy", human_energy_kwh(r.kwh),
                  "Low < " + grouped(planner::kLowMaxKwh) + " kWh; High > " + grouped(planner::kHighMinKwh) +
                      " kWh");
            t.row("CO2eq", human_co2_kg(r.co2_kg),
                  "Low < " + grouped(planner::kLowMaxCo2Kg) + " kg; High > " +
                      grouped(planner::kHighMinCo2Kg) + " kg");
            t.line("Low needs both below, High both above; anything else is Intermediate.");
            for (const auto& m : planner::eps_measures(tier)) t.line("measure: " + m);
            t.line(std::string("source: ") + planner::kEpsSource);
            return t.render();
          }};
}

}  // namespace

Command tier_command() {
  return command<TierRequest>("tier",
                              "EPS (Ethical Problem Solving) sustainability tier of a run's energy and CO2eq",
                              "Example:\n  scaleplan tier --kwh 1600 --co2-kg 600", run_tier);
}

}  // namespace scaleplan::api
