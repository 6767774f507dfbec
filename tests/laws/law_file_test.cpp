#include <catch2/catch.hpp>
#include <fstream>

#include "laws/law_file.h"
#include "laws/presets.h"
#include "support_files.h"

using namespace scaleplan::laws;
using nlohmann::json;

TEST_CASE("law files: every preset survives a round trip through JSON", "[laws]") {
  for (const Law& law : presets()) {
    INFO(law.name);
    const Law back = law_from_json(json::parse(law_to_json(law).dump()), "mem");
    CHECK(back.name == law.name);
    CHECK(back.form == law.form);
    CHECK(loss(back, 1e9, 2e10) == loss(law, 1e9, 2e10));
  }
}

TEST_CASE("law files: uncertainty is read back with its replicates", "[laws]") {
  Law law = preset("besiroglu2024");
  law.uncertainty = Uncertainty{{{"E", 0.02}}, {{"E", {1.78, 1.87}}}, {{1.8, 480, 2000, 0.35, 0.36}}};
  const Law back = law_from_json(json::parse(law_to_json(law).dump()), "mem");
  REQUIRE(back.uncertainty);
  CHECK(back.uncertainty->replicates.size() == 1);
  CHECK(back.uncertainty->ci95.front().second.second == 1.87);
}

TEST_CASE("law files: bad documents are refused with the key and the value", "[laws]") {
  auto doc = law_to_json(preset("besiroglu2024"));
  SECTION("a missing parameter") {
    doc["parameters"].erase("beta");
    CHECK_THROWS_WITH(law_from_json(json::parse(doc.dump()), "f.json"),
                      Catch::Contains("f.json") && Catch::Contains("parameters.beta"));
  }
  SECTION("a non-positive exponent") {
    doc["parameters"]["alpha"] = -0.3;
    CHECK_THROWS_WITH(law_from_json(json::parse(doc.dump()), "f.json"),
                      Catch::Contains("alpha") && Catch::Contains("-0.3"));
  }
  SECTION("an unknown form") {
    doc["form"] = "cubic";
    CHECK_THROWS_WITH(law_from_json(json::parse(doc.dump()), "f.json"), Catch::Contains("cubic"));
  }
  SECTION("a parameter that is a string") {
    doc["parameters"]["E"] = "1.8";
    CHECK_THROWS_WITH(law_from_json(json::parse(doc.dump()), "f.json"), Catch::Contains("expected a number"));
  }
}

TEST_CASE("law files: a file that is not JSON names the file", "[laws]") {
  const auto dir = scaleplan::testing::temp_dir("lawfile");
  const auto path = (dir / "bad.json").string();
  std::ofstream(path) << "{not json";
  CHECK_THROWS_WITH(load_law_file(path), Catch::Contains("bad.json") && Catch::Contains("not valid JSON"));
  CHECK_THROWS_WITH(load_law_file((dir / "absent.json").string()), Catch::Contains("cannot open"));
}

TEST_CASE("law files: a key given twice in one object is refused, naming the key", "[laws]") {
  // nlohmann keeps the last of the two, so the file would plan with an E
  // its reader does not see first.
  const auto dir = scaleplan::testing::temp_dir("lawfile");
  const auto path = (dir / "twice.json").string();
  std::ofstream(path) << R"({"schema_version": 1, "name": "mine", "form": "chinchilla", "parameters":
      {"E": 1.8, "A": 480, "B": 2000, "alpha": 0.35, "beta": 0.36, "E": 9}})";
  CHECK_THROWS_WITH(load_law_file(path), Catch::Contains("twice.json") &&
                                             Catch::Contains("the key 'E' is given twice in one object"));
}

TEST_CASE("law files: a device or a folder is refused in one line, not read", "[laws]") {
  CHECK_THROWS_WITH(load_law_file("/dev/zero"),
                    "/dev/zero: not a regular file (a device, a pipe or a socket); expected the law file");
  CHECK_THROWS_WITH(load_law_file(SCALEPLAN_TEST_DATA), Catch::EndsWith(": a folder; expected the law file"));
}
