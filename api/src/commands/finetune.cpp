// scaleplan finetune: full fine-tuning, LoRA and QLoRA side by side; and
// scaleplan models, the catalogue their shapes come from.
#include <algorithm>
#include <cmath>
#include <sstream>

#include "api/units.h"
#include "commands.h"
#include "hardware_db/database.h"
#include "hardware_db/records_json.h"
#include "planning/advisor_json.h"
#include "planning/finetune.h"
#include "planning/finetune_json.h"
#include "shared_fields.h"

namespace scaleplan::api {

namespace {

using nlohmann::ordered_json;

struct FinetuneRequest {
  std::string model, hardware, methods = "full,lora,qlora", optimizer = "adamw", hardware_db;
  std::optional<double> params, mfu, power_w, offset_price;
  GridFields grid;
  double tokens = 0;
  int lora_rank = 16, seq_len = 2048;
  // Given, the micro-batch is kept; absent, the planner searches from 4.
  std::optional<int> micro_batch, gpus;
  bool recompute = false;

  static const Schema<FinetuneRequest>& schema();
};

const Schema<FinetuneRequest>& FinetuneRequest::schema() {
  using R = FinetuneRequest;
  static const auto s =
      Schema<R>()
          .add({.name = "model", .help = "a model of the catalogue (e.g. llama-2-7b)"}, &R::model)
          .add({.name = "params",
                .help = "model size, for a standard shape when no --model",
                .short_name = "N"},
               &R::params)
          .add({.name = "tokens",
                .help = "fine-tuning tokens, e.g. 100M",
                .short_name = "D",
                .required = true},
               &R::tokens)
          .add(required(shared_field("hardware")), &R::hardware)
          .add({.name = "methods",
                .help = "comma-separated: full, lora, qlora",
                .default_text = "full,lora,qlora"},
               &R::methods)
          .add({.name = "optimizer", .help = "adamw, adamw-8bit, adafactor or sgd", .default_text = "adamw"},
               &R::optimizer)
          .add(typed_field("lora_rank", "LoRA rank r (all linear layers)", "INT", "16"), &R::lora_rank)
          .add(typed_field("seq_len", "sequence length", "INT", "2048"), &R::seq_len)
          .add(typed_field("micro_batch", "sequences per GPU per step", "INT", "4"), &R::micro_batch)
          .add({.name = "recompute",
                .help = "full activation recomputation (8N instead of 6N FLOPs per token)"},
               &R::recompute)
          .add(shared_field("gpus", "default: the fewest that fit"), &R::gpus)
          .add(shared_field("mfu", "default 0.15 for padded fine-tuning"), &R::mfu)
          .group(&R::grid, GridFields::schema())
          .add(shared_field("power_w", "needed for parts with no published TDP"), &R::power_w)
          .add(shared_field("offset_price"), &R::offset_price)
          .add(hardware_db_field(), &R::hardware_db);
  return s;
}

std::vector<planner::Method> methods_of(const std::string& list) {
  std::vector<planner::Method> methods;
  std::stringstream ss(list);
  for (std::string m; std::getline(ss, m, ',');) {
    const auto method = planner::method_from_name(m);
    if (std::find(methods.begin(), methods.end(), method) != methods.end()) {
      throw InputError(Field{"methods"}, "'" + m + "' is listed twice in '" + list +
                                             "'; expected each of full, lora, qlora once");
    }
    methods.push_back(method);
  }
  return methods;
}

planner::FinetuneRequest request_from(const FinetuneRequest& o) {
  planner::FinetuneRequest r;
  if (!o.model.empty()) r.model = o.model;
  r.params = o.params;
  r.tokens = o.tokens;
  r.hardware = o.hardware;
  r.methods = methods_of(o.methods);
  r.optimizer = planner::optimizer_from_name(o.optimizer);
  r.lora_rank = o.lora_rank;
  r.seq_len = o.seq_len;
  r.micro_batch = o.micro_batch.value_or(r.micro_batch);
  r.recompute = o.recompute;
  r.search_micro_batch = !o.micro_batch;
  r.gpus = o.gpus;
  r.mfu = o.mfu;
  o.grid.fill(r);
  r.power_w = o.power_w;
  return r;
}

// One method's row: GPUs (or why it does not fit), memory, time, footprint.
void add_method_row(Table& t, const planner::FinetuneRequest& req, const planner::MethodResult& m) {
  const std::string fits = m.fits ? accelerator_noun(req.hardware, m.gpus) : "does not fit";
  t.row(std::string(planner::method_name(m.method)) + (m.cheapest ? " *" : ""), fits,
        short_number(hardware_db::bytes_to_gib(m.memory.total_gb() * 1e9)) + " GiB each, " +
            short_number(m.flops) + " FLOPs, " + human_hours(m.forecast.gpu_hours) + ", " +
            human_days(m.forecast.wall_days) + ", " + human_energy_kwh(m.energy_kwh) + ", " +
            human_co2_kg(m.co2_kg) + ", " + planner::tier_name(m.tier) +
            (m.fits && m.config_changed ? "; to fit: micro-batch " + std::to_string(m.micro_batch) + " x " +
                                              std::to_string(m.gradient_accumulation) + " accumulation" +
                                              (m.recompute ? ", recompute" : "")
                                        : "") +
            (m.fits ? "" : "; " + m.why_not));
}

void add_method_notes(Table& t, const planner::FinetuneRequest& req, const planner::FinetuneResult& res) {
  t.line(
      "* cheapest in energy among the methods that fit. QLoRA saves memory and GPUs, not energy per token:");
  t.line("  dequantising the 4-bit base makes each token ~1.45x slower than 16-bit LoRA.");
  t.line("MFU " + short_number(req.mfu.value_or(planner::kFinetuneMfu)) +
         " (short, padded fine-tuning batches; --mfu to override)" +
         (res.shape_derived ? "; shape derived from --params (Llama proportions)" : ""));
}

Result run_finetune(const FinetuneRequest& o) {
  const planner::FinetuneRequest req = request_from(o);
  const auto db = hardware_db::Database::load(o.hardware_db);
  const planner::FinetuneResult res = planner::plan_finetune(db, req);
  const planner::Advice advice = planner::advise_finetune(db, req, res, o.offset_price);
  const std::string hardware_id = db.accelerator(req.hardware).id;

  auto doc = new_document("finetune");
  doc.update(planner::finetune_json(req, res, hardware_id));
  doc["eps_measures"] = advice.measures;
  doc["recommendations"] = planner::advice_json(advice);
  doc["not_recommended"] = advice.not_listed;  // changes tried, and why they are not advice
  return {std::move(doc), [req, res, advice, hardware_id] {
            Table t("Fine-tuning " + res.shape.name + " (" + human_count(res.shape.params) + ") on " +
                    human_count(req.tokens) + " tokens, " + hardware_id + ", " +
                    planner::optimizer_name(req.optimizer) + " (estimates)");
            for (const auto& m : res.methods) add_method_row(t, req, m);
            add_method_notes(t, req, res);
            add_advice_rows(t, advice);
            return t.render();
          }};
}

struct ModelsRequest {
  std::string hardware_db;

