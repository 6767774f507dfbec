// scaleplan regions: grid carbon intensity by country and cloud region.
#include "commands.h"
#include "forecast_output.h"
#include "units.h"

namespace scaleplan::cli {

namespace {

const char* scope_name(hardware_db::GridScope s) {
  switch (s) {
    case hardware_db::GridScope::kWorld:
      return "world";
    case hardware_db::GridScope::kCountry:
      return "country";
    case hardware_db::GridScope::kCloudRegion:
      return "cloud_region";
  }
  return "";
}

void run_regions(const std::string& search, const std::string& db_path, bool json) {
  const auto db = hardware_db::Database::load(db_path);
  const auto found = db.search_regions(search);
  if (found.empty()) {
    throw InputError(
        "--search: nothing matches '" + search +
        "'; expected whole words of a code, name, continent or provider, e.g. DE, germany, europe, aws");
  }
  auto doc = new_document("regions");
  doc["regions"] = nlohmann::ordered_json::array();
  Table t("Grid carbon intensity (" + plural(static_cast<long long>(found.size()), "region", "regions") +
          "; * = data from before 2020)");
  for (const auto* g : found) {
    nlohmann::ordered_json j;
    j["id"] = g->id;
    j["scope"] = scope_name(g->scope);
    j["name"] = g->name;
    if (!g->alpha2.empty()) j["alpha2"] = g->alpha2;
    if (!g->alpha3.empty()) j["alpha3"] = g->alpha3;
    if (!g->continent.empty()) j["continent"] = g->continent;
    if (!g->aliases.empty()) j["aliases"] = g->aliases;
    j["gco2_per_kwh"] = g->gco2_per_kwh;
    j["year"] = g->year ? nlohmann::ordered_json(*g->year) : nlohmann::ordered_json(nullptr);
    j["old"] = g->is_old();
    j["basis"] = g->basis;
    j["source"] = g->source;
    doc["regions"].push_back(j);
    t.row(g->id + (g->is_old() ? " *" : ""), short_number(g->gco2_per_kwh) + " g/kWh",
          g->name + (g->continent.empty() ? "" : ", " + g->continent) + " (" +
              (g->year ? std::to_string(*g->year) : std::string("year unknown")) + ")");
  }
  emit(json, doc, t.render());
}

}  // namespace

void setup_regions(CLI::App& app) {
  struct Options {
    std::string search, db;
    bool json = false;
  };
  auto o = std::make_shared<Options>();
  auto* sub =
      app.add_subcommand("regions", "Grid carbon intensity by country and cloud region, with sources");
  sub->add_option(
      "--search", o->search,
      "only regions with these whole words in their id, codes, name, common names, continent or provider "
      "(a word of 4+ letters may be a prefix: 'germ')");
  add_hardware_db_option(*sub, o->db);
  add_json_flag(*sub, o->json);
  sub->footer("Example:\n  scaleplan regions --search europe\n  scaleplan regions --search DE --json");
  sub->callback([o] { run_regions(o->search, o->db, o->json); });
}

}  // namespace scaleplan::cli
