#include "api_command.h"

#include <memory>
#include <string>
#include <vector>

#include "api/output.h"
#include "api/units.h"
#include "commands.h"
#include "progress.h"

namespace scaleplan::cli {

namespace {

// What one parse bound: a string per field (a flag's bool, a list's items
// beside it), and whether --json was given. Reset before every parse: an
// App is parsed again for every in-process call.
struct Bound {
  explicit Bound(size_t fields) : text(fields), lists(fields), flags(new bool[fields]()), size(fields) {}
  void reset() {
    for (std::string& t : text) t.clear();
    for (std::vector<std::string>& l : lists) l.clear();
    for (size_t i = 0; i < size; ++i) flags[i] = false;
    json = false;
  }
  std::vector<std::string> text;  // never resized: CLI11 holds references
  std::vector<std::vector<std::string>> lists;
  std::unique_ptr<bool[]> flags;  // std::vector<bool> has no references to bind
  size_t size;
  bool json = false;
};

std::string option_name(const api::FieldInfo& f) {
  if (f.positional) return f.name;
  std::string name = f.short_name.empty() ? "" : "-" + f.short_name + ",";
  return name + "--" + api::dashed(f.name);
}

CLI::Option* add_field(CLI::App& sub, const api::FieldInfo& f, Bound& b, size_t i) {
  if (f.kind == api::Kind::kFlag) {
    return sub.add_flag(option_name(f), b.flags[i], f.help);
  }
  CLI::Option* o = nullptr;
  if (f.kind == api::Kind::kList) {
    // Repeatable, and split on commas unless an item may hold one.
    o = sub.add_option(option_name(f), b.lists[i], f.help);
    if (!f.whole_items) o->delimiter(',');
  } else {
    o = sub.add_option(option_name(f), b.text[i], f.help);
  }
  if (f.required) o->required();
  if (!f.choices.empty()) o->check(CLI::IsMember(f.choices));
  if (!f.type_name.empty()) o->type_name(f.type_name);
  if (!f.default_text.empty()) o->default_str(f.default_text);
  return o;
}

// The fields the command line gave, as the API takes them.
api::Inputs inputs_of(const api::Command& c, const std::vector<CLI::Option*>& options, const Bound& b) {
  api::Inputs in = api::Inputs::object();
  for (size_t i = 0; i < c.fields.size(); ++i) {
    if (options[i]->count() == 0) continue;
    if (c.fields[i].kind == api::Kind::kFlag) {
      in[c.fields[i].name] = b.flags[i];
    } else if (c.fields[i].kind == api::Kind::kList) {
      in[c.fields[i].name] = b.lists[i];
    } else {
      in[c.fields[i].name] = b.text[i];
    }
  }
  return in;
}

}  // namespace

void setup_api_command(CLI::App& app, const api::Command& c) {
  auto b = std::make_shared<Bound>(c.fields.size());
  auto* sub = app.add_subcommand(c.name, c.summary);
  std::vector<CLI::Option*> options;
  for (size_t i = 0; i < c.fields.size(); ++i) options.push_back(add_field(*sub, c.fields[i], *b, i));
  add_json_flag(*sub, b->json);
  sub->footer(c.example);
  sub->preparse_callback([b](std::size_t) { b->reset(); });
  sub->callback([&c, b, options] {
    const api::ProgressScope progress(stderr_progress);
    api::Result r = c.run(inputs_of(c, options, *b));
    api::emit(b->json, std::move(r.document), b->json || !r.text ? std::string() : r.text());
  });
}

}  // namespace scaleplan::cli
