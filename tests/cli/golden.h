#pragma once
// Golden files under tests/cli/golden/: the output of one realistic case,
// made portable (machine-specific folders replaced) and compared byte for
// byte, or rewritten when UPDATE_GOLDEN=1.

#include <catch2/catch.hpp>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include "support.h"

namespace scaleplan::testing {

inline std::string read_all(const std::filesystem::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

inline void replace_all(std::string& text, const std::string& from, const std::string& to) {
  for (size_t at = 0; (at = text.find(from, at)) != std::string::npos; at += to.size()) {
    text.replace(at, from.size(), to);
  }
}

// The output with the machine-specific test-data folder replaced.
inline std::string portable(std::string text) {
  replace_all(text, test_data_path(""), "<data>/");
  return text;
}

inline bool updating_golden() {
  const char* update = std::getenv("UPDATE_GOLDEN");
  return update != nullptr && std::string(update) == "1";
}

// Compares `got` with tests/cli/golden/<file_name>, or rewrites the file.
inline void check_against_golden(const std::string& file_name, const std::string& got) {
  const std::filesystem::path file = std::filesystem::path(SCALEPLAN_GOLDEN_DIR) / file_name;
  if (updating_golden()) {
    std::ofstream(file, std::ios::binary) << got;
    WARN("rewrote " << file.string());
    return;
  }
  REQUIRE(std::filesystem::exists(file));
  CHECK(got == read_all(file));
}

}  // namespace scaleplan::testing
