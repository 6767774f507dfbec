// `make bench`: the HTTP API under load, from a second process on loopback.
// Starts `scaleplan serve --port 0`, sends POST /api/v1/plan from a few
// keep-alive clients, cycling over a handful of distinct plans (targets,
// accelerators, regions, serving) so the figure is no artefact of one input,
// until COUNT requests or SECONDS have passed, and prints requests/s,
// latency percentiles, errors and the server's resident memory after a
// warm-up and at the end.
// Usage: scaleplan_serve_bench [COUNT=100000] [SECONDS=60] [CLIENTS=4]
#include <httplib.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace {

using Clock = std::chrono::steady_clock;

// VmRSS of a process, in MiB.
double rss_mib(pid_t pid) {
  std::ifstream status("/proc/" + std::to_string(pid) + "/status");
  for (std::string line; std::getline(status, line);) {
    if (line.rfind("VmRSS:", 0) == 0) return std::stod(line.substr(6)) / 1024.0;
  }
  return -1;
}

struct Child {
  pid_t pid = -1;
  int port = 0;
};

// Starts the server and reads the port from the line it prints first.
Child start_server(const char* binary) {
  int fds[2];
  if (pipe(fds) != 0) return {};
  const pid_t pid = fork();
  if (pid == 0) {
    dup2(fds[1], STDOUT_FILENO);
    close(fds[0]);
    close(fds[1]);
    execl(binary, binary, "serve", "--port", "0", "--json", static_cast<char*>(nullptr));
    _exit(127);
  }
  close(fds[1]);
  std::string line;
  char c;
  while (read(fds[0], &c, 1) == 1 && c != '\n') line += c;
  const auto at = line.find("\"port\":");
  if (at == std::string::npos) return {pid, 0};
  return {pid, std::stoi(line.substr(at + 7))};
}

}  // namespace

int main(int argc, char** argv) {
  const long count = argc > 1 ? std::stol(argv[1]) : 100000;
  const double seconds = argc > 2 ? std::stod(argv[2]) : 60;
  const int clients = argc > 3 ? std::stoi(argv[3]) : 4;
  const Child server = start_server(SCALEPLAN_BINARY);
  if (server.port <= 0) {
    std::fprintf(stderr, "serve bench: the server did not start\n");
    return 1;
  }
  // Each request takes the next body; every one is answered 200.
  const std::vector<std::string> bodies = {
      R"({"target_params": "7B", "hardware": "h100-sxm5-80gb"})",
      R"({"target_params": "1B", "hardware": "a100-sxm4-80gb"})",
      R"({"target_loss": 2.2, "hardware": "h100"})",
      R"({"target_params": "13B", "hardware": "b200", "region": "FR"})",
      R"({"target_params": "3B", "hardware": "mi300x", "inference_tokens": "1T"})",
  };
  auto client_loop = [&](long n, double limit_s, std::vector<double>* latencies_ms, std::atomic<long>* errors,
                         std::atomic<long>* next) {
    httplib::Client c("127.0.0.1", server.port);
    c.set_keep_alive(true);
    c.set_tcp_nodelay(true);
    const auto stop_at = Clock::now() + std::chrono::duration<double>(limit_s);
    for (long i; (i = (*next)++) < n && Clock::now() < stop_at;) {
      const auto t0 = Clock::now();
      auto res = c.Post("/api/v1/plan", bodies[static_cast<size_t>(i) % bodies.size()], "application/json");
      latencies_ms->push_back(std::chrono::duration<double, std::milli>(Clock::now() - t0).count());
      if (!res || res->status != 200) ++*errors;
    }
  };
  auto run = [&](long n, double limit_s, std::vector<double>& all, long& errors_out) {
    std::vector<std::vector<double>> per(static_cast<size_t>(clients));
    std::atomic<long> errors{0}, next{0};
    std::vector<std::thread> threads;
    for (auto& l : per) threads.emplace_back(client_loop, n, limit_s, &l, &errors, &next);
    for (auto& t : threads) t.join();
    for (auto& l : per) all.insert(all.end(), l.begin(), l.end());
    errors_out = errors;
  };

  std::vector<double> warm;
  long warm_errors = 0;
  run(1000, seconds, warm, warm_errors);
  const double rss_before = rss_mib(server.pid);
  std::vector<double> lat;
  long errors = 0;
  const auto t0 = Clock::now();
  run(count, seconds, lat, errors);
  const double elapsed_s = std::chrono::duration<double>(Clock::now() - t0).count();
  const double rss_after = rss_mib(server.pid);
  kill(server.pid, SIGTERM);
  waitpid(server.pid, nullptr, 0);

  std::sort(lat.begin(), lat.end());
  auto pct = [&](double p) {
    return lat.empty() ? 0.0 : lat[std::min(lat.size() - 1, static_cast<size_t>(p * lat.size()))];
  };
  std::printf(
      "serve: POST /api/v1/plan (%zu distinct plans in turn), %d keep-alive clients, %u hardware threads\n",
      bodies.size(), clients, std::thread::hardware_concurrency());
  std::printf("  %zu requests in %.1f s: %.0f requests/s, %ld errors (+%ld in 1,000 warm-up)\n", lat.size(),
              elapsed_s, lat.size() / elapsed_s, errors, warm_errors);
  std::printf("  latency p50 %.2f ms, p99 %.2f ms, max %.2f ms\n", pct(0.50), pct(0.99),
              lat.empty() ? 0.0 : lat.back());
  std::printf("  server memory (RSS): %.1f MiB after warm-up, %.1f MiB after the run (%+.1f MiB)\n",
              rss_before, rss_after, rss_after - rss_before);
  return errors == 0 && warm_errors == 0 ? 0 : 1;
}
