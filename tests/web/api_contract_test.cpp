// The HTTP API's contract: every route answers the API's document for the
// body's fields (which the CLI tests compare with the binary's --json),
// refusals are 400 {"error": "<field>: <what is wrong>"}, and the server
// survives whatever a client sends.
#include <httplib.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <random>
#include <thread>

#include "api/command.h"
#include "serve.h"
#include "support_files.h"

namespace {

using nlohmann::json;
using nlohmann::ordered_json;
using scaleplan::cli::ServeOptions;
using scaleplan::cli::Server;

// A server on a free loopback port for the length of a test.
class RunningServer {
 public:
  explicit RunningServer(ServeOptions options = {}) {
    options.port = 0;
    server_ = std::make_unique<Server>(options);
    thread_ = std::thread([this] { server_->listen(); });
  }
  ~RunningServer() {
    server_->stop();
    thread_.join();
  }
  int port() const { return server_->port(); }
  httplib::Client client() const {
    httplib::Client c("127.0.0.1", port());
    c.set_read_timeout(30, 0);
    c.set_tcp_nodelay(true);  // headers and body are separate writes
    return c;
  }

 private:
  std::unique_ptr<Server> server_;
  std::thread thread_;
};

httplib::Result post(httplib::Client& c, const std::string& path, const std::string& body) {
  return c.Post(path.c_str(), body, "application/json");
}

// The API's own answer and refusal for the same fields.
ordered_json call(const std::string& command, const json& inputs) {
  return scaleplan::api::run(command, inputs).document;
}

std::string api_error(const std::string& command, const json& options) {
  try {
    call(command, options);
  } catch (const scaleplan::Error& e) {
    return e.what();
  }
  FAIL("expected " + command + " to refuse " + options.dump());
  return "";
}

struct Route {
  std::string command;
  json good, bad;
};

const std::vector<Route>& post_routes() {
  static const std::vector<Route> routes = {
      {"plan", {{"target_params", "7B"}, {"hardware", "h100-sxm5-80gb"}}, {{"target_params", "seven"}}},
      {"forecast",
       {{"params", "7B"}, {"tokens", "140B"}, {"hardware", "a100-sxm4-80gb"}, {"gpus", 64}},
       {{"params", "7B"}, {"tokens", "140B"}, {"hardware", "no-such-gpu"}}},
      {"tokens", {{"params", "7B"}}, {{"params", -3}}},
      {"loss", {{"params", "70B"}, {"tokens", "1.4T"}}, {{"params", "70B"}}},
      {"allocate", {{"flops", 5.76e23}}, {{"flops", "lots"}}},
      {"finetune",
       {{"model", "llama-2-7b"}, {"tokens", "100M"}, {"hardware", "a100-sxm4-80gb"}},
       {{"model", "no-such-model"}, {"tokens", "100M"}}},
      {"layout",
       {{"params", "7B"}, {"hardware", "h100-sxm5-80gb"}, {"gpus", 64}},
       {{"params", "7B"}, {"gpus", "x"}}},
      {"recipe",
       {{"params", "7B"}, {"tokens", "2T"}, {"hardware", "h100-sxm5-80gb"}, {"gpus", 512}},
       {{"params", "7B"}, {"tokens", "2T"}}},
      {"tier", {{"kwh", 1600}, {"co2_kg", 600}}, {{"kwh", 1600}}},
      {"validate",
       {{"runs_csv", "run,hardware,gpus,seq_len,params,tokens,gpu_hours\nx,h100,64,4096,7e9,1e11,3000\n"}},
       {{"runs_csv", "run,hardware,gpus,seq_len,params,tokens,gpu_hours\nx,h100,64,4096,7e9,1e11,-3\n"}}},
  };
  return routes;
}

}  // namespace

TEST_CASE("Every POST route answers the same document as the command's --json", "[serve]") {
  RunningServer server;
  auto c = server.client();
  for (const Route& r : post_routes()) {
    INFO(r.command);
    auto res = post(c, "/api/v1/" + r.command, r.good.dump());
    REQUIRE(res);
    CHECK(res->status == 200);
    CHECK(res->get_header_value("Content-Type") == "application/json");
    CHECK(ordered_json::parse(res->body) == call(r.command, r.good));
  }
}

TEST_CASE("Every POST route refuses a bad body with 400 and the API's one-line message, naming the field",
          "[serve]") {
  RunningServer server;
  auto c = server.client();
  for (const Route& r : post_routes()) {
    INFO(r.command);
    auto res = post(c, "/api/v1/" + r.command, r.bad.dump());
    REQUIRE(res);
    CHECK(res->status == 400);
    const json body = json::parse(res->body);
    CHECK(body == json{{"error", api_error(r.command, r.bad)}});
  }
}

