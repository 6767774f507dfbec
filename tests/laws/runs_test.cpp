#include <catch2/catch.hpp>

#include "laws/law.h"
#include "laws/runs.h"
#include "support_files.h"

using namespace scaleplan::laws;

TEST_CASE("runs: Epoch's Chinchilla extraction loads with no mapping and --max-loss 3.44 keeps 240",
          "[laws][shared]") {
  const std::string path = scaleplan::testing::test_data_path("svg_extracted_data.csv");
  RunsFilter filter;
  filter.max_loss = 3.44;
  const RunsData data = load_runs(read_csv_file(path), {}, filter);
  CHECK(data.points_read == 245);
  CHECK(data.runs.size() == 240);
  CHECK(data.dropped.size() == 5);
  CHECK(data.tokens_from_flops);
  CHECK(data.params_column == "Model Size");
}

TEST_CASE("runs: tokens come from FLOPs as C/(6N) and filters drop with a reason", "[laws]") {
  const CsvTable t = parse_csv("N,C,loss\n1e9,6e19,3.0\n1e8,6e18,3.5\n", "r.csv");
  RunsFilter f;
  f.min_params = 5e8;
  const RunsData d = load_runs(t, {}, f);
  REQUIRE(d.runs.size() == 1);
  CHECK(d.runs[0].tokens == Approx(1e10));
  CHECK(d.dropped[0].line == 3);
}

TEST_CASE("runs: explicit column mapping overrides the aliases", "[laws]") {
  const CsvTable t = parse_csv("size,toks,val\n1e9,2e10,3.0\n", "m.csv");
  ColumnMap m;
  m.params = "size", m.tokens = "toks", m.loss = "val";
  CHECK(load_runs(t, m).runs[0].tokens == 2e10);
  m.loss = "nope";
  CHECK_THROWS_WITH(load_runs(t, m), Catch::Contains("no column 'nope'") && Catch::Contains("'val'"));
}

TEST_CASE("runs: missing columns and bad values are refused with their place", "[laws]") {
  CHECK_THROWS_WITH(load_runs(parse_csv("params,loss\n1,2\n", "x.csv")),
                    Catch::Contains("tokens") && Catch::Contains("'params', 'loss'"));
  CHECK_THROWS_WITH(load_runs(parse_csv("params,tokens,loss\n1e9,0,3\n", "z.csv")),
                    Catch::Contains("z.csv:2:2") && Catch::Contains("positive"));
  CHECK_THROWS_WITH(load_runs(parse_csv("params,tokens,loss\n1e9,1e10,nan\n", "n.csv")),
                    Catch::Contains("n.csv:2:3"));
}
