#pragma once
// A small CSV reader for the tables scaleplan takes as input (training runs,
// CodeCarbon logs): a header row, comma-separated cells, double-quoted
// cells with "" escapes, blank and `#` comment lines skipped, a UTF-8 BOM
// ignored. Errors name file:line:column.

#include <string>
#include <vector>

namespace scaleplan::laws {

struct CsvTable {
  std::string origin;  // the file name, for messages
  std::vector<std::string> header;
  std::vector<std::vector<std::string>> rows;
  std::vector<int> line_numbers;  // 1-based line of each row

  // Index of the first header cell matching one of `names` case-insensitively
  // (spaces, '_' and '-' ignored), or -1.
  int find_column(const std::vector<std::string>& names) const;
  // The cell as a finite number; throws LawError "file:line:column: ...".
  double number(size_t row, int column) const;
};

// A column name as find_column compares it: lower case, with spaces, '_'
// and '-' dropped ("Seq_Len" and "seq-len" are "seqlen").
std::string normalized_column_name(const std::string& name);

// Parses CSV text; throws LawError on an empty file, a missing header,
// duplicate header names, unbalanced quotes or a row of the wrong width.
CsvTable parse_csv(const std::string& text, const std::string& origin);
CsvTable read_csv_file(const std::string& path);
// The text of a CSV file: a regular file of at most 128 MiB, else a
// LawError naming the path.
std::string read_csv_text(const std::string& path);

}  // namespace scaleplan::laws
