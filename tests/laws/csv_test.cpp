#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>

#include "laws/csv.h"
#include "laws/law.h"
#include "support_files.h"

using namespace scaleplan::laws;

TEST_CASE("csv: reads a header and rows with quotes comments and a BOM", "[laws]") {
  const CsvTable t = parse_csv(
      "\xEF\xBB\xBF# a comment\nModel Size,\"Training FLOP\",loss\n\n1e9,\"6e18\",3.1\r\n"
      "# another\n2e9,1.2e19,2.9\n",
      "runs.csv");
  REQUIRE(t.header.size() == 3);
  CHECK(t.header[1] == "Training FLOP");
  REQUIRE(t.rows.size() == 2);
  CHECK(t.line_numbers[0] == 4);
  CHECK(t.line_numbers[1] == 6);
  CHECK(t.number(1, 1) == 1.2e19);
  CHECK(t.find_column({"model_size"}) == 0);
  CHECK(t.find_column({"training-flop"}) == 1);
  CHECK(t.find_column({"tokens"}) == -1);
}

TEST_CASE("csv: quoted cells keep commas and doubled quotes", "[laws]") {
  const CsvTable t = parse_csv("name,value\n\"a, \"\"b\"\"\",1\n", "q.csv");
  CHECK(t.rows[0][0] == "a, \"b\"");
}

TEST_CASE("csv: malformed files are refused with file and line", "[laws]") {
  CHECK_THROWS_WITH(parse_csv("", "e.csv"), Catch::Contains("e.csv") && Catch::Contains("empty"));
  CHECK_THROWS_WITH(parse_csv("a,b,A\n1,2,3\n", "d.csv"), Catch::Contains("duplicate column 'A'"));
  CHECK_THROWS_WITH(parse_csv("a,b\n1,2\n3\n", "w.csv"),
                    Catch::Contains("w.csv:3") && Catch::Contains("1 cells"));
  CHECK_THROWS_WITH(parse_csv("a,b\n\"1,2\n", "u.csv"), Catch::Contains("never closed"));
  CHECK_THROWS_WITH(parse_csv(std::string("a,b\n1,\0\n", 8), "bin.csv"), Catch::Contains("binary"));
  const CsvTable t = parse_csv("a,b\n1,x7\n", "n.csv");
  CHECK_THROWS_WITH(t.number(0, 1), Catch::Contains("n.csv:2:2") && Catch::Contains("'x7'"));
}

TEST_CASE("csv: a device, a folder or a file over 128 MiB is refused before it is read", "[laws]") {
  CHECK_THROWS_WITH(read_csv_file("/dev/zero"),
                    "/dev/zero: not a regular file (a device, a pipe or a socket); expected the CSV file");
  CHECK_THROWS_WITH(read_csv_file(SCALEPLAN_TEST_DATA), Catch::EndsWith(": a folder; expected the CSV file"));
  // A sparse file: 129 MiB on paper, no disk used.
  const auto dir = scaleplan::testing::temp_dir("csv-limit");
  const auto path = dir / "big.csv";
  std::ofstream(path).put('x');
  std::filesystem::resize_file(path, (128u << 20) + (1u << 20));
  CHECK_THROWS_WITH(read_csv_file(path.string()),
                    Catch::EndsWith(": 129 MiB, over the 128 MiB limit for the CSV file"));
  std::filesystem::resize_file(path, 128u << 20);  // at the limit it is read (and parsed)
  CHECK_NOTHROW(read_csv_text(path.string()));
}
