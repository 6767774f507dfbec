// scaleplan finetune: full fine-tuning, LoRA and QLoRA side by side; and
// scaleplan models, the catalogue their shapes come from.
#include <algorithm>
#include <cmath>
#include <sstream>

#include "api/units.h"
#include "commands.h"
#include "emit_folder.h"
#include "hardware_db/database.h"
#include "hardware_db/records_json.h"
#include "planning/advisor_json.h"
#include "planning/finetune.h"
#include "planning/finetune_json.h"
#include "recipe_output.h"
#include "shared_fields.h"
#include "systems/hf_config.h"

namespace scaleplan::api {

namespace {

using nlohmann::ordered_json;

// What the run trains on: tokens, or examples, epochs and their length.
struct DataFields {
  double tokens = 0;
  std::optional<double> examples, mean_length;
  int epochs = 1;
  bool packing = false;

  static Schema<DataFields> schema() {
    using D = DataFields;
    return Schema<D>()
        .add({.name = "tokens", .help = "fine-tuning tokens, every epoch, e.g. 100M", .short_name = "D"},
             &D::tokens)
        .add(typed_field("examples", "training examples, instead of --tokens", "N", "none"), &D::examples)
        .add(typed_field("epochs", "passes over the examples", "INT", "1"), &D::epochs)
        .add(typed_field("mean_length", "mean tokens per example", "TOKENS", "--seq-len"), &D::mean_length)
        .add({.name = "packing",
              .help = "concatenate examples into full sequences (default: each padded to --seq-len)"},
             &D::packing);
  }
  void fill(planner::FinetuneRequest& r) const {
    r.tokens = tokens;
    r.examples = examples;
    r.epochs = epochs;
    r.mean_length = mean_length;
    r.packing = packing;
  }
};

struct FinetuneRequest {
  std::string model, config, hardware, methods = "full,lora,qlora", optimizer = "adamw", hardware_db;
  std::optional<double> params, mfu, power_w, offset_price;
  GridFields grid;
  DataFields data;
  EmitFields emit;
  int lora_rank = 16, seq_len = 2048, global_batch = planner::kFinetuneGlobalBatch;
  std::string lora_targets = "all-linear";
  // Given, the micro-batch is kept; absent, the layout search chooses it.
  std::optional<int> micro_batch, gpus;
  std::optional<double> deadline_hours, deadline_days;
  bool recompute = false;

