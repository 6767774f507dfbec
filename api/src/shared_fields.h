#pragma once
// What several commands share: the fields every command that forecasts a
// run takes (the accelerator, the cluster, the grid, the accounting), the
// fields with one declaration everywhere (law, hardware_db, output), the
// forecast they ask for, and the forecast and the advice as table rows
// (their JSON is footprint/forecast_json.h and planning/advisor_json.h).

#include <optional>
#include <string>

#include <nlohmann/json.hpp>

#include "api/law_choice.h"
#include "api/output.h"
#include "api/schema.h"
#include "footprint/forecast.h"
#include "laws/law.h"
#include "planning/advisor.h"

namespace scaleplan::api {

struct ForecastFields {
  std::string hardware;
  std::optional<int> gpus, seq_len;
  std::optional<double> mfu, network_gbps, gpu_hours, power_w, carbon_intensity, pue, deadline_days;
  std::optional<std::string> region;
  std::string accounting = "facility";
  std::string tier_scope = "total";
  std::string hardware_db;

  static Schema<ForecastFields> schema(bool hardware_required);
};

// The grid the planners' commands (plan, recipe, finetune) count a run's
// CO2 on: a region, or its intensity and PUE given; an empty region is none.
struct GridFields {
  std::string region;
  std::optional<double> carbon_intensity, pue;

  static Schema<GridFields> schema(const std::string& region_note = "");
  // Into the planner's request, whose members these commands name alike.
  template <class PlannerRequest>
  void fill(PlannerRequest& p) const {
    if (!region.empty()) p.region = region;
    p.carbon_intensity = carbon_intensity;
    p.pue = pue;
  }
};

// The parts of a transformer shape a request may give (layout, recipe):
// each given one is kept, the rest derived around it. Each command
// declares them with its own help (its defaults differ); the planner's
// shape requests (ShapeQuery, ShapeRequest) name them alike.
struct ShapeParts {
  std::optional<int> layers, hidden, heads, kv_heads, ffn, vocab;

  template <class PlannerShape>
  void fill(PlannerShape& s) const {
    s.layers = layers;
    s.hidden = hidden;
    s.heads = heads;
    s.kv_heads = kv_heads;
    s.ffn = ffn;
    s.vocab = vocab;
  }
};

// A field several commands take, with one help text and its domain
// everywhere; `note` adds what differs by command (the default).
FieldInfo shared_field(const std::string& name, const std::string& note = "");
// `f` required; `f` with its default as help shows it.
FieldInfo required(FieldInfo f);
FieldInfo with_default(FieldInfo f, const std::string& text);
// An option CLI11 converted before the API kept it: its placeholder in the
// help (INT, FLOAT), any number, its range the command's own (own_range).
FieldInfo typed_field(const std::string& name, const std::string& help, const char* type_name,
                      const std::string& default_text = "");
// --params/-N, required: the model size a law is asked about (tokens, loss).
FieldInfo params_field();
// A file the command reads, named first on its command line without a flag.
FieldInfo input_file_field(const std::string& name, const std::string& help);
// --law: a preset name or a law JSON file.
FieldInfo law_field();
// --hardware-db: a JSON file adding or overriding accelerators, grids, PUE.
FieldInfo hardware_db_field();
// --output/-o: a file the command writes. A request's std::optional<std::string>
// holds it: given empty, the command refuses it (check_output_path) rather
// than writing nothing silently.
FieldInfo output_field(const std::string& help);

// The planner input the fields ask for (params and tokens set by the caller).
planner::ForecastInput forecast_input(const ForecastFields& f);
// planner::forecast on the default cluster, refusing what the fields make
// impossible: too few accelerators to hold the model, measured hours
// below the peak's.
planner::Forecast checked_forecast(const hardware_db::Database& db, const planner::ForecastInput& in,
                                   std::optional<double> deadline_days = std::nullopt);
// When a hardware is given: the forecast of (params, tokens) under
// "forecast" in the document and as rows of the table; else refuses the
// fields that only change a forecast.
void add_optional_forecast(const ForecastFields& fields, double params, double tokens,
                           nlohmann::ordered_json& doc, Table& t);

void add_forecast_rows(Table& t, const planner::Forecast& f);
// The EPS measures and, for High, the recomputed alternatives.
void add_advice_rows(Table& t, const planner::Advice& a);

// A JSON object a command reads from a file of at most `max_bytes`: the
// file's own refusals (missing, not a regular file, too large), a key
// given twice, text that is not JSON or not an object, each one line in
// `field` naming the path; `expected` says what the file should be.
nlohmann::json read_json_object_file(const std::string& path, const std::string& field,
                                     const std::string& expected, std::uintmax_t max_bytes);

}  // namespace scaleplan::api
