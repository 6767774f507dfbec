// scaleplan serve: the page and the HTTP API on a local port.
#include <iostream>

#include "commands.h"
#include "output.h"
#include "serve.h"
#include "units.h"

namespace scaleplan::cli {

void setup_serve(CLI::App& app) {
  struct Options {
    ServeOptions serve;
    bool json = false;
  };
  auto o = std::make_shared<Options>();
  auto* sub = app.add_subcommand("serve", "Serve the planner as a web page and an HTTP API");
  sub->add_option("--host", o->serve.host, "address to listen on (loopback unless you choose otherwise)")
      ->capture_default_str();
  sub->add_option("--port", o->serve.port, "TCP port; 0 picks a free one")
      ->check(CLI::Range(0, 65535))
      ->capture_default_str();
  add_json_flag(*sub, o->json);
  sub->footer(
      "Routes: GET / (the page), GET /healthz, POST /api/v1/{plan,forecast,tokens,loss,allocate,finetune,\n"
      "layout,recipe,tier,validate} with the command's options as a JSON object, GET "
      "/api/v1/{laws,hardware,regions,\n"
      "models}. Answers are the commands' --json documents; a refusal is 400 {\"error\": ...}.\n"
      "Example:\n  scaleplan serve --port 8080\n"
      "  curl -d '{\"target_params\": \"7B\"}' http://127.0.0.1:8080/api/v1/plan");
  reset_each_parse(*sub, o);
  sub->callback([o] {
    std::unique_ptr<Server> server;
    try {
      server = std::make_unique<Server>(o->serve);
    } catch (const std::runtime_error& e) {
      throw InputError(e.what());
    }
    const std::string url = "http://" + o->serve.host + ":" + std::to_string(server->port()) + "/";
    // Printed before serving, and flushed, so a script (or a test) can read
    // the chosen port and start talking.
    auto doc = new_document("serve");
    doc["url"] = url;
    doc["host"] = o->serve.host;
    doc["port"] = server->port();
    std::cout << (o->json ? doc.dump() : "scaleplan: serving " + url + " (Ctrl-C stops)") << std::endl;
    server->listen();
  });
}

}  // namespace scaleplan::cli
