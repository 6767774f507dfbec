// The HTTP surface: a router over cli::call, and cpp-httplib around it.
#include "serve.h"

#include <httplib.h>
#include <unistd.h>

#include <array>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <stdexcept>
#include <string_view>

#include "laws/law_file.h"
#include "laws/presets.h"
#include "run.h"
#include "web/assets.h"

namespace scaleplan::cli {

namespace {

using nlohmann::json;

// Commands that compute from a body, and listings read with GET.
constexpr std::array<std::string_view, 9> kPostCommands = {
    "plan", "forecast", "tokens", "loss", "allocate", "finetune", "layout", "recipe", "tier"};
constexpr std::array<std::string_view, 4> kGetCommands = {"laws", "hardware", "regions", "models"};

// Options that write files, read a file the request names, or print help
// instead of a document. The server answers documents and touches no file
// a request chooses.
constexpr std::array<std::string_view, 9> kRefusedOptions = {
    "emit", "force", "output", "o", "hardware-db", "plan", "help", "h", "version"};

// Deeper bodies are no option set: refusing them early keeps every later
// recursion (parsing, printing a value back) shallow.
constexpr int kMaxBodyDepth = 8;

struct BadRequest : std::runtime_error {
  using std::runtime_error::runtime_error;
};

template <size_t N>
bool contains(const std::array<std::string_view, N>& names, std::string_view name) {
  for (std::string_view n : names) {
    if (n == name) return true;
  }
  return false;
}

// Invalid UTF-8 (echoed from a bad body into a message) is replaced, not
// thrown on: an answer is always a valid document.
HttpAnswer json_answer(int status, const nlohmann::ordered_json& doc) {
  return {status, doc.dump(-1, ' ', false, json::error_handler_t::replace), "application/json", ""};
}

HttpAnswer error_answer(int status, const std::string& message) {
  return json_answer(status, nlohmann::ordered_json{{"error", message}});
}

// A value quoted in a message, cut short: a 64 KB string is no message.
std::string shown(std::string_view text) {
  constexpr size_t kMax = 40;
  return "'" + std::string(text.substr(0, kMax)) + (text.size() > kMax ? "...'" : "'");
}

json parse_body(const std::string& body) {
  if (body.find_first_not_of(" \t\r\n") == std::string::npos) return json::object();
  const json::parser_callback_t depth_guard = [](int depth, json::parse_event_t, json&) {
    if (depth > kMaxBodyDepth)
      throw BadRequest("body: nested deeper than " + std::to_string(kMaxBodyDepth) + " levels");
    return true;
  };
  json doc;
  try {
    doc = json::parse(body, depth_guard);
  } catch (const json::exception& e) {
    throw BadRequest(std::string("body: expected a JSON object of options, ") + e.what());
  }
  if (!doc.is_object())
    throw BadRequest("body: expected a JSON object of options such as {\"target_params\": \"7B\"}");
  return doc;
}

// A string that begins with '-' would be read by the parser as a flag of
// its own (--emit smuggled in as a value); a negative number is a value.
void check_value(const std::string& key, const json& v) {
  if (!v.is_string()) return;
  const std::string& s = v.get_ref<const std::string&>();
  if (s.empty() || s[0] != '-') return;
  char* end = nullptr;
  std::strtod(s.c_str(), &end);
  if (end == s.c_str() + s.size()) return;
  throw BadRequest(key + ": a value may not begin with '-', got " + shown(s));
}

// The key as the flag it becomes, checked: names only, no "law=path".
std::string option_name(const std::string& key) {
  std::string flag = key;
  for (char& c : flag) c = c == '_' ? '-' : c;
  const bool plain = !flag.empty() && std::isalpha(static_cast<unsigned char>(flag[0])) &&
                     flag.find_first_not_of("abcdefghijklmnopqrstuvwxyz0123456789-") == std::string::npos;
  if (!plain) throw BadRequest(shown(key) + ": expected an option name such as target_params");
  if (contains(kRefusedOptions, flag))
    throw BadRequest(key +
                     ": not available over HTTP (it reads or writes files on the server, or prints help)");
  return flag;
}

// A law written for one request and removed after it.
class InlineLaw {
 public:
  explicit InlineLaw(json law) {
    if (!law.contains("name")) law["name"] = "inline";
    laws::law_from_json(law, "law");  // refuses a bad law with its own message, before any file exists
    std::string pattern = (std::filesystem::temp_directory_path() / "scaleplan-law-XXXXXX.json").string();
    const int fd = mkstemps(pattern.data(), 5);
    if (fd < 0) throw std::runtime_error("cannot create a temporary law file");
    close(fd);
    path_ = pattern;
    std::ofstream(path_) << law.dump();
  }
  ~InlineLaw() {
    if (!path_.empty()) std::remove(path_.c_str());
  }
  InlineLaw(const InlineLaw&) = delete;
  InlineLaw& operator=(const InlineLaw&) = delete;
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

// A preset name passes as it is; an object is a law given inline. Any other
// string could be a path on the server, so it is refused.
void resolve_law_option(json& options, std::unique_ptr<InlineLaw>& inline_law) {
  auto it = options.find("law");
  if (it == options.end() || it->is_null()) return;
  if (it->is_object()) {
    inline_law = std::make_unique<InlineLaw>(*it);
    *it = inline_law->path();
    return;
  }
  std::string names;
  for (const laws::Law& law : laws::presets()) {
    if (it->is_string() && it->get_ref<const std::string&>() == law.name) return;
    names += (names.empty() ? "" : ", ") + law.name;
  }
  throw BadRequest("law: expected a preset name (" + names + ") or a law as a JSON object, got " +
                   shown(it->is_string() ? it->get<std::string>() : it->dump()));
}

HttpAnswer run_command(const std::string& command, json options, const std::vector<std::string>& positional) {
  json checked = json::object();
  for (auto& [key, value] : options.items()) {
    const std::string flag = option_name(key);
    if (value.is_array()) {
      for (const json& item : value) check_value(key, item);
    } else if (value.is_object() && flag != "law") {
      throw BadRequest(key + ": expected a number, a string, a list or true/false");
    }
    check_value(key, value);
    if (checked.contains(flag)) throw BadRequest(key + ": given twice");
    checked[flag] = std::move(value);
  }
  std::unique_ptr<InlineLaw> inline_law;
  resolve_law_option(checked, inline_law);
  checked.erase("json");  // call() asks for the document itself
  try {
    return json_answer(200, call(command, checked, positional));
  } catch (const RequestError& e) {
    return error_answer(400, e.what());
  }
}

HttpAnswer api(const HttpRequest& request, const std::string& command) {
  const bool is_post = contains(kPostCommands, command);
  const bool is_get = contains(kGetCommands, command);
  if (!is_post && !is_get)
    return error_answer(404, "no route " + shown(request.path) + " (see GET / for the API)");
  const bool get = request.method == "GET" || request.method == "HEAD";
  if (is_post && request.method != "POST") {
    auto a = error_answer(405, request.path + " takes POST with a JSON object of options");
    a.allow = "POST";
    return a;
  }
  if (is_get && !get) {
    auto a = error_answer(405, request.path + " takes GET");
    a.allow = "GET, HEAD";
    return a;
  }
  if (is_post) return run_command(command, parse_body(request.body), {});
  json options = json::object();
  for (const auto& [key, value] : request.query) options[key] = value;
  return run_command(command, std::move(options),
                     command == "hardware" ? std::vector<std::string>{"list"} : std::vector<std::string>{});
}

}  // namespace

HttpAnswer route(const HttpRequest& request) {
  try {
    constexpr std::string_view kApi = "/api/v1/";
    if (request.path.rfind(kApi, 0) == 0) return api(request, request.path.substr(kApi.size()));
    const bool get = request.method == "GET" || request.method == "HEAD";
    if (request.path == "/healthz") {
      if (!get) return HttpAnswer{405, R"({"error":"/healthz takes GET"})", "application/json", "GET, HEAD"};
      return json_answer(200, nlohmann::ordered_json{{"status", "ok"}});
    }
    if (const web::Asset* asset = web::find_asset(request.path == "/" ? "/index.html" : request.path)) {
      if (!get) return HttpAnswer{405, R"({"error":"pages take GET"})", "application/json", "GET, HEAD"};
      return {200, std::string(asset->body), std::string(asset->content_type), ""};
    }
    return error_answer(404, "no route " + shown(request.path));
  } catch (const BadRequest& e) {
    return error_answer(400, e.what());
  } catch (const laws::LawError& e) {
    return error_answer(400, e.what());
  } catch (const std::exception& e) {
    return error_answer(500, std::string("internal error: ") + e.what());
  }
}

struct Server::Impl {
  httplib::Server http;
  int port = 0;
};

Server::Server(const ServeOptions& options) : impl_(std::make_unique<Impl>()) {
  httplib::Server& http = impl_->http;
  http.set_payload_max_length(options.max_body_bytes);
  http.set_read_timeout(options.read_timeout_s, 0);
  http.set_write_timeout(options.write_timeout_s, 0);
  http.set_keep_alive_timeout(options.keep_alive_timeout_s);
  // Headers and body go out in separate writes: without this, Nagle's
  // algorithm and the client's delayed ACK add ~40 ms to an answer.
  http.set_tcp_nodelay(true);
  http.set_keep_alive_max_count(1000);
  const auto handle = [](const httplib::Request& req, httplib::Response& res) {
    HttpRequest request{req.method, req.path, req.body, {}};
    for (const auto& [key, value] : req.params) request.query.emplace(key, value);
    HttpAnswer answer = route(request);
    res.status = answer.status;
    if (!answer.allow.empty()) res.set_header("Allow", answer.allow);
    res.set_content(std::move(answer.body), answer.content_type);
  };
  const std::string any = ".*";
  http.Get(any, handle);
  http.Post(any, handle);
  http.Put(any, handle);
  http.Delete(any, handle);
  http.Patch(any, handle);
  http.Options(any, handle);
  // httplib answers some failures itself (413, 400 on a broken request
  // line); give them the API's error shape.
  http.set_error_handler([](const httplib::Request&, httplib::Response& res) {
    if (!res.body.empty()) return;
    const std::string message = res.status == 413 ? "body: larger than the 64 KB a request may carry"
                                                  : "HTTP status " + std::to_string(res.status);
    res.set_content(nlohmann::ordered_json{{"error", message}}.dump(), "application/json");
  });
  impl_->port = options.port == 0 ? http.bind_to_any_port(options.host)
                                  : (http.bind_to_port(options.host, options.port) ? options.port : -1);
  if (impl_->port < 0)
    throw std::runtime_error("--host/--port: cannot listen on " + options.host + ":" +
                             std::to_string(options.port) + " (in use, or not an address of this machine)");
}

Server::~Server() = default;

int Server::port() const { return impl_->port; }
void Server::listen() { impl_->http.listen_after_bind(); }
void Server::stop() { impl_->http.stop(); }

}  // namespace scaleplan::cli
