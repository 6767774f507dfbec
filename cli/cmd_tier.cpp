// scaleplan tier: the EPS tier of a measured or planned run.
#include "commands.h"
#include "output.h"
#include "footprint/eps.h"
#include "units.h"

namespace scaleplan::cli {

void setup_tier(CLI::App& app) {
  struct Options {
    std::string kwh, co2;
    bool json = false;
  };
  auto o = std::make_shared<Options>();
  auto* sub = app.add_subcommand("tier", "EPS sustainability tier of a run's energy and CO2eq");
  sub->add_option("--kwh", o->kwh, "energy of the training run in kWh")->required();
  sub->add_option("--co2-kg", o->co2, "CO2eq of the training run in kg")->required();
  add_json_flag(*sub, o->json);
  sub->footer("Example:\n  scaleplan tier --kwh 1600 --co2-kg 600");
  reset_each_parse(*sub, o);
  sub->callback([o] {
    const double kwh = parse_quantity(o->kwh, "--kwh");
    const double co2 = parse_quantity(o->co2, "--co2-kg");
    const planner::EpsTier tier = planner::eps_tier(kwh, co2);
    auto doc = new_document("tier");
    doc["energy_kwh"] = kwh;
    doc["co2_kg"] = co2;
    doc["eps_tier"] = planner::tier_name(tier);
    doc["thresholds"] = {
        {"low", {{"energy_kwh_below", planner::kLowMaxKwh}, {"co2_kg_below", planner::kLowMaxCo2Kg}}},
        {"high", {{"energy_kwh_above", planner::kHighMinKwh}, {"co2_kg_above", planner::kHighMinCo2Kg}}}};
    doc["eps_measures"] = planner::eps_measures(tier);
    Table t(std::string("EPS tier: ") + planner::tier_name(tier));
    t.row("energy", human_energy_kwh(kwh), "Low < 0.1 kWh; High > 1,500 kWh");
    t.row("CO2eq", human_co2_kg(co2), "Low < 0.05 kg; High > 500 kg");
    t.line("Low needs both below, High both above; anything else is Intermediate.");
    for (const auto& m : planner::eps_measures(tier)) t.line("measure: " + m);
    emit(o->json, std::move(doc), t.render());
  });
}

}  // namespace scaleplan::cli