  static const Schema<ModelsRequest>& schema() {
    static const auto s = Schema<ModelsRequest>().add(hardware_db_field(), &ModelsRequest::hardware_db);
    return s;
  }
};

Result run_models(const ModelsRequest& r) {
  const auto db = hardware_db::Database::load(r.hardware_db);
  auto doc = new_document("models");
  doc["models"] = ordered_json::array();
  for (const auto& m : db.models()) doc["models"].push_back(hardware_db::model_json(m));
  return {std::move(doc), [models = db.models()] {
            Table t("Open base models (" + std::to_string(models.size()) + ")");
            for (const auto& m : models) {
              t.row(m.id, human_count(m.params),
                    std::to_string(m.layers) + " layers x " + std::to_string(m.hidden) + ", " +
                        (m.training_tokens ? human_count(*m.training_tokens) + " tokens"
                                           : std::string("tokens undisclosed")) +
                        ", " + m.licence);
            }
            return t.render();
          }};
}

}  // namespace

Command finetune_command() {
  return command<FinetuneRequest>(
      "finetune", "Full fine-tuning vs LoRA vs QLoRA: GPUs, memory, time, energy, CO2",
      "Example:\n  scaleplan finetune --model llama-2-7b --tokens 100M --hardware a100-sxm4-80gb\n"
      "  scaleplan finetune --params 65B --tokens 50M --hardware rtx-a6000 --methods qlora --micro-batch 1 "
      "--seq-len 1024 --recompute",
      run_finetune);
}

Command models_command() {
  return command<ModelsRequest>("models", "The catalogue of open base models and their shapes",
                                "Example:\n  scaleplan models --json", run_models);
}

}  // namespace scaleplan::api
