#pragma once
// The one way a user's input file is read: a regular file (or standard
// input for "-", where a command says so) of at most a stated size, read
// whole. A device (/dev/zero), a folder or a pipe that never ends is
// refused in one line before anything is allocated, and so is a file over
// the limit, rather than read until the memory runs out.

#include <sys/stat.h>

#include <cstdint>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <sstream>
#include <string>

#include "scaleplan/error.h"

namespace scaleplan {

// What a kind of input file is and how large it may be.
struct InputFileKind {
  std::string name;            // "the law file", "the runs CSV": how a refusal names it
  std::uintmax_t max_bytes;    // the largest accepted
  bool stdin_allowed = false;  // "-" reads standard input
};

namespace detail {

inline std::string mib_text(std::uintmax_t bytes) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.3g MiB", bytes / 1048576.0);
  return buf;
}

inline std::string over_limit(const InputFileKind& kind, const std::string& size) {
  return size + ", over the " + mib_text(kind.max_bytes) + " limit for " + kind.name;
}

// At most max_bytes + 1 from a stream: one byte more tells "over the limit".
inline std::string read_bounded(std::istream& in, std::uintmax_t max_bytes) {
  std::string out;
  char buf[1 << 16];
  while (out.size() <= max_bytes && (in.read(buf, sizeof buf) || in.gcount() > 0)) {
    out.append(buf, static_cast<size_t>(in.gcount()));
  }
  return out;
}

}  // namespace detail

// The whole content of `path`, or an E naming the path (E is the module's
// error type, built from one message).
template <class E>
std::string read_input_file(const std::string& path, const InputFileKind& kind) {
  if (path == "-" && kind.stdin_allowed) {
    std::string text = detail::read_bounded(std::cin, kind.max_bytes);
    if (text.size() > kind.max_bytes) throw E("standard input: " + detail::over_limit(kind, "longer"));
    return text;
  }
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) throw E(path + ": cannot open " + kind.name);
  if (!S_ISREG(st.st_mode)) {
    const char* what = S_ISDIR(st.st_mode) ? "a folder" : "not a regular file (a device, a pipe or a socket)";
    throw E(path + ": " + what + "; expected " + kind.name);
  }
  if (static_cast<std::uintmax_t>(st.st_size) > kind.max_bytes) {
    throw E(path + ": " +
            detail::over_limit(kind, detail::mib_text(static_cast<std::uintmax_t>(st.st_size))));
  }
  std::ifstream in(path, std::ios::binary);
  if (!in) throw E(path + ": cannot open " + kind.name);
  std::string text = detail::read_bounded(in, kind.max_bytes);
  // The file grew between stat and read.
  if (text.size() > kind.max_bytes) throw E(path + ": " + detail::over_limit(kind, "grown"));
  return text;
}

}  // namespace scaleplan
