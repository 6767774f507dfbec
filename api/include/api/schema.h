#pragma once
// A command's inputs, typed: each field of a request has a name (the JSON
// key and Python keyword; the flag is --name with '-' for '_'), a kind
// given by the member it fills, a help text, and its domain (api/units.h,
// keyed by the name, so a field means the same in every command). The
// faces hand over what they were given as JSON values (the CLI as the
// strings typed); Schema::parse checks every value once, in one place, and
// fills the request. A refusal is an InputError naming the field.
//
//   quantity  std::optional<double> / double: a positive number, or a string
//             such as "7B", "1.4T", "5.76e23", within the field's domain
//   count     std::optional<int> / int: a whole number within the domain
//   text      std::string / std::optional<std::string>, one of `choices`
//             when the field has them
//   list      std::vector<std::string>: a JSON array, or "a,b,c"
//             (one item where the field's items are whole)
//   flag      bool: true or false

#include <functional>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include <nlohmann/json.hpp>

#include "api/errors.h"

namespace scaleplan::api {

enum class Kind { kQuantity, kCount, kText, kList, kFlag };

struct FieldInfo {
  std::string name;                  // target_params
  std::string help;                  // one line; the domain is added from api/units.h
  std::string short_name;            // "N" for -N on the command line
  std::string default_text;          // the default as help shows it; the value is the request's
  std::vector<std::string> choices;  // a text field's accepted values
  bool required = false;
  bool positional = false;  // the CLI takes it without a flag (fit's CSV)
  bool local_only = false;  // names a file to read or write: refused over HTTP
  // The value's name in the command line's help where it is not TEXT (INT,
  // FLOAT, UINT): the options CLI11 converted before the API kept theirs.
  std::string type_name;
  // A count or quantity whose command checks its range itself: any number,
  // zero, negatives, inf and nan included, reaches the command's own message
  // (fit's --bootstrap 0 is none, layout's --zero 0 a stage). Read as the
  // command line read these options before the API: a plain decimal number
  // with no suffix (a count a whole one within int).
  bool own_range = false;
  // A list whose items may hold commas (fit's --where COL=VALUE): a string
  // is one item, and the command line repeats the flag rather than split.
  bool whole_items = false;
  bool takes_document = false;  // a text field that also takes a JSON object (a law given inline)
  Kind kind = Kind::kText;      // set from the member the field fills
};

// The value of one field, as JSON (a string for what was typed).
using Inputs = nlohmann::json;  // an object: name -> value

namespace detail {
double quantity_of(const FieldInfo& f, const nlohmann::json& v);
int count_of(const FieldInfo& f, const nlohmann::json& v);
std::string text_of(const FieldInfo& f, const nlohmann::json& v);
std::vector<std::string> list_of(const FieldInfo& f, const nlohmann::json& v);
bool flag_of(const FieldInfo& f, const nlohmann::json& v);
// The object's keys, each a field of `fields` given once; required ones given.
void check_names(const std::vector<FieldInfo>& fields, const Inputs& inputs);

// The kind of field a member of type T makes, and how a value fills it: one
// reader per kind, the optional and the plain member alike.
template <class T>
struct Member;
template <class T>
struct Member<std::optional<T>> : Member<T> {};
template <>
struct Member<double> {
  static constexpr Kind kind = Kind::kQuantity;
  static double of(const FieldInfo& f, const nlohmann::json& v) { return quantity_of(f, v); }
};
template <>
struct Member<int> {
  static constexpr Kind kind = Kind::kCount;
  static int of(const FieldInfo& f, const nlohmann::json& v) { return count_of(f, v); }
};
template <>
struct Member<std::string> {
  static constexpr Kind kind = Kind::kText;
  static std::string of(const FieldInfo& f, const nlohmann::json& v) { return text_of(f, v); }
};
template <>
struct Member<std::vector<std::string>> {
  static constexpr Kind kind = Kind::kList;
  static std::vector<std::string> of(const FieldInfo& f, const nlohmann::json& v) { return list_of(f, v); }
};
template <>
struct Member<bool> {
  static constexpr Kind kind = Kind::kFlag;
  static bool of(const FieldInfo& f, const nlohmann::json& v) { return flag_of(f, v); }
};
}  // namespace detail

template <class R>
class Schema {
 public:
  using Setter = std::function<void(R&, const FieldInfo&, const nlohmann::json&)>;

  // A field filling the member `m`; its kind and how a value is read follow
  // from the member's type (detail::Member).
  template <class T>
  Schema& add(FieldInfo f, T R::*m) {
    return put(std::move(f), detail::Member<T>::kind, [m](R& r, const FieldInfo& i, const nlohmann::json& v) {
      r.*m = detail::Member<T>::of(i, v);
    });
  }
  // The fields of a part every command of a kind shares (the forecast's
  // hardware, grid and accounting), filling the member `m`.
  template <class G>
  Schema& group(G R::*m, const Schema<G>& part) {
    for (size_t i = 0; i < part.fields().size(); ++i) {
      auto set = part.setter(i);
      fields_.push_back(part.fields()[i]);
      setters_.push_back([m, set](R& r, const FieldInfo& f, const nlohmann::json& v) { set(r.*m, f, v); });
    }
    return *this;
  }

  const std::vector<FieldInfo>& fields() const { return fields_; }
  const Setter& setter(size_t i) const { return setters_[i]; }

  // The request for `inputs`: every key a field, given once; each value of
  // its kind and domain; required fields present. Null and false leave a
  // field at its default.
  R parse(const Inputs& inputs) const {
    detail::check_names(fields_, inputs);
    R r;
    for (size_t i = 0; i < fields_.size(); ++i) {
      auto it = inputs.find(fields_[i].name);
      if (it == inputs.end() || it->is_null()) continue;
      setters_[i](r, fields_[i], *it);
    }
    return r;
  }

 private:
  Schema& put(FieldInfo f, Kind kind, Setter set) {
    f.kind = kind;
    fields_.push_back(std::move(f));
    setters_.push_back(std::move(set));
    return *this;
  }

  std::vector<FieldInfo> fields_;
  std::vector<Setter> setters_;
};

}  // namespace scaleplan::api
