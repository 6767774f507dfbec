#pragma once
// The one way a user's JSON is read. nlohmann's parser keeps the last of a
// key given twice in one object, so {"gpus": 8, "gpus": 800} would plan
// with 800 GPUs where a reader of the file sees 8 first: such a document
// is refused, naming the key, as it is nested too deep to be an input.

#include <nlohmann/json.hpp>

#include <set>
#include <string>
#include <string_view>
#include <vector>

namespace scaleplan {

// A parsed document, or why it was refused.
template <class Json>
struct StrictJson {
  Json doc;             // discarded when the text is not JSON or `problem` is set
  std::string problem;  // "the key 'gpus' is given twice in one object"; empty when read
  std::string syntax;   // where the text stops being JSON, as nlohmann says it; empty when it is JSON
};

namespace detail {

struct RefusedJson {
  std::string problem;
};

}  // namespace detail

// Parses `text`; a syntax error leaves `doc` discarded, `problem` empty and
// `syntax` set, so the caller names the file and what it expected.
template <class Json = nlohmann::json>
StrictJson<Json> parse_strict_json(std::string_view text, int max_depth = 64) {
  std::vector<std::set<std::string>> open_objects;
  const typename Json::parser_callback_t check = [&](int depth, typename Json::parse_event_t event,
                                                     Json& parsed) {
    using Event = typename Json::parse_event_t;
    if (depth > max_depth)
      throw detail::RefusedJson{"nested deeper than " + std::to_string(max_depth) + " levels"};
    if (event == Event::object_start) open_objects.emplace_back();
    if (event == Event::object_end && !open_objects.empty()) open_objects.pop_back();
    if (event == Event::key && !open_objects.empty()) {
      const std::string key = parsed.template get<std::string>();
      if (!open_objects.back().insert(key).second)
        throw detail::RefusedJson{"the key '" + key.substr(0, 40) + (key.size() > 40 ? "..." : "") +
                                  "' is given twice in one object"};
    }
    return true;
  };
  StrictJson<Json> out;
  try {
    out.doc = Json::parse(text, check);
  } catch (const typename Json::exception& e) {
    out.doc = Json(Json::value_t::discarded);
    out.syntax = e.what();
  } catch (const detail::RefusedJson& refused) {
    out.doc = Json(Json::value_t::discarded);
    out.problem = refused.problem;
  }
  return out;
}

}  // namespace scaleplan
