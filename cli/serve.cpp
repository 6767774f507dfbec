// The HTTP surface: a router over the API (api/command.h), and cpp-httplib
// around it. A body is a JSON object of the command's fields.
#include "serve.h"

#include <httplib.h>
#include <sys/socket.h>
#include <unistd.h>

#include <array>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <stdexcept>
#include <string_view>

#include "api/command.h"
#include "laws/law_file.h"
#include "laws/presets.h"
#include "scaleplan/strict_json.h"
#include "web/assets.h"

namespace scaleplan::cli {

namespace {

using nlohmann::json;

// Commands that compute from a body, and listings read with GET.
constexpr std::array<std::string_view, 10> kPostCommands = {
    "plan", "forecast", "tokens", "loss", "allocate", "finetune", "layout", "recipe", "tier", "validate"};
constexpr std::array<std::string_view, 4> kGetCommands = {"laws", "hardware", "regions", "models"};

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
  auto read = parse_strict_json<json>(body, kMaxBodyDepth);
  if (!read.problem.empty()) throw BadRequest("body: " + read.problem);
  json& doc = read.doc;
  if (doc.is_discarded()) throw BadRequest("body: expected a JSON object of options, " + read.syntax);
  if (!doc.is_object())
    throw BadRequest("body: expected a JSON object of options such as {\"target_params\": \"7B\"}");
  return doc;
}

// The field a key names, checked: a plain name ('-' read as '_'), a field
// of the command that touches no file on the server.
std::string field_name(const api::Command& c, const std::string& key) {
  std::string name = key;
  for (char& ch : name) ch = ch == '-' ? '_' : ch;
  const bool plain = !name.empty() && std::isalpha(static_cast<unsigned char>(name[0])) &&
                     name.find_first_not_of("abcdefghijklmnopqrstuvwxyz0123456789_") == std::string::npos;
  if (!plain) throw BadRequest(shown(key) + ": expected a field name such as target_params");
  for (const api::FieldInfo& f : c.fields) {
    if (f.name == name && f.local_only)
      throw BadRequest(key + ": not available over HTTP (it reads or writes files on the server)");
  }
  return name;
}

// A law is a preset name or a law as a JSON object: any other string
// could be a path on the server.
void check_law(const json& law) {
  if (law.is_object() || law.is_null()) return;
  std::string names;
  for (const laws::Law& l : laws::presets()) {
    if (law.is_string() && law.get_ref<const std::string&>() == l.name) return;
    names += (names.empty() ? "" : ", ") + l.name;
  }
  throw BadRequest("law: expected a preset name (" + names + ") or a law as a JSON object, got " +
                   shown(law.is_string() ? law.get<std::string>() : law.dump()));
}

// The body's keys as the command's fields; "json" (every answer is one) is
// dropped.
api::Inputs inputs_for(const api::Command& c, const json& options) {
  api::Inputs in = json::object();
  for (const auto& [key, value] : options.items()) {
    const std::string name = field_name(c, key);
    if (name == "json") continue;
    if (in.contains(name)) throw BadRequest(key + ": given twice");
    if (name == "law") check_law(value);
    in[name] = value;
  }
  return in;
}

HttpAnswer run_command(const std::string& command, const json& options) {
  const api::Command* c = api::find_command(command);
  if (c == nullptr) throw std::logic_error("no API command " + command);
  try {
    return json_answer(200, api::run(command, inputs_for(*c, options)).document);
  } catch (const Error& e) {
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
  if (is_post) return run_command(command, parse_body(request.body));
  json options = json::object();
  for (const auto& [key, value] : request.query) options[key] = value;
  if (command == "hardware") options["action"] = "list";
  return run_command(command, options);
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

namespace {

// Limits, timeouts, workers and the socket: what keeps one client from
// holding the others.
void configure(httplib::Server& http, const ServeOptions& options) {
  http.set_payload_max_length(options.max_body_bytes);
  http.set_read_timeout(options.read_timeout_s, 0);
  http.set_write_timeout(options.write_timeout_s, 0);
  http.set_keep_alive_timeout(options.keep_alive_timeout_s);
  // Headers and body go out in separate writes: without this, Nagle's
  // algorithm and the client's delayed ACK add ~40 ms to an answer.
  http.set_tcp_nodelay(true);
  http.set_keep_alive_max_count(1000);
  // A worker serves one connection at a time, and an idle or slow client
  // holds its worker until the read timeout: with cpp-httplib's default of
  // 8 workers, 8 idle connections stalled /healthz for 5 s. Idle workers
  // cost a stack each, so there are many.
  http.new_task_queue = [workers = options.workers] { return new httplib::ThreadPool(workers); };
  // SO_REUSEADDR only: cpp-httplib's default adds SO_REUSEPORT, with which
  // a second server on a busy port starts and shares it.
  http.set_socket_options([](socket_t sock) {
    int yes = 1;
    setsockopt(sock, SOL_SOCKET, SO_REUSEADDR, &yes, sizeof yes);
  });
  // httplib answers some failures itself (413, 400 on a broken request
  // line); give them the API's error shape.
  http.set_error_handler([](const httplib::Request&, httplib::Response& res) {
    if (!res.body.empty()) return;
    const std::string message = res.status == 413 ? "body: larger than the 64 KB a request may carry"
                                                  : "HTTP status " + std::to_string(res.status);
    res.set_content(nlohmann::ordered_json{{"error", message}}.dump(), "application/json");
  });
}

// Every route goes to route(); bodies are read whatever their content type.
void add_routes(httplib::Server& http, size_t max_body_bytes) {
  const auto answer_with = [](const httplib::Request& req, std::string body, httplib::Response& res) {
    HttpRequest request{req.method, req.path, std::move(body), {}};
    for (const auto& [key, value] : req.params) request.query.emplace(key, value);
    HttpAnswer answer = route(request);
    res.status = answer.status;
    if (!answer.allow.empty()) res.set_header("Allow", answer.allow);
    res.set_content(std::move(answer.body), answer.content_type);
  };
  const auto handle = [answer_with](const httplib::Request& req, httplib::Response& res) {
    answer_with(req, req.body, res);
  };
  // A body is read here, whatever its content type says: cpp-httplib reads
  // a form (curl -d's default) itself and refuses it past 8 KB, a limit
  // compiled into Debian's library. Its size limit still holds (413).
  const auto with_body = [answer_with, max = max_body_bytes](const httplib::Request& req,
                                                             httplib::Response& res,
                                                             const httplib::ContentReader& read) {
    if (req.is_multipart_form_data()) {
      res.status = 400;
      res.set_content(
          nlohmann::ordered_json{{"error", "body: multipart form data; send a JSON object"}}.dump(),
          "application/json");
      return;
    }
    std::string body;
    const bool whole = read([&body, max](const char* data, size_t n) {
      body.append(data, n);
      return body.size() <= max;
    });
    if (!whole || body.size() > max) {
      res.status = 413;
      res.set_content(
          nlohmann::ordered_json{{"error", "body: larger than the 64 KB a request may carry"}}.dump(),
          "application/json");
      return;
    }
    answer_with(req, std::move(body), res);
  };
  const std::string any = ".*";
  http.Get(any, handle);
  http.Post(any, with_body);
  http.Put(any, with_body);
  http.Delete(any, with_body);
  http.Patch(any, with_body);
  http.Options(any, handle);
}

}  // namespace

Server::Server(const ServeOptions& options) : impl_(std::make_unique<Impl>()) {
  httplib::Server& http = impl_->http;
  configure(http, options);
  add_routes(http, options.max_body_bytes);
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
