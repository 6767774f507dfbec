#pragma once
// Runs f(index, worker) for index in [0, n) on `threads` workers that pull
// indices from a shared counter. Results written by index are the same
// whatever the thread count. Worker 0 is the calling thread and the only
// one that calls `on_progress(done)`.

#include <algorithm>
#include <atomic>
#include <exception>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

namespace scaleplan::laws::detail {

inline int resolve_threads(int requested) {
  if (requested > 0) return requested;
  return std::max(1u, std::thread::hardware_concurrency());
}

inline void parallel_for(int n, int threads, const std::function<void(int, int)>& f,
                         const std::function<void(int)>& on_progress = {}) {
  std::atomic<int> next{0}, done{0};
  std::exception_ptr error;
  std::mutex error_mutex;
  auto work = [&](int worker) {
    for (int i; (i = next.fetch_add(1)) < n;) {
      try {
        f(i, worker);
      } catch (...) {
        std::lock_guard<std::mutex> lock(error_mutex);
        if (!error) error = std::current_exception();
        next = n;
      }
      const int d = done.fetch_add(1) + 1;
      if (worker == 0 && on_progress) on_progress(d);
    }
  };
  const int workers = std::max(1, std::min(threads, n));
  std::vector<std::thread> pool;
  for (int w = 1; w < workers; ++w) pool.emplace_back(work, w);
  work(0);
  for (auto& t : pool) t.join();
  if (on_progress) on_progress(done.load());
  if (error) std::rethrow_exception(error);
}

}  // namespace scaleplan::laws::detail
