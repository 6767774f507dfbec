#include "emit_folder.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <functional>

#include "api/errors.h"

namespace scaleplan::api {

namespace {

namespace fs = std::filesystem;

bool write_whole(const fs::path& path, const std::string& content) {
  const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL, 0644);
  if (fd < 0) return false;
  size_t written = 0;
  while (written < content.size()) {
    const ssize_t n = ::write(fd, content.data() + written, content.size() - written);
    if (n <= 0) break;
    written += static_cast<size_t>(n);
  }
  const bool ok = written == content.size() && ::fsync(fd) == 0;
  const int saved = errno;
  ::close(fd);
  errno = saved;
  return ok;
}

// A fresh name beside `target` for a folder of our own.
std::string sibling(const fs::path& parent, const fs::path& target, const char* tag) {
  std::string name = (parent / ("." + target.filename().string() + tag + ".XXXXXX")).string();
  return ::mkdtemp(name.data()) == nullptr ? std::string() : name;
}

bool inside(const fs::path& input, const fs::path& folder) {
  std::error_code ec;
  const fs::path in = fs::weakly_canonical(input, ec);
  const fs::path dir = fs::weakly_canonical(folder, ec);
  const std::string a = in.string(), b = dir.string();
  return a == b || (a.size() > b.size() && a.compare(0, b.size(), b) == 0 && a[b.size()] == '/');
}

// The files written into a fresh private folder beside the target, so that
// the target is swapped in whole or not at all; its path.
std::string staged(const fs::path& parent, const fs::path& target,
                   const std::vector<std::pair<std::string, std::string>>& files,
                   const std::function<void(const std::string&)>& fail) {
  const std::string tmp = sibling(parent, target, ".tmp");
  if (tmp.empty()) fail(std::strerror(errno));
  for (const auto& [name, content] : files) {
    if (!write_whole(fs::path(tmp) / name, content)) {
      const int e = errno;
      std::error_code ec;
      fs::remove_all(tmp, ec);
      fail(std::string(std::strerror(e)) + " (writing " + name + ")");
    }
  }
  ::chmod(tmp.c_str(), 0755);  // mkdtemp makes it private
  return tmp;
}

// The highest folder of `p` that does not exist, or empty when `p` does:
// what `mkdir -p` would create, and so what a failure removes again.
fs::path first_missing(fs::path p) {
  std::error_code ec;
  fs::path missing;
  while (!p.empty() && !fs::exists(fs::symlink_status(p, ec))) {
    missing = p;
    p = p.parent_path();
  }
  return missing;
}

// Renames the staged folder `tmp` into `target`; a full one (--force) is
// moved aside first and put back if the swap fails. An empty folder is
// replaced by the rename itself.
void swap_in(const std::string& tmp, const fs::path& target, const fs::path& parent,
             const std::function<void(const std::string&)>& fail) {
  std::error_code ec;
  std::string old;
  if (fs::exists(fs::symlink_status(target, ec)) && !fs::is_empty(target, ec)) {
    old = sibling(parent, target, ".old");
    if (old.empty() || ::rmdir(old.c_str()) != 0 || std::rename(target.c_str(), old.c_str()) != 0) {
      const int e = errno;
      fs::remove_all(tmp, ec);
      fail(std::strerror(e));
    }
  }
  if (std::rename(tmp.c_str(), target.c_str()) != 0) {
    const int e = errno;
    fs::remove_all(tmp, ec);
    if (!old.empty()) std::rename(old.c_str(), target.c_str());
    fail(std::strerror(e));
  }
  if (!old.empty()) fs::remove_all(old, ec);
}

}  // namespace

void write_folder_atomically(const std::string& dir,
                             const std::vector<std::pair<std::string, std::string>>& files, bool force,
                             const std::vector<std::string>& inputs, const std::string& field) {
  const std::function<void(const std::string&)> fail = [&](const std::string& why) {
    throw InputError(Field{field}, "cannot write the folder '" + dir + "': " + why);
  };
  if (dir.empty()) fail("expected a folder name");
  fs::path target = fs::path(dir).lexically_normal();
  if (target.filename().empty()) target = target.parent_path();  // "out/" -> "out"
  std::error_code ec;
  const bool exists = fs::exists(fs::symlink_status(target, ec));
  if (exists && !fs::is_directory(target, ec)) fail("it is a file, not a folder");
  if (exists && !fs::is_empty(target, ec)) {
    if (!force) fail("the folder is not empty (add --force to replace it)");
    for (const std::string& in : inputs) {
      if (!in.empty() && inside(in, target)) fail("it holds '" + in + "', an input of this command");
    }
  }
  const fs::path parent = target.has_parent_path() ? target.parent_path() : fs::path(".");
  // The folders above it are made as `mkdir -p` makes them (the README's
  // `--emit runs/7b` on a fresh checkout), and removed again on failure.
  const fs::path created = first_missing(parent);
  if (!created.empty() && !fs::create_directories(parent, ec))
    fail("cannot make the folder above it, '" + parent.string() + "': " + ec.message());
  if (!fs::is_directory(parent, ec)) fail("'" + parent.string() + "', above it, is not a folder");
  try {
    swap_in(staged(parent, target, files, fail), target, parent, fail);
  } catch (...) {
    if (!created.empty()) fs::remove_all(created, ec);
    throw;
  }
}

}  // namespace scaleplan::api
