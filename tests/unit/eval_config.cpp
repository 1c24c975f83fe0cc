#include <string>

#include <doctest/doctest.h>
#include <nlohmann/json.hpp>

#include "eval/config.hpp"

using namespace pingyi::eval;
using nlohmann::json;

TEST_CASE("eval config: the CONTRACT's defaults") {
  for (const json& given : {json(nullptr), json::object()}) {
    auto parsed = parse_scoring_config(given);
    REQUIRE(parsed.ok());
    const auto& c = parsed.value();
    CHECK(c == scoring_config{});
    CHECK(c.weights.panel == decimal::whole(40));
    CHECK(c.weights.public_score == decimal::whole(40));
    CHECK(c.weights.peer == decimal::whole(20));
    CHECK(c.method == public_method::max);
    CHECK(c.rank_step == decimal::whole(2));
    CHECK(c.aggregate == panel_aggregate::trimmed_mean);
    CHECK(c.trim_min_judges == 5);
    REQUIRE(c.satisfaction_bands.size() == 3);
    CHECK(c.satisfaction_bands[0] == satisfaction_band{"满意", decimal::whole(100)});
    CHECK(c.satisfaction_bands[1] == satisfaction_band{"基本满意", decimal::whole(80)});
    CHECK(c.satisfaction_bands[2] == satisfaction_band{"不满意", decimal::whole(50)});
    REQUIRE(c.grades.size() == 4);
    CHECK(c.grades[0] == grade{"优秀", decimal::whole(90)});
    CHECK(c.grades[3] == grade{"较差", decimal::whole(0)});
  }
  // The CONTRACT's campaign body, written out in full, is the default too.
  const auto contract = json::parse(R"({
    "weights": {"panel": 40, "public": 40, "peer": 20},
    "public_method": "max",
    "rank_step": 2,
    "satisfaction_bands": {"满意": 100, "基本满意": 80, "不满意": 50},
    "panel_aggregate": "trimmed_mean", "trim_min_judges": 5,
    "grades": [{"name": "优秀", "min": 90}, {"name": "良好", "min": 80},
               {"name": "一般", "min": 60}, {"name": "较差", "min": 0}]})");
  auto parsed = parse_scoring_config(contract);
  REQUIRE(parsed.ok());
  CHECK(parsed.value() == scoring_config{});
  CHECK(to_json(scoring_config{}) == contract);
}

TEST_CASE("eval config: fields given in part keep the other defaults") {
  auto parsed = parse_scoring_config(json::parse(
      R"({"weights": {"panel": 50, "public": 30}, "public_method": "rank", "rank_step": 2.5,
          "panel_aggregate": "mean", "trim_min_judges": 7})"));
  REQUIRE(parsed.ok());
  const auto& c = parsed.value();
  CHECK(c.weights.panel == decimal::whole(50));
  CHECK(c.weights.public_score == decimal::whole(30));
  CHECK(c.weights.peer == decimal::whole(20));
  CHECK(c.method == public_method::rank);
  CHECK(c.rank_step == decimal::from_hundredths(250));
  CHECK(c.aggregate == panel_aggregate::mean);
  CHECK(c.trim_min_judges == 7);
  CHECK(c.grades == default_grades());

  auto thirds = parse_scoring_config(json::parse(R"({"weights": {"panel": 33.33, "public": 33.33, "peer": 33.34}})"));
  REQUIRE(thirds.ok());
  CHECK(thirds.value().weights.peer == decimal::from_hundredths(3334));

  auto custom = parse_scoring_config(json::parse(
      R"({"public_method": "satisfaction", "satisfaction_bands": {"不满意": 40, "满意": 100.0, "基本满意": 75.5},
          "grades": [{"name": "好", "min": 85.5}, {"name": "差", "min": 0}]})"));
  REQUIRE(custom.ok());
  const auto& bands = custom.value().satisfaction_bands;
  REQUIRE(bands.size() == 3);
  CHECK(bands[0].name == "满意");
  CHECK(bands[1] == satisfaction_band{"基本满意", decimal::from_hundredths(7550)});
  CHECK(bands[2].name == "不满意");
  CHECK(custom.value().grades[0] == grade{"好", decimal::from_hundredths(8550)});
}

