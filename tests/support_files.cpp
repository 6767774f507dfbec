#include "support_files.h"

#include <unistd.h>

#include <atomic>
#include <fstream>
#include <stdexcept>
#include <system_error>

namespace scaleplan::testing {

std::string test_data_path(const std::string& relative) {
  const std::filesystem::path p = std::filesystem::path(SCALEPLAN_TEST_DATA) / relative;
  if (!std::filesystem::exists(p)) throw std::runtime_error("vendored test data missing: " + p.string());
  return p.string();
}

std::string write_file(const std::filesystem::path& dir, const std::string& name, const std::string& text) {
  const auto p = dir / name;
  std::ofstream(p, std::ios::binary) << text;
  return p.string();
}

TempDir::TempDir(const std::string& tag) {
  static std::atomic<int> counter{0};
  path_ = std::filesystem::temp_directory_path() /
          ("scaleplan-test-" + tag + "-" + std::to_string(getpid()) + "-" + std::to_string(counter++));
  std::filesystem::remove_all(path_);
  std::filesystem::create_directories(path_);
}

// A destructor must not throw: a folder that cannot be removed stays.
TempDir::~TempDir() {
  std::error_code ignored;
  std::filesystem::remove_all(path_, ignored);
}

}  // namespace scaleplan::testing
