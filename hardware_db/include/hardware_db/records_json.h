#pragma once
// The database's records as they are printed by `hardware`, `regions` and
// `models --json`: every field with its source, unknown values as null.

#include <nlohmann/json.hpp>

#include "hardware_db/database.h"

namespace scaleplan::hardware_db {

nlohmann::ordered_json accelerator_json(const Accelerator& accelerator);
// "world", "country" or "cloud_region".
const char* scope_name(GridScope scope);
nlohmann::ordered_json grid_json(const GridRegion& grid);
nlohmann::ordered_json model_json(const ModelShape& model);

}  // namespace scaleplan::hardware_db
