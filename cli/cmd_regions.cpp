// scaleplan regions: grid carbon intensity by country and cloud region.
#include "commands.h"
#include "forecast_output.h"
#include "hardware_db/records_json.h"
#include "units.h"

namespace scaleplan::cli {

namespace {

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
    doc["regions"].push_back(hardware_db::grid_json(*g));
    t.row(g->id + (g->is_old() ? " *" : ""), short_number(g->gco2_per_kwh) + " g/kWh",
          g->name + (g->continent.empty() ? "" : ", " + g->continent) + " (" +
              (g->year ? std::to_string(*g->year) : std::string("year unknown")) + ")");
  }
  emit(json, std::move(doc), t.render());
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
  reset_each_parse(*sub, o);
  sub->callback([o] { run_regions(o->search, o->db, o->json); });
}

}  // namespace scaleplan::cli
