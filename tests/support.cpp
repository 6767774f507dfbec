#include "support.h"

#include <catch2/catch.hpp>

#include <fcntl.h>
#include <poll.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cstdlib>
#include <fstream>
#include <stdexcept>

#include "laws/presets.h"
#include "systems/shape.h"

extern char** environ;

namespace scaleplan::testing {

std::string test_data_path(const std::string& relative) {
  const std::filesystem::path p = std::filesystem::path(SCALEPLAN_TEST_DATA) / relative;
  if (!std::filesystem::exists(p)) throw std::runtime_error("vendored test data missing: " + p.string());
  return p.string();
}

int RunResult::err_lines() const { return static_cast<int>(std::count(err.begin(), err.end(), '\n')); }

RunResult run_scaleplan(const std::vector<std::string>& args, const std::vector<std::string>& env) {
  return run_scaleplan_to(args, "", env);
}

RunResult run_scaleplan_to(const std::vector<std::string>& args, const std::string& stdout_path,
                           const std::vector<std::string>& env) {
  int out_pipe[2], err_pipe[2];
  if (pipe(out_pipe) != 0 || pipe(err_pipe) != 0) throw std::runtime_error("pipe");
  std::vector<std::string> argv_s = {SCALEPLAN_BINARY};
  argv_s.insert(argv_s.end(), args.begin(), args.end());
  std::vector<char*> argv;
  for (auto& s : argv_s) argv.push_back(s.data());
  argv.push_back(nullptr);
  std::vector<std::string> env_s;
  for (char** e = environ; *e; ++e) env_s.emplace_back(*e);
  env_s.insert(env_s.end(), env.begin(), env.end());
  std::vector<char*> envp;
  for (auto& s : env_s) envp.push_back(s.data());
  envp.push_back(nullptr);

  pid_t pid = fork();
  if (pid == 0) {
    if (stdout_path.empty()) {
      dup2(out_pipe[1], 1);
    } else {
      const int fd = open(stdout_path.c_str(), O_WRONLY);
      if (fd < 0) _exit(126);
      dup2(fd, 1);
    }
    dup2(err_pipe[1], 2);
    close(out_pipe[0]);
    close(err_pipe[0]);
    int devnull = open("/dev/null", O_RDONLY);
    dup2(devnull, 0);
    execve(argv[0], argv.data(), envp.data());
    _exit(127);
  }
  close(out_pipe[1]);
  close(err_pipe[1]);
  RunResult r;
  pollfd fds[2] = {{out_pipe[0], POLLIN, 0}, {err_pipe[0], POLLIN, 0}};
  int open_fds = 2;
  char buf[4096];
  while (open_fds > 0) {
    if (poll(fds, 2, -1) < 0) break;
    for (int i = 0; i < 2; ++i) {
      if (fds[i].fd < 0 || !(fds[i].revents & (POLLIN | POLLHUP))) continue;
      ssize_t n = read(fds[i].fd, buf, sizeof buf);
      if (n <= 0) {
        close(fds[i].fd);
        fds[i].fd = -1;
        --open_fds;
      } else {
        (i == 0 ? r.out : r.err).append(buf, n);
      }
    }
  }
  int status = 0;
  waitpid(pid, &status, 0);
  r.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  return r;
}

const hardware_db::Database& embedded_db() {
  static const auto kDb = hardware_db::Database::embedded();
  return kDb;
}

const laws::Law& default_law() {
  static const laws::Law kLaw = laws::preset(laws::kDefaultLaw);
  return kLaw;
}

hardware_db::ModelShape gpt_shape(int layers, int hidden, int heads, int vocab, int ffn, int kv_heads,
                                  bool gated_mlp) {
  hardware_db::ModelShape s;
  s.id = "gpt";
  s.layers = layers;
  s.hidden = hidden;
  s.heads = heads;
  s.kv_heads = kv_heads ? kv_heads : heads;
  s.ffn = ffn ? ffn : 4 * hidden;
  s.vocab = vocab;
  s.gated_mlp = gated_mlp;
  s.params = planner::parameter_count(s);
  return s;
}

std::string write_file(const std::filesystem::path& dir, const std::string& name, const std::string& text) {
  const auto p = dir / name;
  std::ofstream(p, std::ios::binary) << text;
  return p.string();
}

void check_refusals(const std::vector<Refusal>& cases) {
  for (const Refusal& c : cases) {
    std::string joined;
    for (const auto& a : c.args) joined += a + " ";
    INFO(joined);
    const RunResult r = run_scaleplan(c.args);
    CHECK(r.exit_code == 1);
    CHECK(r.out.empty());
    CHECK(r.err_lines() == 1);
    CHECK_THAT(r.err, Catch::Contains(c.mentions));
  }
}

std::filesystem::path temp_dir(const std::string& tag) {
  static std::atomic<int> counter{0};
  auto p = std::filesystem::temp_directory_path() /
           ("scaleplan-test-" + tag + "-" + std::to_string(getpid()) + "-" + std::to_string(counter++));
  std::filesystem::remove_all(p);
  std::filesystem::create_directories(p);
  return p;
}

}  // namespace scaleplan::testing