TEST_CASE("A body that gives a field twice is refused with 400, naming the field", "[serve]") {
  RunningServer server;
  auto c = server.client();
  auto res = post(c, "/api/v1/plan", R"({"target_params": "7B", "gpus": 8, "gpus": 800})");
  REQUIRE(res);
  CHECK(res->status == 400);
  CHECK(json::parse(res->body) == json{{"error", "body: the key 'gpus' is given twice in one object"}});
  res = post(c, "/api/v1/plan", R"({"target_params": "7B", "law": {"name": "a", "name": "b"}})");
  REQUIRE(res);
  CHECK(res->status == 400);
}

TEST_CASE("The GET routes answer the listings, and /healthz answers ok", "[serve]") {
  RunningServer server;
  auto c = server.client();
  const std::vector<std::pair<std::string, ordered_json>> listings = {
      {"laws", call("laws", json::object())},
      {"hardware", call("hardware", {{"action", "list"}})},
      {"regions", call("regions", json::object())},
      {"models", call("models", json::object())},
  };
  for (const auto& [name, expected] : listings) {
    auto res = c.Get(("/api/v1/" + name).c_str());
    REQUIRE(res);
    CHECK(res->status == 200);
    CHECK(ordered_json::parse(res->body) == expected);
  }
  auto found = c.Get("/api/v1/regions?search=europe");
  REQUIRE(found);
  CHECK(ordered_json::parse(found->body) == call("regions", {{"search", "europe"}}));
  auto nothing = c.Get("/api/v1/regions?search=atlantis");
  REQUIRE(nothing);
  CHECK(nothing->status == 400);
  CHECK(json::parse(nothing->body)["error"] == api_error("regions", {{"search", "atlantis"}}));
  auto health = c.Get("/healthz");
  REQUIRE(health);
  CHECK(health->status == 200);
  CHECK(json::parse(health->body) == json{{"status", "ok"}});
}

TEST_CASE("The page and its chart library are served from the binary", "[serve]") {
  RunningServer server;
  auto c = server.client();
  auto page = c.Get("/");
  REQUIRE(page);
  CHECK(page->status == 200);
  CHECK(page->get_header_value("Content-Type").rfind("text/html", 0) == 0);
  CHECK(page->body.find("<script src=\"/d3.min.js\">") != std::string::npos);
  CHECK(page->body.find("http://") == std::string::npos);  // nothing fetched from elsewhere
  CHECK(page->body.find("https://") == std::string::npos);
  for (const char* asset : {"/app.js", "/style.css", "/d3.min.js"}) {
    auto res = c.Get(asset);
    REQUIRE(res);
    CHECK(res->status == 200);
    CHECK(res->body.size() > 1000);
  }
}

TEST_CASE("Unknown routes are 404 and wrong methods 405, both with an error document", "[serve]") {
  RunningServer server;
  auto c = server.client();
  for (const char* path : {"/nope", "/api/v1/fit", "/api/v1/calibrate", "/api/v2/plan", "/api/v1/"}) {
    INFO(path);
    auto res = c.Get(path);
    REQUIRE(res);
    CHECK(res->status == 404);
    CHECK(json::parse(res->body).contains("error"));
  }
  auto get_plan = c.Get("/api/v1/plan");
  REQUIRE(get_plan);
  CHECK(get_plan->status == 405);
  CHECK(get_plan->get_header_value("Allow") == "POST");
  auto post_laws = post(c, "/api/v1/laws", "{}");
  REQUIRE(post_laws);
  CHECK(post_laws->status == 405);
  CHECK(post_laws->get_header_value("Allow") == "GET, HEAD");
  auto delete_plan = c.Delete("/api/v1/plan");
  REQUIRE(delete_plan);
  CHECK(delete_plan->status == 405);
  CHECK(json::parse(delete_plan->body).contains("error"));
}

TEST_CASE("A body over 64 KB is answered 413", "[serve]") {
  RunningServer server;
  auto c = server.client();
  const std::string big = "{\"target_params\": \"" + std::string(70 * 1024, '7') + "\"}";
  auto res = post(c, "/api/v1/plan", big);
  REQUIRE(res);
  CHECK(res->status == 413);
  auto just_under = post(c, "/api/v1/plan",
                         "{\"target_params\": \"7B\", \"region\": \"" + std::string(60 * 1024, 'x') + "\"}");
  REQUIRE(just_under);
  CHECK(just_under->status == 400);  // read whole, refused by the CLI for its region
}

