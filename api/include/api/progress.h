#pragma once
// Progress of a long command (fit's grid starts and bootstrap), for the
// face that runs it: the face installs a maker of reporters for its thread
// (the CLI's line on stderr); the API itself writes nowhere.

#include <functional>

namespace scaleplan::api {

// One report: the stage ("grid", "bootstrap"), steps done, steps in all.
using Progress = std::function<void(const char* stage, int done, int total)>;

// While it lives, new_progress() on this thread answers `make()`.
class ProgressScope {
 public:
  explicit ProgressScope(std::function<Progress()> make);
  ~ProgressScope();
  ProgressScope(const ProgressScope&) = delete;
  ProgressScope& operator=(const ProgressScope&) = delete;

 private:
  std::function<Progress()> previous_;
};

// A fresh reporter (each times its own start) from this thread's scope;
// an empty one, which reports nothing, without a scope.
Progress new_progress();

}  // namespace scaleplan::api
