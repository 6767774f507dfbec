// scaleplan regions: grid carbon intensity by country and cloud region.
#include "api/units.h"
#include "commands.h"
#include "hardware_db/records_json.h"
#include "shared_fields.h"

namespace scaleplan::api {

namespace {

struct RegionsRequest {
  std::string search, hardware_db;

  static const Schema<RegionsRequest>& schema() {
    using R = RegionsRequest;
    static const auto s =
        Schema<R>()
            .add({.name = "search",
                  .help =
                      "only regions with these whole words in their id, codes, name, common names, continent "
                      "or provider (a word of 4+ letters may be a prefix: 'germ')"},
                 &R::search)
            .add(hardware_db_field(), &R::hardware_db);
    return s;
  }
};

Result run_regions(const RegionsRequest& r) {
  const auto db = hardware_db::Database::load(r.hardware_db);
  const auto found = db.search_regions(r.search);
  if (found.empty()) {
    throw InputError(Field{"search"},
                     "nothing matches '" + r.search +
                         "'; expected whole words of a code, name, continent or provider, e.g. DE, germany, "
                         "europe, aws");
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
  return {std::move(doc), [t] { return t.render(); }};
}

}  // namespace

Command regions_command() {
  return command<RegionsRequest>(
      "regions", "Grid carbon intensity by country and cloud region, with sources",
      "Example:\n  scaleplan regions --search europe\n  scaleplan regions --search DE --json", run_regions);
}

}  // namespace scaleplan::api
