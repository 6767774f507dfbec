// _scaleplan: the API's commands (api/command.h) as Python functions: keyword
// arguments are the command's fields, the answer its document, a refusal a
// ValueError naming the field; the only computation of its own is a loop of
// laws::loss for NumPy sweeps.
#include <pybind11/numpy.h>
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include <cmath>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

#include "api/command.h"
#include "api/law_choice.h"
#include "api/units.h"
#include "laws/law.h"
#include "laws/presets.h"

namespace py = pybind11;
using nlohmann::json;
using nlohmann::ordered_json;

namespace {

// Options arrive already reduced to str/int/float/bool/None and lists of
// those by the Python package; anything else is the caller's mistake.
json to_json(const std::string& key, py::handle v) {
  if (v.is_none()) return nullptr;
  if (py::isinstance<py::bool_>(v)) return v.cast<bool>();
  if (py::isinstance<py::int_>(v)) {
    try {
      return v.cast<long long>();
    } catch (const py::cast_error&) {
      return v.cast<double>();  // beyond 64 bits: the CLI parses it as a double anyway
    }
  }
  if (py::isinstance<py::float_>(v)) return v.cast<double>();
  if (py::isinstance<py::str>(v)) return v.cast<std::string>();
  if (py::isinstance<py::list>(v) || py::isinstance<py::tuple>(v)) {
    json items = json::array();
    for (py::handle item : v) items.push_back(to_json(key, item));
    return items;
  }
  throw py::value_error(key + ": expected a number, a string, True/False or a list, got " +
                        py::repr(v).cast<std::string>());
}

// NaN and infinities print as null in the --json text; the Python document
// says None there too, so it equals json.loads of the binary's output.
py::object to_python(const ordered_json& j) {
  switch (j.type()) {
    case ordered_json::value_t::object: {
      py::dict d;
      for (const auto& [k, v] : j.items()) d[py::str(k)] = to_python(v);
      return d;
    }
    case ordered_json::value_t::array: {
      py::list l(j.size());
      for (size_t i = 0; i < j.size(); ++i) l[i] = to_python(j[i]);
      return l;
    }
    case ordered_json::value_t::string:
      return py::str(j.get_ref<const std::string&>());
    case ordered_json::value_t::boolean:
      return py::bool_(j.get<bool>());
    case ordered_json::value_t::number_integer:
      return py::int_(j.get<long long>());
    case ordered_json::value_t::number_unsigned:
      return py::int_(j.get<unsigned long long>());
    case ordered_json::value_t::number_float: {
      const double x = j.get<double>();
      return std::isfinite(x) ? py::object(py::float_(x)) : py::none();
    }
    default:
      return py::none();
  }
}

// The keyword arguments as the command's fields ('-' read as '_'), the
// positional ones in the order of its positional fields.
json inputs_for(const scaleplan::api::Command& c, const py::dict& options,
                const std::vector<std::string>& positional) {
  json in = json::object();
  size_t next = 0;
  for (const scaleplan::api::FieldInfo& f : c.fields) {
    if (f.positional && next < positional.size()) in[f.name] = positional[next++];
  }
  if (next < positional.size())
    throw py::value_error(c.name + ": takes " + std::to_string(next) + " positional arguments, got " +
                          std::to_string(positional.size()));
  for (const auto& [k, v] : options) {
    std::string key = py::str(k);
    for (char& ch : key) ch = ch == '-' ? '_' : ch;
    if (key == "json") continue;
    if (in.contains(key)) throw py::value_error(key + ": given twice");
    in[key] = to_json(key, v);
  }
  return in;
}

py::object call(const std::string& command, const py::dict& options,
                const std::vector<std::string>& positional) {
  const scaleplan::api::Command* c = scaleplan::api::find_command(command);
  ordered_json doc;
  try {
    if (c == nullptr) scaleplan::api::run(command, json::object());  // refused: names the commands
    const json in = inputs_for(*c, options, positional);
    // A plan takes microseconds, a fit with bootstrap minutes: other Python
    // threads run meanwhile.
    py::gil_scoped_release release;
    doc = scaleplan::api::run(command, in).document;
  } catch (const scaleplan::Error& e) {
    throw py::value_error(e.what());
  }  // anything else is an internal error: RuntimeError, pybind11's std::exception
  return to_python(doc);
}

// The command's summary, fields and example, for the Python docstrings.
std::string usage(const std::string& command) {
  const scaleplan::api::Command* c = scaleplan::api::find_command(command);
  if (c == nullptr) return "";
  std::string text = c->summary + "\n\nKeyword arguments (the command's fields):\n";
  for (const scaleplan::api::FieldInfo& f : c->fields) {
    text += "  " + f.name + ": " + f.help;
    if (!f.default_text.empty()) text += " [default: " + f.default_text + "]";
    if (f.required) text += " (required)";
    text += "\n";
  }
  return text + "\n" + c->example + "\n";
}

double parse_quantity(const std::string& text, const std::string& field) {
  try {
    return scaleplan::api::parse_quantity(text, field);
  } catch (const scaleplan::api::InputError& e) {
    throw py::value_error(e.what());
  }
}

void check_positive(const char* field, const double* x, py::ssize_t n) {
  for (py::ssize_t i = 0; i < n; ++i) {
    if (!(std::isfinite(x[i]) && x[i] > 0)) {
      throw py::value_error(std::string(field) + "[" + std::to_string(i) +
                            "]: " + py::repr(py::float_(x[i])).cast<std::string>() +
                            " is not a positive finite number; expected parameters or tokens such as 7e9");
    }
  }
}

using Array = py::array_t<double, py::array::c_style | py::array::forcecast>;

// L(N, D[, U]) over equal-length 1-D arrays (the package broadcasts): the
// law is resolved once, as `scaleplan loss --law` resolves it, then one loop.
Array loss_array(const Array& params, const Array& tokens, const std::string& law_name,
                 const std::optional<Array>& unique_tokens) {
  const py::ssize_t n = params.size();
  if (tokens.size() != n || (unique_tokens && unique_tokens->size() != n)) {
    throw py::value_error("params, tokens and unique_tokens must have the same length");
  }
  scaleplan::laws::Law law;
  try {
    law = scaleplan::api::law_for(law_name.empty() ? scaleplan::laws::kDefaultLaw : law_name,
                                  unique_tokens.has_value());
  } catch (const scaleplan::laws::LawError& e) {
    throw py::value_error(e.what());
  }
  const double* p = params.data();
  const double* d = tokens.data();
  const double* u = unique_tokens ? unique_tokens->data() : nullptr;
  check_positive("params", p, n);
  check_positive("tokens", d, n);
  if (u) check_positive("unique_tokens", u, n);
  Array out(n);
  double* l = out.mutable_data();
  {
    py::gil_scoped_release release;
    for (py::ssize_t i = 0; i < n; ++i) {
      l[i] = u ? scaleplan::laws::loss(law, p[i], d[i], u[i]) : scaleplan::laws::loss(law, p[i], d[i]);
    }
  }
  return out;
}

}  // namespace

PYBIND11_MODULE(_scaleplan, m) {
  m.doc() = "The scaleplan command line as functions (use the `scaleplan` package, not this module).";
  m.def("call", &call, py::arg("command"), py::arg("options"),
        py::arg("positional") = std::vector<std::string>{},
        "Runs the API's COMMAND on its fields (keyword names, '_' or '-'); returns its document.\n"
        "Raises ValueError naming the field on bad input, RuntimeError on an internal error.");
  m.def("loss_array", &loss_array, py::arg("params"), py::arg("tokens"), py::arg("law") = "",
        py::arg("unique_tokens") = py::none(),
        "L(N, D[, U]) element-wise over equal-length 1-D float64 arrays, the law (default: the "
        "CLI's)\nresolved once.");
  m.def("parse_quantity", &parse_quantity, py::arg("text"), py::arg("field"),
        "A human number ('7B', '1.4T', '5.76e23') as the CLI reads it.");
  m.def("usage", &usage, py::arg("command"), "The command's summary, fields and example.");
  m.attr("__version__") = SCALEPLAN_VERSION;
}