TEST_CASE("No request makes the server read or write a file it names", "[serve]") {
  RunningServer server;
  auto c = server.client();
  const auto dir = scaleplan::testing::temp_dir("serve");
  const std::string law_path = (dir / "law.json").string();
  std::ofstream(law_path) << R"({"schema_version": 1, "form": "chinchilla",
    "parameters": {"E": 1.8, "A": 480, "B": 2000, "alpha": 0.35, "beta": 0.36}})";
  const std::vector<json> bodies = {
      {{"target_params", "7B"}, {"emit", (dir / "out").string()}},
      {{"target_params", "7B"}, {"hardware_db", law_path}},
      {{"target_params", "7B"}, {"law", law_path}},
      {{"target_params", "7B"}, {"law", "law.json"}},
      {{"target_params", "7B"}, {"law=" + law_path, true}},
      {{"target_params", "7B"}, {"hardware", "--emit=" + (dir / "out").string()}},
      {{"target_params", "7B"}, {"help", true}},
  };
  for (const json& body : bodies) {
    INFO(body.dump());
    auto res = post(c, "/api/v1/plan", body.dump());
    REQUIRE(res);
    CHECK(res->status == 400);
    CHECK(json::parse(res->body).contains("error"));
  }
  CHECK_FALSE(std::filesystem::exists(dir / "out"));
  auto recipe =
      post(c, "/api/v1/recipe",
           json{{"params", "7B"}, {"tokens", "2T"}, {"gpus", 512}, {"emit", (dir / "out").string()}}.dump());
  REQUIRE(recipe);
  CHECK(recipe->status == 400);
  CHECK_FALSE(std::filesystem::exists(dir / "out"));
}

TEST_CASE("A law sent inline plans as the same law read from a file", "[serve]") {
  RunningServer server;
  auto c = server.client();
  const json law = {
      {"schema_version", 1},
      {"name", "mine"},
      {"form", "chinchilla"},
      {"parameters", {{"E", 1.8}, {"A", 480.0}, {"B", 2000.0}, {"alpha", 0.35}, {"beta", 0.36}}}};
  const auto dir = scaleplan::testing::temp_dir("inline-law");
  const auto path = dir / "law.json";
  std::ofstream(path) << law.dump();
  const ordered_json expected = call("plan", {{"target_params", "7B"}, {"law", path.string()}});
  auto res = post(c, "/api/v1/plan", json{{"target_params", "7B"}, {"law", law}}.dump());
  REQUIRE(res);
  CHECK(res->status == 200);
  CHECK(ordered_json::parse(res->body) == expected);
  auto bad = post(c, "/api/v1/plan", json{{"target_params", "7B"}, {"law", {{"form", "chinchilla"}}}}.dump());
  REQUIRE(bad);
  CHECK(bad->status == 400);
  CHECK(json::parse(bad->body)["error"].get<std::string>().find("law") != std::string::npos);
  auto preset = post(c, "/api/v1/plan", json{{"target_params", "7B"}, {"law", "hoffmann2022"}}.dump());
  REQUIRE(preset);
  CHECK(preset->status == 200);
}

// Deterministic junk: truncations of a good body, wrong types, huge
// numbers, deep nesting, flag-like strings and random bytes.
std::vector<std::string> malformed_bodies() {
  std::vector<std::string> bodies;
  const std::string good =
      R"({"target_params": "7B", "hardware": ["h100-sxm5-80gb", "b200"], "gpus": 64, "region": "FR"})";
  for (size_t n = 1; n < good.size(); ++n) bodies.push_back(good.substr(0, n));
  const std::vector<std::string> values = {"true",
                                           "[]",
                                           "[[1]]",
                                           "{}",
                                           "{\"a\": 1}",
                                           "[null]",
                                           "[true]",
                                           "1e400",
                                           "-1e400",
                                           std::string(400, '9'),
                                           "\"-7B\"",
                                           "\"--emit\"",
                                           "\"7B\\u0000\"",
                                           "\"\"",
                                           "1e308",
                                           "-1",
                                           "0",
                                           "[\"a\", {\"b\": 2}]",
                                           "\"\\ud800\""};
  for (const char* key :
       {"target_params", "target_loss", "hardware", "gpus", "region", "law", "inference_tokens"}) {
    for (const std::string& v : values) bodies.push_back("{\"" + std::string(key) + "\": " + v + "}");
  }
  for (int depth : {9, 64, 1000, 20000}) {
    bodies.push_back("{\"target_params\": " + std::string(depth, '[') + std::string(depth, ']') + "}");
    bodies.push_back(std::string(depth, '['));
  }
  for (const char* s : {"null", "[]", "42", "\"7B\"", "true", "{\"\": 1}", "{\"-x\": 1}", "{\"a b\": 1}",
                        "{\"target_params\": \"7B\"}x", "{'target_params': '7B'}", "\xff\xfe{}"}) {
    bodies.push_back(s);
  }
  std::mt19937 rng(20261129);
  std::uniform_int_distribution<int> byte(1, 255), len(1, 300);
  while (bodies.size() < 1000) {
    std::string s(static_cast<size_t>(len(rng)), ' ');
    for (char& ch : s) ch = static_cast<char>(byte(rng));
    s[0] = '{';  // never blank, never a whole object by chance
    bodies.push_back(s);
  }
  return bodies;
}

