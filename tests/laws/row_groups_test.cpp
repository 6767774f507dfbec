#include <catch2/catch.hpp>

#include "laws/csv.h"
#include "laws/law.h"
#include "laws/row_groups.h"

using namespace scaleplan::laws;

namespace {
const char* kTable =
    "setup,lr,params,tokens,loss\n"
    "a,1e-3,1e8,2e9,3.1\n"
    "b,1e-3,1e8,2e9,3.0\n"
    "a,2e-3,2e8,2e9,2.9\n"
    "b,0.001,2e8,2e9,2.8\n";
}

TEST_CASE("row groups: rows split by the group columns in order of appearance", "[laws]") {
  const auto groups = select_and_group(parse_csv(kTable, "t.csv"), {}, {"setup"});
  REQUIRE(groups.size() == 2);
  CHECK(groups[0].label == "setup=a");
  CHECK(groups[0].table.rows.size() == 2);
  CHECK(groups[1].table.line_numbers == std::vector<int>{3, 5});
}

TEST_CASE("row groups: --where matches text, or numbers written differently", "[laws]") {
  const auto picked =
      select_and_group(parse_csv(kTable, "t.csv"), {parse_condition("lr=0.001", "--where")}, {});
  REQUIRE(picked.size() == 1);
  CHECK(picked[0].table.rows.size() == 3);
}

TEST_CASE("row groups: a missing column or an empty selection is refused by name", "[laws]") {
  const CsvTable t = parse_csv(kTable, "t.csv");
  CHECK_THROWS_WITH(select_and_group(t, {}, {"dataset"}),
                    Catch::StartsWith("group_by: ") && Catch::Contains("'dataset'"));
  CHECK_THROWS_WITH(select_and_group(t, {{"setup", "c"}}, {}), Catch::Contains("selects none"));
  CHECK_THROWS_AS(parse_condition("setup", "--where"), LawError);
}