  static const Schema<FinetuneRequest>& schema();
};

Schema<EmitFields> finetune_emit_schema() {
  return Schema<EmitFields>()
      .add({.name = "emit",
            .help = "write DIR/training_args.json, lora_config.json and bnb_config.json (Hugging Face "
                    "Trainer, PEFT, bitsandbytes) for the cheapest method, and DIR/plan.json",
            .local_only = true},
           &EmitFields::dir)
      .add({.name = "force", .help = "with --emit: replace a folder that is not empty", .local_only = true},
           &EmitFields::force);
}

const Schema<FinetuneRequest>& FinetuneRequest::schema() {
  using R = FinetuneRequest;
  static const auto s =
      Schema<R>()
          .add({.name = "model", .help = "a model of the catalogue (e.g. llama-2-7b)"}, &R::model)
          .add({.name = "params",
                .help = "model size, for a standard shape when no --model",
                .short_name = "N"},
               &R::params)
          .add({.name = "config",
                .help = "a Hugging Face config.json (Llama, Mistral, Qwen2/3, Phi-3/4, OLMo 2, SmolLM3; "
                        "head_dim = hidden / heads)",
                .type_name = "FILE"},
               &R::config)
          .group(&R::data, DataFields::schema())
          .add(required(shared_field("hardware")), &R::hardware)
          .add({.name = "methods",
                .help = "comma-separated: full, lora, qlora",
                .default_text = "full,lora,qlora"},
               &R::methods)
          .add({.name = "optimizer", .help = "adamw, adamw-8bit, adafactor or sgd", .default_text = "adamw"},
               &R::optimizer)
          .add(typed_field("lora_rank", "LoRA rank r", "INT", "16"), &R::lora_rank)
          .add({.name = "lora_targets",
                .help = "matrices with adapters: all-linear, attention (q, k, v, o) or qv",
                .default_text = "all-linear"},
               &R::lora_targets)
          .add(typed_field("seq_len", "sequence length", "INT", "2048"), &R::seq_len)
          .add(typed_field("global_batch", "sequences per optimizer step", "INT", "16"), &R::global_batch)
          .add(typed_field("micro_batch", "sequences per GPU per forward pass", "INT",
                           "the layout search's choice"),
               &R::micro_batch)
          .add({.name = "recompute", .help = "force full activation recomputation (default: searched)"},
               &R::recompute)
          .add(shared_field("gpus", "default: the fewest that hold the run (or meet the deadline)"), &R::gpus)
          .add(typed_field("deadline_hours", "the fewest GPUs that finish within this wall clock", "HOURS",
                           "none"),
               &R::deadline_hours)
          .add(typed_field("deadline_days", "the same in days", "DAYS", "none"), &R::deadline_days)
          .add(shared_field("mfu", "default: the layout model's step time"), &R::mfu)
          .group(&R::grid, GridFields::schema())
          .add(shared_field("power_w", "needed for parts with no published TDP"), &R::power_w)
          .add(shared_field("offset_price"), &R::offset_price)
          .add(hardware_db_field(), &R::hardware_db)
          .group(&R::emit, finetune_emit_schema());
  return s;
}

// --config: a config.json of at most 1 MiB (real ones are a few KB).
hardware_db::ModelShape config_shape(const std::string& path) {
  return planner::shape_from_hf_config(read_json_object_file(path, "config", "a model config.json", 1u << 20),
                                       path);
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
  if (!o.config.empty()) r.shape = config_shape(o.config);
  r.params = o.params;
  o.data.fill(r);
  r.hardware = o.hardware;
  r.methods = methods_of(o.methods);
  r.optimizer = planner::optimizer_from_name(o.optimizer);
  r.lora_rank = o.lora_rank;
  r.lora_targets = planner::lora_targets_from_name(o.lora_targets);
  r.seq_len = o.seq_len;
  r.global_batch = o.global_batch;
  if (o.deadline_hours && o.deadline_days) {
    throw InputError(Field{"deadline_days"}, "give --deadline-hours or --deadline-days, not both");
  }
  if (o.deadline_days)
    r.deadline_hours = *o.deadline_days * 24;
  else
    r.deadline_hours = o.deadline_hours;
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
  const std::string name = std::string(planner::method_name(m.method)) + (m.cheapest ? " *" : "");
  if (!m.fits) {
    t.row(name, "does not fit", m.why_not);
    return;
  }
  const double comm_s = m.step.tp_comm_s + m.step.pp_comm_s + m.step.dp_exposed_s;
  t.row(name, accelerator_noun(req.hardware, m.gpus),
        short_number(hardware_db::bytes_to_gib(m.memory.total_gb() * 1e9)) + " GiB each, " +
            human_hours(m.forecast.gpu_hours) + ", " + human_days(m.forecast.wall_days) + ", " +
            human_energy_kwh(m.energy_kwh) + ", " + human_co2_kg(m.co2_kg) + ", " +
            planner::tier_name(m.tier));
  t.row("", "",
        m.layout.describe() + ", " + human_count(m.step.tokens_per_s) + " tokens/s, MFU " +
            short_number(m.step.mfu) + (req.mfu ? " (given)" : "") + ", communication " +
            short_number(100 * comm_s / m.step.step_s) + "% of the step, " + short_number(m.flops) +
            " FLOPs");
  if (const std::string c = planner::time_caveat(m); !c.empty()) t.row("", "", "time: " + c);
  if (m.deadline_missed) {
    t.row("", "",
          "no count finishes within " + short_number(planner::kDefaultDeadlineDays) +
              " days: the global batch of " + std::to_string(req.global_batch) +
              " sequences caps data parallelism (--global-batch to raise it); shown on the fewest GPUs");
  }
  if (m.deadline_assumed) {
    t.row("", "",
          "on the fewest GPUs that finish within the default " + short_number(planner::kDefaultDeadlineDays) +
              " days (fewer would take longer; --gpus or --deadline-days to choose)");
  }
}

void add_method_notes(Table& t, const planner::FinetuneRequest& req, const planner::FinetuneResult& res) {
  const planner::MethodResult *lora = nullptr, *qlora = nullptr;
  for (const auto& m : res.methods) {
    if (m.fits && m.method == planner::Method::kLora) lora = &m;
    if (m.fits && m.method == planner::Method::kQlora) qlora = &m;
  }
  t.line("* cheapest in energy among the methods that fit.");
  if (lora && qlora) {
    t.line(
        qlora->energy_kwh < lora->energy_kwh
            ? "  QLoRA costs less than LoRA here: its 4-bit base leaves room for a leaner layout (" +
                  qlora->layout.describe() + "), which outweighs dequantising it for every product."
            : "  QLoRA saves memory and GPUs, not energy per token: it dequantises the 4-bit base for every "
              "matrix product.");
  }
  t.line(req.mfu
             ? "time from the given MFU " + short_number(*req.mfu)
             : std::string("time: the training loop's modelled steady state (no evaluation, checkpoints or "
                           "restarts), global batch ") +
                   std::to_string(req.global_batch) + " x " + std::to_string(req.seq_len) + " tokens" +
                   (res.shape_derived ? "; shape derived from --params (Llama proportions)" : ""));
}

// "100M tokens", or "52.0k examples x 3 epochs (79.9M tokens)".
std::string data_text(const planner::FinetuneRequest& req, const planner::FinetuneResult& res) {
  if (!req.examples) return human_count(res.tokens) + " tokens";
  return human_count(*req.examples) + " examples x " + std::to_string(req.epochs) + " epoch" +
         (req.epochs == 1 ? "" : "s") + " (" + human_count(res.tokens) + " tokens" +
         (req.packing ? ", packed" : "") + ")";
}

// Padding's share of the tokens and of the cheapest method's energy.
void add_padding_line(Table& t, const planner::FinetuneResult& res) {
  if (res.padding_tokens <= 0) return;
  const double share = res.padding_tokens / res.tokens;
  for (const auto& m : res.methods) {
    if (!m.cheapest) continue;
    t.line("padding: " + human_count(res.padding_tokens) + " of the " + human_count(res.tokens) +
           " tokens (" + short_number(100 * share) + "%), ~" + human_energy_kwh(m.energy_kwh * share) +
           " of the " + planner::method_name(m.method) +
           " run; --packing processes the examples' own tokens only");
  }
}

const planner::MethodResult& cheapest(const planner::FinetuneResult& res) {
  for (const auto& m : res.methods) {
    if (m.cheapest) return m;
  }
  return res.methods.front();  // plan_finetune marks one or throws
}

std::vector<std::string> emitted_files(const planner::Method method) {
  std::vector<std::string> names = {"training_args.json"};
  if (method != planner::Method::kFull) names.push_back("lora_config.json");
  if (method == planner::Method::kQlora) names.push_back("bnb_config.json");
  names.push_back("plan.json");
  return names;
}

std::string emitted_names(const planner::FinetuneResult& res) {
  std::string out;
  for (const auto& n : emitted_files(cheapest(res).method)) out += (out.empty() ? "" : ", ") + n;
  return out;
}

// --emit DIR: the trainer's files for the cheapest method, atomically.
void emit_trainer_folder(const FinetuneRequest& o, const planner::FinetuneRequest& req,
                         const planner::FinetuneResult& res, bool bf16, ordered_json& doc) {
  if (!o.emit.dir) return;
  const planner::Layout& l = cheapest(res).layout;
  if (l.tensor_parallel > 1 || l.pipeline_parallel > 1) {
    throw InputError(Field{"emit"},
                     "the plan's layout " + l.describe() +
                         " needs tensor or pipeline parallelism, which the Hugging Face Trainer "
                         "does not run; nothing written (more GPUs or a smaller model for a "
                         "data-parallel layout)");
  }
  const auto files = planner::trainer_files(req, res, cheapest(res), bf16);
  const auto names = emitted_files(cheapest(res).method);
  doc["emitted"] = {{"folder", folder_name(*o.emit.dir)}, {"files", names}, {"notes", files["notes"]}};
  std::vector<std::pair<std::string, std::string>> contents;
  for (const char* key : {"training_args", "lora_config", "bnb_config"}) {
    if (files.contains(key)) contents.push_back({std::string(key) + ".json", files[key].dump(2) + "\n"});
  }
  contents.push_back({"plan.json", doc.dump(2) + "\n"});
  write_folder_atomically(*o.emit.dir, contents, o.emit.force, {o.hardware_db, o.config}, "emit");
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
  emit_trainer_folder(o, req, res, db.accelerator(req.hardware).bf16_tflops.has_value(), doc);
  return {std::move(doc), [req, res, advice, hardware_id, emit = o.emit.dir] {
            Table t("Fine-tuning " + res.shape.name + " (" + human_count(res.shape.params) + ") on " +
                    data_text(req, res) + ", " + hardware_id + ", " + planner::optimizer_name(req.optimizer) +
                    " (estimates)");
            for (const auto& m : res.methods) add_method_row(t, req, m);
            add_method_notes(t, req, res);
            add_padding_line(t, res);
            if (emit)
              t.line("wrote " + folder_name(*emit) + "/ for the cheapest method: " + emitted_names(res));
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
