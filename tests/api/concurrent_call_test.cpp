// The server answers requests on a pool of threads, each plan with its own
// memo of layout searches: plans answered at once must equal the same
// plans answered one by one.
#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>
#include <thread>
#include <vector>

#include "api/command.h"

namespace {

nlohmann::ordered_json call(const std::string& command, const nlohmann::json& inputs) {
  return scaleplan::api::run(command, inputs).document;
}

}  // namespace

TEST_CASE("Plans answered on four threads at once equal the same plans answered one by one", "[run]") {
  const std::vector<nlohmann::json> requests = {
      {{"target_params", "7B"}, {"hardware", "h100-sxm5-80gb"}},
      {{"target_params", "1B"}, {"hardware", "a100-sxm4-80gb"}},
      {{"target_loss", 2.2}, {"hardware", "h100"}},
      {{"target_params", "13B"}, {"hardware", "b200"}, {"region", "FR"}},
      {{"target_params", "3B"}, {"hardware", "mi300x"}, {"inference_tokens", "1T"}},
  };
  std::vector<std::string> serial;
  for (const auto& r : requests) serial.push_back(call("plan", r).dump());
  constexpr int kThreads = 4, kRounds = 3;
  std::vector<std::vector<std::string>> answers(kThreads);
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      // Each thread starts at another request, so different plans overlap.
      for (size_t i = 0; i < kRounds * requests.size(); ++i)
        answers[t].push_back(call("plan", requests[(i + t) % requests.size()]).dump());
    });
  }
  for (auto& th : threads) th.join();
  for (int t = 0; t < kThreads; ++t) {
    for (size_t i = 0; i < answers[t].size(); ++i) CHECK(answers[t][i] == serial[(i + t) % requests.size()]);
  }
}
