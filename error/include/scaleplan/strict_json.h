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

// nlohmann's DOM builder with the checks beside it: a key given twice in
// one object and nesting past the limit throw RefusedJson. A SAX handler,
// not a parse callback: the callback parser scans the enclosing array for
// discarded values at the end of every object, quadratic in a database of
// 10,000 accelerators.
template <class Json>
class StrictSax {
 public:
  using number_integer_t = typename Json::number_integer_t;
  using number_unsigned_t = typename Json::number_unsigned_t;
  using number_float_t = typename Json::number_float_t;
  using string_t = typename Json::string_t;
  using binary_t = typename Json::binary_t;

  StrictSax(Json& root, int max_depth) : dom_(root, true), max_depth_(max_depth) {}

  bool null() { return dom_.null(); }
  bool boolean(bool v) { return dom_.boolean(v); }
  bool number_integer(number_integer_t v) { return dom_.number_integer(v); }
  bool number_unsigned(number_unsigned_t v) { return dom_.number_unsigned(v); }
  bool number_float(number_float_t v, const string_t& s) { return dom_.number_float(v, s); }
  bool string(string_t& v) { return dom_.string(v); }
  bool binary(binary_t& v) { return dom_.binary(v); }
  bool start_object(std::size_t n) {
    open();
    keys_.emplace_back();
    return dom_.start_object(n);
  }
  bool key(string_t& k) {
    if (!keys_.back().insert(k).second)
      throw RefusedJson{"the key '" + k.substr(0, 40) + (k.size() > 40 ? "..." : "") +
                        "' is given twice in one object"};
    return dom_.key(k);
  }
  bool end_object() {
    keys_.pop_back();
    --depth_;
    return dom_.end_object();
  }
  bool start_array(std::size_t n) {
    open();
    return dom_.start_array(n);
  }
  bool end_array() {
    --depth_;
    return dom_.end_array();
  }
  bool parse_error(std::size_t position, const std::string& token, const nlohmann::detail::exception& e) {
    return dom_.parse_error(position, token, e);
  }

 private:
  void open() {
    if (++depth_ > max_depth_)
      throw RefusedJson{"nested deeper than " + std::to_string(max_depth_) + " levels"};
  }
  nlohmann::detail::json_sax_dom_parser<Json> dom_;
  std::vector<std::set<string_t>> keys_;
  int depth_ = 0, max_depth_;
};

}  // namespace detail

// Parses `text`; a syntax error leaves `doc` discarded, `problem` empty and
// `syntax` set, so the caller names the file and what it expected.
template <class Json = nlohmann::json>
StrictJson<Json> parse_strict_json(std::string_view text, int max_depth = 64) {
  StrictJson<Json> out;
  try {
    detail::StrictSax<Json> sax(out.doc, max_depth);
    Json::sax_parse(text, &sax);
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
