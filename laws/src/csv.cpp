#include "laws/csv.h"

#include <cctype>
#include <charconv>
#include <cmath>
#include <fstream>
#include <sstream>

#include "laws/law.h"
#include "scaleplan/input_file.h"

namespace scaleplan::laws {

namespace {

// A runs table or CodeCarbon log: 100,000 runs are ~6 MB, a month of
// CodeCarbon rows at 15 s ~90 MB; parsing holds a few times the size.
const InputFileKind kCsvFile{"the CSV file", 128u << 20};

[[noreturn]] void fail(const std::string& origin, int line, const std::string& what) {
  throw LawError(origin + ":" + std::to_string(line) + ": " + what);
}

std::string trim(const std::string& s) {
  size_t b = s.find_first_not_of(" \t\r");
  size_t e = s.find_last_not_of(" \t\r");
  return b == std::string::npos ? "" : s.substr(b, e - b + 1);
}

// Splits one record that starts at text[pos]; advances pos past it and
// counts the newlines it spans (quoted cells may hold newlines).
std::vector<std::string> split_record(const std::string& text, size_t& pos, int& line,
                                      const std::string& origin) {
  std::vector<std::string> cells;
  std::string cell;
  bool quoted = false, was_quoted = false;
  const int start_line = line;
  for (; pos < text.size(); ++pos) {
    const char c = text[pos];
    if (quoted) {
      if (c == '"' && pos + 1 < text.size() && text[pos + 1] == '"') {
        cell += '"';
        ++pos;
      } else if (c == '"') {
        quoted = false;
      } else {
        if (c == '\n') ++line;
        cell += c;
      }
    } else if (c == '"' && trim(cell).empty()) {
      quoted = was_quoted = true;
      cell.clear();
    } else if (c == ',') {
      cells.push_back(was_quoted ? cell : trim(cell));
      cell.clear();
      was_quoted = false;
    } else if (c == '\n') {
      ++pos;
      ++line;
      break;
    } else {
      cell += c;
    }
  }
  if (quoted) fail(origin, start_line, "a quoted cell is never closed");
  cells.push_back(was_quoted ? cell : trim(cell));
  return cells;
}

}  // namespace

int CsvTable::find_column(const std::vector<std::string>& names) const {
  for (const std::string& want : names) {
    for (size_t i = 0; i < header.size(); ++i) {
      if (normalized_column_name(header[i]) == normalized_column_name(want)) return static_cast<int>(i);
    }
  }
  return -1;
}

double CsvTable::number(size_t row, int column) const {
  const std::string& cell = rows[row][column];
  const std::string where =
      origin + ":" + std::to_string(line_numbers[row]) + ":" + std::to_string(column + 1) + ": ";
  double value = 0;
  const char* b = cell.data();
  const char* e = b + cell.size();
  auto [ptr, ec] = std::from_chars(b, e, value);
  if (cell.empty())
    throw LawError(where + "empty cell in column '" + header[column] + "'; expected a number");
  if (ec != std::errc() || ptr != e || !std::isfinite(value)) {
    throw LawError(where + "'" + cell.substr(0, 40) + "' in column '" + header[column] +
                   "' is not a finite number");
  }
  return value;
}

std::string normalized_column_name(const std::string& name) {
  std::string out;
  for (char c : name) {
    if (c == ' ' || c == '_' || c == '-') continue;
    out += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  }
  return out;
}

CsvTable parse_csv(const std::string& text, const std::string& origin) {
  CsvTable t;
  t.origin = origin;
  size_t pos = text.compare(0, 3, "\xEF\xBB\xBF") == 0 ? 3 : 0;
  int line = 1;
  while (pos < text.size()) {
    const int record_line = line;
    // Blank lines and # comments are skipped wherever they stand.
    const size_t eol = text.find('\n', pos);
    const std::string raw = text.substr(pos, eol == std::string::npos ? std::string::npos : eol - pos);
    const std::string stripped = trim(raw);
    if (stripped.empty() || stripped[0] == '#') {
      pos = eol == std::string::npos ? text.size() : eol + 1;
      ++line;
      continue;
    }
    if (raw.find('\0') != std::string::npos)
      fail(origin, record_line, "binary data (a NUL byte); expected CSV text");
    auto cells = split_record(text, pos, line, origin);
    if (t.header.empty()) {
      for (size_t i = 0; i < cells.size(); ++i) {
        if (cells[i].empty())
          fail(origin, record_line, "header column " + std::to_string(i + 1) + " has no name");
        for (size_t j = 0; j < i; ++j) {
          if (normalized_column_name(cells[j]) == normalized_column_name(cells[i])) {
            fail(origin, record_line, "duplicate column '" + cells[i] + "' in the header");
          }
        }
      }
      t.header = std::move(cells);
      continue;
    }
    if (cells.size() != t.header.size()) {
      fail(origin, record_line,
           "row has " + std::to_string(cells.size()) + " cells; the header has " +
               std::to_string(t.header.size()));
    }
    t.rows.push_back(std::move(cells));
    t.line_numbers.push_back(record_line);
  }
  if (t.header.empty()) throw LawError(origin + ": empty file; expected a CSV header and rows");
  return t;
}

std::string read_csv_text(const std::string& path) { return read_input_file<LawError>(path, kCsvFile); }

CsvTable read_csv_file(const std::string& path) { return parse_csv(read_csv_text(path), path); }

}  // namespace scaleplan::laws