TEST_CASE("A thousand malformed bodies are each answered 400, and the server stays up", "[serve]") {
  RunningServer server;
  auto c = server.client();
  c.set_keep_alive(true);
  const auto bodies = malformed_bodies();
  REQUIRE(bodies.size() >= 1000);
  int answered_400 = 0;
  for (const std::string& body : bodies) {
    auto res = post(c, "/api/v1/plan", body);
    REQUIRE(res);
    if (res->status == 400 && json::parse(res->body).contains("error"))
      ++answered_400;
    else
      FAIL_CHECK("status " << res->status << " for body " << body.substr(0, 80));
  }
  CHECK(answered_400 == static_cast<int>(bodies.size()));
  auto health = c.Get("/healthz");
  REQUIRE(health);
  CHECK(health->status == 200);
}

TEST_CASE("A client that connects and sends nothing is dropped after the read timeout", "[serve]") {
  ServeOptions options;
  options.read_timeout_s = 1;
  options.keep_alive_timeout_s = 1;
  RunningServer server(options);
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  REQUIRE(fd >= 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<uint16_t>(server.port()));
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  REQUIRE(::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0);
  const std::string partial = "POST /api/v1/plan HTTP/1.1\r\nHost: x\r\n";  // and then silence
  REQUIRE(::send(fd, partial.data(), partial.size(), 0) == static_cast<ssize_t>(partial.size()));
  timeval limit{10, 0};
  ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &limit, sizeof limit);
  const auto start = std::chrono::steady_clock::now();
  char buf[512];
  ssize_t n = 1;
  while (n > 0) n = ::recv(fd, buf, sizeof buf, 0);  // the server's answer, if any, then its close
  const double waited_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  ::close(fd);
  CHECK(n == 0);  // closed by the server, not by our own 10 s limit
  CHECK(waited_s < 5);
  auto c = server.client();
  auto health = c.Get("/healthz");
  REQUIRE(health);
  CHECK(health->status == 200);
}

namespace {

int connect_loopback(int port) {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<uint16_t>(port));
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (fd >= 0 && ::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
    ::close(fd);
    return -1;
  }
  return fd;
}

}  // namespace

TEST_CASE("Idle and half-sent connections do not hold the server: /healthz answers before their read timeout",
          "[serve]") {
  ServeOptions options;
  options.read_timeout_s = 5;
  RunningServer server(options);
  std::vector<int> idle;
  const std::string half = "POST /api/v1/plan HTTP/1.1\r\nHost: x\r\nContent-Length: 1000\r\n\r\n{\"tar";
  for (int i = 0; i < 24; ++i) {
    const int fd = connect_loopback(server.port());
    REQUIRE(fd >= 0);
    if (i % 2) REQUIRE(::send(fd, half.data(), half.size(), 0) == static_cast<ssize_t>(half.size()));
    idle.push_back(fd);
  }
  auto c = server.client();
  const auto start = std::chrono::steady_clock::now();
  auto health = c.Get("/healthz");
  const double waited_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  for (int fd : idle) ::close(fd);
  REQUIRE(health);
  CHECK(health->status == 200);
  CHECK(waited_s < 2.5);  // with 8 workers it waited for the 5 s read timeout
}

TEST_CASE("A second server on a port in use is refused in one line", "[serve]") {
  RunningServer first;
  auto c = first.client();
  REQUIRE(c.Get("/healthz"));  // listening, so stop() at the end finds it running
  ServeOptions options;
  options.port = first.port();
  CHECK_THROWS_WITH(Server(options), Catch::Contains("cannot listen on") && Catch::Contains("in use"));
}

TEST_CASE("A body sent as a form, as curl -d sends it, is read as JSON up to the 64 KB limit", "[serve]") {
  RunningServer server;
  auto c = server.client();
  std::string csv = "run,hardware,gpus,seq_len,params,tokens,gpu_hours\n";
  for (int i = 0; i < 600; ++i) csv += "r" + std::to_string(i) + ",h100,64,4096,7e9,1e11,3000\n";
  const std::string body = json{{"runs_csv", csv}}.dump();
  REQUIRE(body.size() > 16 * 1024);
  auto res = c.Post("/api/v1/validate", body, "application/x-www-form-urlencoded");
  REQUIRE(res);
  CHECK(res->status == 200);
  CHECK(json::parse(res->body)["scores"][0]["cases"] == 600);
  const std::string big = json{{"runs_csv", std::string(70 * 1024, 'x')}}.dump();
  auto too_big = c.Post("/api/v1/validate", big, "application/x-www-form-urlencoded");
  REQUIRE(too_big);
  CHECK(too_big->status == 413);
}
