#include <catch2/catch.hpp>

#include "api/units.h"

using scaleplan::api::grouped;
using scaleplan::api::human_count;
using scaleplan::api::InputError;
using scaleplan::api::parse_quantity;
using scaleplan::api::short_number;

TEST_CASE("parse_quantity: reads suffixes, exponents and digit groups", "[cli]") {
  CHECK(parse_quantity("7B", "x") == 7e9);
  CHECK(parse_quantity("1.4T", "x") == 1.4e12);
  CHECK(parse_quantity("70M", "x") == 70e6);
  CHECK(parse_quantity("125k", "x") == 125e3);
  CHECK(parse_quantity("5.76e23", "x") == 5.76e23);
  CHECK(parse_quantity("1_000_000", "x") == 1e6);
  CHECK(parse_quantity(" 3G ", "x") == 3e9);
}

TEST_CASE("parse_quantity: refuses what is not a positive finite number", "[cli]") {
  for (const char* bad : {"", "7Q", "abc", "0", "-1", "-7B", "nan", "inf", "1e999", "1e308T", "_1", "1__0",
                          "1_", "1e", "0x10", "7 B", "+5", "7BB"}) {
    INFO(bad);
    CHECK_THROWS_AS(parse_quantity(bad, "--params"), InputError);
  }
  // The message names the field as the API spells it; the CLI shows it as the flag.
  CHECK_THROWS_WITH(parse_quantity("7Q", "--params"),
                    Catch::StartsWith("params: ") && Catch::Contains("'7Q'") && Catch::Contains("suffix"));
}

TEST_CASE("human_count: three significant digits with a suffix", "[cli]") {
  CHECK(human_count(7e9) == "7.00B");
  CHECK(human_count(1.2858e12) == "1.29T");
  CHECK(human_count(144e9) == "144B");
  CHECK(human_count(125e3) == "125k");
  CHECK(human_count(512) == "512");
}

TEST_CASE("grouped writes whole thresholds with thousands separators and fractions as short numbers",
          "[api]") {
  CHECK(grouped(1500) == "1,500");
  CHECK(grouped(1234567) == "1,234,567");
  CHECK(grouped(500) == "500");
  CHECK(grouped(0.05) == "0.05");
  CHECK(grouped(1500.5) == short_number(1500.5));
}

TEST_CASE("wall clocks under an hour read in minutes, under a minute in seconds", "[api]") {
  using scaleplan::api::human_days;
  CHECK(human_days(14.9 / 86400) == "14.9 seconds");
  CHECK(human_days(30.0 / 1440) == "30 minutes");
  CHECK(human_days(3.0 / 24) == "3 hours");
  CHECK(human_days(2) == "2.00 days");
}
