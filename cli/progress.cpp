#include "progress.h"

#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <string>

namespace scaleplan::cli {

api::Progress stderr_progress() {
  using Clock = std::chrono::steady_clock;
  constexpr std::chrono::seconds kLogEvery{5};
  const char* after = std::getenv("SCALEPLAN_PROGRESS_AFTER_S");
  const std::chrono::duration<double> quiet_for(after != nullptr ? std::atof(after) : 2.0);
  struct State {
    Clock::time_point start = Clock::now(), last{};
    bool tty = isatty(STDERR_FILENO) != 0, shown = false;
    std::string stage;  // the last report, so a repeat is not printed twice
    int done = -1;
  };
  auto st = std::make_shared<State>();
  return [st, quiet_for, kLogEvery](const char* stage, int done, int total) {
    const auto now = Clock::now();
    if (now - st->start < quiet_for || (st->stage == stage && st->done == done)) return;
    const double elapsed_s = std::chrono::duration<double>(now - st->start).count();
    const bool stage_done = done >= total;
    if (st->tty) {
      if (!stage_done && now - st->last < std::chrono::milliseconds(100)) return;
      const int width = 30, filled = total > 0 ? width * done / total : width;
      std::fprintf(stderr, "\r%-9s [%s%s] %d/%d  %.0f s", stage, std::string(filled, '#').c_str(),
                   std::string(width - filled, ' ').c_str(), done, total, elapsed_s);
      if (stage_done) std::fprintf(stderr, "\r%*s\r", width + 40, "");
    } else {
      if (!stage_done && st->shown && now - st->last < kLogEvery) return;
      std::fprintf(stderr, "fit: %s %d/%d after %.0f s\n", stage, done, total, elapsed_s);
    }
    std::fflush(stderr);
    st->last = now;
    st->shown = true;
    st->stage = stage;
    st->done = done;
  };
}

}  // namespace scaleplan::cli
