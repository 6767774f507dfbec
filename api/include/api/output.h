#pragma once
// Writers for the two output modes: one ordered JSON document, or a compact
// human table. Both are printed once, at the end, so a failed command
// prints nothing on stdout.

#include <iosfwd>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "laws/law.h"

namespace scaleplan::api {

inline constexpr int kSchemaVersion = 1;

// Rows of label / value / note, aligned in columns.
class Table {
 public:
  explicit Table(std::string title) : title_(std::move(title)) {}
  Table& row(std::string label, std::string value, std::string note = "");
  Table& line(std::string text);  // a full-width line after the rows
  std::string render() const;

 private:
  struct Row {
    std::string label, value, note;
  };
  std::string title_;
  std::vector<Row> rows_;
  std::vector<std::string> lines_;
};

// A new JSON document with schema_version and the command's name.
nlohmann::ordered_json new_document(const std::string& command);

// The law's name, citation and caveat, as JSON fields and table lines.
// With params and tokens (> 0), also the warning when they lie far outside
// the runs the law was fitted on (laws::range_warning).
void add_law(nlohmann::ordered_json& doc, const laws::Law& law, double params = 0, double tokens = 0);
void add_law(Table& table, const laws::Law& law, double params = 0, double tokens = 0);

// Refuses an output path before any work: empty, a directory, anything but
// a regular file (device nodes, FIFOs), a missing folder, or a path that is
// also an input however it was named (a flag, $SCALEPLAN_HARDWARE_DB, a
// symlink). Throws InputError naming the option and the path.
void check_output_path(const std::string& path, const std::vector<std::string>& inputs, const char* option);

// Writes `content` to `path` atomically: a temporary file in the same
// folder, flushed, then renamed over the target, so a failure leaves no
// half-written file. Refuses what check_output_path refuses. Throws
// InputError naming the option and the path.
void write_file_atomically(const std::string& path, const std::string& content,
                           const std::vector<std::string>& inputs, const char* option);

// Prints the document (json) or the human text, once.
void emit(bool json, nlohmann::ordered_json doc, const std::string& human);

// Where emit() writes on this thread while the scope lives (std::cout
// otherwise): lets cli::run() serve the Python module and the server. With
// `document`, a --json document is stored there instead of printed.
class OutputScope {
 public:
  explicit OutputScope(std::ostream& out, nlohmann::ordered_json* document = nullptr);
  ~OutputScope();
  static nlohmann::ordered_json* current_document();
  OutputScope(const OutputScope&) = delete;
  OutputScope& operator=(const OutputScope&) = delete;

 private:
  std::ostream* previous_out_;
  nlohmann::ordered_json* previous_document_;
};

}  // namespace scaleplan::api
