// scaleplan finetune: full fine-tuning, LoRA and QLoRA side by side.
#include <algorithm>
#include <cmath>
#include <sstream>

#include "commands.h"
#include "forecast_output.h"
#include "hardware_db/records_json.h"
#include "planning/finetune.h"
#include "planning/finetune_json.h"
#include "units.h"

namespace scaleplan::cli {

namespace {

using nlohmann::ordered_json;

struct FinetuneOptions {
  std::string params, model, tokens, hardware, methods = "full,lora,qlora", optimizer = "adamw";
  int lora_rank = 16, seq_len = 2048, micro_batch = 4;
  bool recompute = false;
  bool micro_batch_given = false;  // --micro-batch on the command line: not searched
  std::string gpus, mfu, region, carbon_intensity, pue, power_w, offset_price, hardware_db;
  bool json = false;
};

planner::FinetuneRequest request_from(const FinetuneOptions& o) {
  planner::FinetuneRequest r;
  if (!o.model.empty()) r.model = o.model;
  r.params = optional_quantity(o.params, "--params");
  r.tokens = parse_quantity(o.tokens, "--tokens");
  r.hardware = o.hardware;
  r.methods.clear();
  std::stringstream ss(o.methods);
  for (std::string m; std::getline(ss, m, ',');) {
    const auto method = planner::method_from_name(m);
    if (std::find(r.methods.begin(), r.methods.end(), method) != r.methods.end()) {
      throw InputError("--methods: '" + m + "' is listed twice in '" + o.methods +
                       "'; expected each of full, lora, qlora once");
    }
    r.methods.push_back(method);
  }
  r.optimizer = planner::optimizer_from_name(o.optimizer);
  r.lora_rank = o.lora_rank;
  r.seq_len = o.seq_len;
  r.micro_batch = o.micro_batch;
  r.recompute = o.recompute;
  r.search_micro_batch = !o.micro_batch_given;
  if (!o.gpus.empty()) r.gpus = parse_count(o.gpus, "--gpus");
  r.mfu = optional_quantity(o.mfu, "--mfu");
  if (r.mfu && *r.mfu > 1) throw InputError("--mfu: '" + o.mfu + "' must be in (0, 1]");
  if (!o.region.empty()) r.region = o.region;
  r.carbon_intensity = optional_quantity(o.carbon_intensity, "--carbon-intensity");
  r.pue = optional_quantity(o.pue, "--pue");
  r.power_w = optional_quantity(o.power_w, "--power-w");
  return r;
}

// One method's row: GPUs (or why it does not fit), memory, time, footprint.
void add_method_row(Table& t, const planner::FinetuneRequest& req, const planner::MethodResult& m) {
  const std::string fits = m.fits ? accelerator_noun(req.hardware, m.gpus) : "does not fit";
  t.row(std::string(planner::method_name(m.method)) + (m.cheapest ? " *" : ""), fits,
        short_number(m.memory.total_gb()) + " GB each, " + short_number(m.flops) + " FLOPs, " +
            human_hours(m.forecast.gpu_hours) + ", " + human_days(m.forecast.wall_days) + ", " +
            human_energy_kwh(m.energy_kwh) + ", " + human_co2_kg(m.co2_kg) + ", " +
            planner::tier_name(m.tier) +
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

void run_finetune(const FinetuneOptions& o) {
  const planner::FinetuneRequest req = request_from(o);
  const auto db = hardware_db::Database::load(o.hardware_db);
  const planner::FinetuneResult res = planner::plan_finetune(db, req);
  const planner::Advice advice =
      planner::advise_finetune(db, req, res, optional_quantity(o.offset_price, "--offset-price"));
  const std::string hardware_id = db.accelerator(req.hardware).id;

  auto doc = new_document("finetune");
  doc.update(planner::finetune_json(req, res, hardware_id));
  doc["eps_measures"] = advice.measures;
  doc["recommendations"] = planner::advice_json(advice);
  doc["not_recommended"] = advice.not_listed;  // changes tried, and why they are not advice
  Table t("Fine-tuning " + res.shape.name + " (" + human_count(res.shape.params) + ") on " +
          human_count(req.tokens) + " tokens, " + hardware_id + ", " +
          planner::optimizer_name(req.optimizer) + " (estimates)");
  for (const auto& m : res.methods) add_method_row(t, req, m);
  add_method_notes(t, req, res);
  add_advice_rows(t, advice);
  emit(o.json, std::move(doc), t.render());
}

}  // namespace

void setup_finetune(CLI::App& app) {
  auto o = std::make_shared<FinetuneOptions>();
  auto* sub =
      app.add_subcommand("finetune", "Full fine-tuning vs LoRA vs QLoRA: GPUs, memory, time, energy, CO2");
  sub->add_option("--model", o->model, "a model of the catalogue (e.g. llama-2-7b)");
  sub->add_option("--params,-N", o->params, "model size, for a standard shape when no --model");
  sub->add_option("--tokens,-D", o->tokens, "fine-tuning tokens, e.g. 100M")->required();
  add_shared_option(*sub, "--hardware", o->hardware)->required();
  sub->add_option("--methods", o->methods, "comma-separated: full, lora, qlora")->capture_default_str();
  sub->add_option("--optimizer", o->optimizer, "adamw, adamw-8bit, adafactor or sgd")->capture_default_str();
  sub->add_option("--lora-rank", o->lora_rank, "LoRA rank r (all linear layers)")->capture_default_str();
  sub->add_option("--seq-len", o->seq_len, "sequence length")->capture_default_str();
  sub->add_option("--micro-batch", o->micro_batch, "sequences per GPU per step")->capture_default_str();
  sub->add_flag("--recompute", o->recompute,
                "full activation recomputation (8N instead of 6N FLOPs per token)");
  add_shared_option(*sub, "--gpus", o->gpus, "default: the fewest that fit");
  add_shared_option(*sub, "--mfu", o->mfu, "default 0.15 for padded fine-tuning");
  add_shared_option(*sub, "--region", o->region);
  add_shared_option(*sub, "--carbon-intensity", o->carbon_intensity);
  add_shared_option(*sub, "--pue", o->pue);
  add_shared_option(*sub, "--power-w", o->power_w, "needed for parts with no published TDP");
  add_shared_option(*sub, "--offset-price", o->offset_price);
  add_hardware_db_option(*sub, o->hardware_db);
  add_json_flag(*sub, o->json);
  sub->footer(
      "Example:\n  scaleplan finetune --model llama-2-7b --tokens 100M --hardware a100-sxm4-80gb\n"
      "  scaleplan finetune --params 65B --tokens 50M --hardware rtx-a6000 --methods qlora --micro-batch 1 "
      "--seq-len 1024 --recompute");
  reset_each_parse(*sub, o);
  sub->callback([o, sub] {
    o->micro_batch_given = sub->count("--micro-batch") > 0;
    run_finetune(*o);
  });
}

void setup_models(CLI::App& app) {
  struct Options {
    std::string db;
    bool json = false;
  };
  auto o = std::make_shared<Options>();
  auto* sub = app.add_subcommand("models", "The catalogue of open base models and their shapes");
  add_hardware_db_option(*sub, o->db);
  add_json_flag(*sub, o->json);
  sub->footer("Example:\n  scaleplan models --json");
  reset_each_parse(*sub, o);
  sub->callback([o] {
    const auto db = hardware_db::Database::load(o->db);
    auto doc = new_document("models");
    doc["models"] = ordered_json::array();
    Table t("Open base models (" + std::to_string(db.models().size()) + ")");
    for (const auto& m : db.models()) {
      doc["models"].push_back(hardware_db::model_json(m));
      t.row(m.id, human_count(m.params),
            std::to_string(m.layers) + " layers x " + std::to_string(m.hidden) + ", " +
                (m.training_tokens ? human_count(*m.training_tokens) + " tokens"
                                   : std::string("tokens undisclosed")) +
                ", " + m.licence);
    }
    emit(o->json, std::move(doc), t.render());
  });
}

}  // namespace scaleplan::cli