TEST_CASE("eval config: round trip through to_json") {
  auto parsed = parse_scoring_config(json::parse(
      R"({"weights": {"panel": 33.33, "public": 33.33, "peer": 33.34}, "public_method": "minmax",
          "rank_step": 0.5, "satisfaction_bands": {"好": 99.99, "坏": 0.01}, "panel_aggregate": "mean",
          "trim_min_judges": 3, "grades": [{"name": "A", "min": 75.25}, {"name": "B", "min": 0}]})"));
  REQUIRE(parsed.ok());
  auto again = parse_scoring_config(to_json(parsed.value()));
  REQUIRE(again.ok());
  CHECK(again.value() == parsed.value());
}

TEST_CASE("eval config: precise errors") {
  struct row {
    const char* body;
    const char* path;
    const char* says;
  };
  const row rows[] = {
      {R"([])", "scoring", "对象"},
      {R"({"weight": {}})", "scoring.weight", "scoring.weight"},
      {R"({"weights": {"panel": 40, "public": 40, "peer": 20, "extra": 0}})", "scoring.weights.extra", "未知字段"},
      {R"({"weights": {"panel": 50}})", "scoring.weights", "110.00"},
      {R"({"weights": {"panel": 40, "public": 40, "peer": 19.99}})", "scoring.weights", "99.99"},
      {R"({"weights": {"panel": "40"}})", "scoring.weights.panel", "\"40\""},
      {R"({"weights": {"panel": 40.001}})", "scoring.weights.panel", "40.001"},
      {R"({"weights": [40, 40, 20]})", "scoring.weights", "对象"},
      {R"({"public_method": "median"})", "scoring.public_method", "\"median\""},
      {R"({"public_method": 1})", "scoring.public_method", "1"},
      {R"({"rank_step": -2})", "scoring.rank_step", "-2"},
      {R"({"rank_step": "2"})", "scoring.rank_step", "\"2\""},
      {R"({"panel_aggregate": "median"})", "scoring.panel_aggregate", "\"median\""},
      {R"({"trim_min_judges": 2})", "scoring.trim_min_judges", "2"},
      {R"({"trim_min_judges": 5.0})", "scoring.trim_min_judges", "5.0"},
      {R"({"trim_min_judges": "5"})", "scoring.trim_min_judges", "\"5\""},
      {R"({"satisfaction_bands": {}})", "scoring.satisfaction_bands", "非空"},
      {R"({"satisfaction_bands": {"满意": 101}})", "scoring.satisfaction_bands.满意", "101"},
      {R"({"satisfaction_bands": {"": 50}})", "scoring.satisfaction_bands.", "名称"},
      {R"({"grades": []})", "scoring.grades", "非空"},
      {R"({"grades": [{"name": "A", "min": 80}, {"name": "B", "min": 80}, {"name": "C", "min": 0}]})",
       "scoring.grades", "严格递减"},
      {R"({"grades": [{"name": "A", "min": 60}, {"name": "B", "min": 70}, {"name": "C", "min": 0}]})",
       "scoring.grades", "严格递减"},
      {R"({"grades": [{"name": "A", "min": 90}, {"name": "B", "min": 10}]})", "scoring.grades", "下限须为 0"},
      {R"({"grades": [{"name": "A", "min": 90}, {"name": "A", "min": 0}]})", "scoring.grades[1].name", "重复"},
      {R"({"grades": [{"name": "A", "min": 0, "colour": "red"}]})", "scoring.grades[0].colour", "未知字段"},
      {R"({"grades": [{"name": "A"}]})", "scoring.grades[0]", "min"},
      {R"({"grades": [{"name": 1, "min": 0}]})", "scoring.grades[0].name", "名称"},
      {R"({"grades": [{"name": "A", "min": 0.001}]})", "scoring.grades[0].min", "0.001"},
      {R"({"grades": ["A"]})", "scoring.grades[0]", "对象"},
  };
  for (const auto& r : rows) {
    CAPTURE(r.body);
    auto parsed = parse_scoring_config(json::parse(r.body));
    REQUIRE_FALSE(parsed.ok());
    CHECK(parsed.err().path == r.path);
    CHECK(parsed.err().message.find(r.says) != std::string::npos);
  }
}
