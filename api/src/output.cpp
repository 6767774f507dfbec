#include "api/output.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <iostream>

#include "api/units.h"

namespace scaleplan::api {

Table& Table::row(std::string label, std::string value, std::string note) {
  rows_.push_back({std::move(label), std::move(value), std::move(note)});
  return *this;
}

Table& Table::line(std::string text) {
  lines_.push_back(std::move(text));
  return *this;
}

std::string Table::render() const {
  size_t label_w = 0, value_w = 0;
  for (const Row& r : rows_) {
    label_w = std::max(label_w, r.label.size());
    value_w = std::max(value_w, r.value.size());
  }
  std::string out = title_ + "\n";
  for (const Row& r : rows_) {
    std::string l = "  " + r.label + std::string(label_w - r.label.size() + 2, ' ');
    l += std::string(value_w - r.value.size(), ' ') + r.value;
    if (!r.note.empty()) l += "   " + r.note;
    out += l + "\n";
  }
  for (const std::string& s : lines_) out += s + "\n";
  return out;
}

nlohmann::ordered_json new_document(const std::string& command) {
  nlohmann::ordered_json doc;
  doc["schema_version"] = kSchemaVersion;
  doc["command"] = command;
  return doc;
}

void add_law(nlohmann::ordered_json& doc, const laws::Law& law, double params, double tokens) {
  doc["law"] = law.name;
  doc["law_citation"] = law.citation;
  doc["law_caveat"] = law.caveat;
  if (const auto w = laws::range_warning(law, params, tokens)) doc["law_range_warning"] = *w;
}

void add_law(Table& table, const laws::Law& law, double params, double tokens) {
  table.line("law: " + law.name + (law.citation.empty() ? "" : " — " + law.citation));
  if (!law.caveat.empty()) table.line("caveat: " + law.caveat);
  if (const auto w = laws::range_warning(law, params, tokens)) table.line("warning: " + *w);
}

namespace {

// The inputs a command reads without naming them: the database file that
// SCALEPLAN_HARDWARE_DB points at is read by every command that loads one.
std::vector<std::string> with_implicit_inputs(std::vector<std::string> inputs) {
  if (const char* env = std::getenv("SCALEPLAN_HARDWARE_DB"); env != nullptr && *env != '\0')
    inputs.emplace_back(env);
  return inputs;
}

}  // namespace

void check_output_path(const std::string& path, const std::vector<std::string>& inputs, const char* option) {
  namespace fs = std::filesystem;
  auto fail = [&](const std::string& why) {
    throw InputError(std::string(option) + ": cannot write '" + path + "': " + why);
  };
  if (path.empty())
    throw InputError(std::string(option) + ": the path is empty; expected a file name such as out.json");
  struct stat st {};
  // stat follows a symlink: what matters is what the write would replace.
  if (::stat(path.c_str(), &st) == 0) {
    if (S_ISDIR(st.st_mode)) fail("it is a directory; expected a regular file or a new path");
    if (!S_ISREG(st.st_mode))
      fail("it is not a regular file (a device, FIFO or socket); expected a regular file or a new path");
  }
  std::error_code ec;
  for (const std::string& in : with_implicit_inputs(inputs)) {
    if (in.empty()) continue;
    if (fs::exists(path, ec) && fs::exists(in, ec) && fs::equivalent(path, in, ec)) {
      fail("it is an input of this command (" + in + ")");
    }
  }
  const fs::path target(path);
  const fs::path dir = target.has_parent_path() ? target.parent_path() : fs::path(".");
  if (!fs::is_directory(dir, ec)) fail("its folder '" + dir.string() + "' does not exist");
}

void write_file_atomically(const std::string& path, const std::string& content,
                           const std::vector<std::string>& inputs, const char* option) {
  namespace fs = std::filesystem;
  auto fail = [&](const std::string& why) {
    throw InputError(std::string(option) + ": cannot write '" + path + "': " + why);
  };
  check_output_path(path, inputs, option);
  const fs::path target(path);
  const fs::path dir = target.has_parent_path() ? target.parent_path() : fs::path(".");
  std::string name = ".";
  name += target.filename().string();
  name += ".tmp.XXXXXX";
  std::string tmp = (dir / name).string();
  const int fd = mkstemp(tmp.data());
  if (fd < 0) fail(std::strerror(errno));
  size_t written = 0;
  while (written < content.size()) {
    const ssize_t n = ::write(fd, content.data() + written, content.size() - written);
    if (n <= 0) break;
    written += static_cast<size_t>(n);
  }
  const bool ok = written == content.size() && fsync(fd) == 0;
  const int saved = errno;
  ::close(fd);
  if (!ok) {
    ::unlink(tmp.c_str());
    fail(std::strerror(saved));
  }
  ::chmod(tmp.c_str(), 0644);
  if (std::rename(tmp.c_str(), path.c_str()) != 0) {
    const int e = errno;
    ::unlink(tmp.c_str());
    fail(std::strerror(e));
  }
}

namespace {
thread_local std::ostream* tls_output = nullptr;
thread_local nlohmann::ordered_json* tls_document = nullptr;
}  // namespace

OutputScope::OutputScope(std::ostream& out, nlohmann::ordered_json* document)
    : previous_out_(tls_output), previous_document_(tls_document) {
  tls_output = &out;
  tls_document = document;
}
OutputScope::~OutputScope() {
  tls_output = previous_out_;
  tls_document = previous_document_;
}
nlohmann::ordered_json* OutputScope::current_document() { return tls_document; }

void emit(bool json, nlohmann::ordered_json doc, const std::string& human) {
  std::ostream& out = tls_output != nullptr ? *tls_output : std::cout;
  if (json && tls_document != nullptr) {
    *tls_document = std::move(doc);
    return;
  }
  if (json) {
    out << doc.dump(2) << "\n";
  } else {
    out << human;
  }
  out.flush();
}

}  // namespace scaleplan::api
