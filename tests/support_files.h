#pragma once
// Helpers every test program may use, linking no project library: the
// vendored reference data, writing a file, and temporary folders that
// remove themselves, so that a test run leaves nothing in /tmp.

#include <filesystem>
#include <string>

namespace scaleplan::testing {

// Writes `text` to dir/name and returns the path.
std::string write_file(const std::filesystem::path& dir, const std::string& name, const std::string& text);

// tests/data/<relative>: public files vendored with their source
// (tests/data/SOURCES.md), so every test runs in a plain clone.
std::string test_data_path(const std::string& relative);

// A fresh empty folder under the system temp folder, removed with all it
// holds when the object goes: also when a REQUIRE ends the test early. It
// is used as the path it holds; converting a temporary one (`fs::path p =
// temp_dir(...)`, `temp_dir(...) / "f"`) does not compile, since the folder
// would be gone before the path is used.
class TempDir {
 public:
  explicit TempDir(const std::string& tag);
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;

  const std::filesystem::path& path() const { return path_; }
  std::string string() const { return path_.string(); }
  operator const std::filesystem::path&() const& { return path_; }
  operator std::filesystem::path() && = delete;

  friend std::filesystem::path operator/(const TempDir& dir, const std::filesystem::path& name) {
    return dir.path_ / name;
  }
  friend std::filesystem::path operator/(TempDir&& dir, const std::filesystem::path& name) = delete;

 private:
  std::filesystem::path path_;
};

// A fresh empty directory under the system temp folder, named after `tag`.
inline TempDir temp_dir(const std::string& tag) { return TempDir(tag); }

}  // namespace scaleplan::testing
