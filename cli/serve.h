#pragma once
// `scaleplan serve`: the planner as a local web page and an HTTP API.
//
// Every API answer is the document `scaleplan COMMAND --json` prints for the
// same options (through cli::call), and every refusal is that command's
// one-line message as {"error": "..."} with status 400. The page and its
// chart library are compiled into the binary, so the server needs no file
// beside it and reads none a request could name: laws come inline as JSON,
// and options that write or read files (--emit, --output, --hardware-db)
// are refused.

#include <map>
#include <memory>
#include <string>

namespace scaleplan::cli {

struct ServeOptions {
  std::string host = "127.0.0.1";     // loopback unless the user says otherwise
  int port = 8080;                    // 0: any free port
  size_t max_body_bytes = 64 * 1024;  // larger bodies are answered 413
  int read_timeout_s = 5;             // a client that sends nothing for this long is dropped
  int write_timeout_s = 5;
  size_t workers = 64;           // connections served at once; more wait in the backlog
  int keep_alive_timeout_s = 5;  // an idle kept-alive connection closes after this
};

// One request, as the router sees it: no sockets, so tests can call it.
struct HttpRequest {
  std::string method;  // "GET", "POST", ...
  std::string path;    // "/api/v1/plan"
  std::string body;
  std::multimap<std::string, std::string> query;
};

struct HttpAnswer {
  int status = 200;
  std::string body;
  std::string content_type = "application/json";
  std::string allow;  // the methods a 405 answer names
};

// Routes one request: the API, /healthz and the embedded page.
HttpAnswer route(const HttpRequest& request);

// The HTTP server around `route`. Binds on construction (throws
// std::runtime_error naming the host and port when it cannot).
class Server {
 public:
  explicit Server(const ServeOptions& options);
  ~Server();
  Server(const Server&) = delete;
  Server& operator=(const Server&) = delete;

  int port() const;  // the bound port (the chosen one when asked for 0)
  void listen();     // serves until stop(); blocks
  void stop();       // safe from another thread

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace scaleplan::cli
