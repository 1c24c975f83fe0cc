// The worked example of docs/scoring.md (“计算示例”), number for number.
// If this test changes, change the document with it.
#include <string>
#include <vector>

#include <doctest/doctest.h>

#include "eval/engine.hpp"
#include "eval/results_format.hpp"
#include "tests/unit/eval_support.hpp"

using namespace pingyi::eval;
using namespace pingyi::eval::test;

TEST_CASE("eval worked example of docs/scoring.md") {
  evaluation_input input;
  input.units = {
      {"u1", "市公安局", unit_status::present, std::nullopt},
      {"u2", "市司法局", unit_status::present, std::nullopt},
      {"u3", "市税务局", unit_status::present, std::nullopt},
      {"u4", "市市场监管局", unit_status::absent, std::nullopt},
      {"u5", "市生态环境局", unit_status::fraud, 1200},
  };
  // Default scoring: 40/40/20, max, trimmed mean from 5 judges.
  judge(input, "j1", {{"u1", "92"}, {"u2", "85"}, {"u3", "80.02"}, {"u5", "88"}});
  judge(input, "j2", {{"u1", "88.5"}, {"u2", "86"}, {"u3", "81"}, {"u5", "87"}});
  judge(input, "j3", {{"u1", "90"}, {"u2", "84"}, {"u3", "79.5"}, {"u5", "90"}});
  judge(input, "j4", {{"u1", "95"}, {"u2", "90"}, {"u3", "81.5"}, {"u5", "86"}});
  judge(input, "j5", {{"u1", "85.5"}, {"u2", "70"}, {"u5", "89"}});
  rater(input, "u1", {{"u2", "86"}, {"u3", "80"}, {"u5", "75"}});
  rater(input, "u2", {{"u1", "90"}, {"u3", "82"}, {"u5", "70"}});
  rater(input, "u3", {{"u1", "85"}, {"u2", "84"}, {"u5", "72"}});
  rater(input, "u5", {{"u1", "88"}, {"u2", "90"}, {"u3", "81"}});
  input.public_votes.votes = {{"u1", 800}, {"u2", 1000}, {"u3", 640}, {"u4", 200}, {"u5", 1500}};

  const auto results = run(input);
  struct row {
    const char *panel, *public_score, *peer, *total, *grade, *rank;
  };
  const row expected[] = {
      {"90.17", "80.00", "87.67", "85.60", "良好", "2"},
      {"85.00", "100.00", "86.67", "91.33", "优秀", "1"},
      {"80.51", "64.00", "81.00", "74.00", "一般", "3"},
      {"null", "20.00", "null", "null", "null", "null"},
      {"88.00", "100.00", "72.33", "89.67", "较差", "null"},
  };
  for (std::size_t i = 0; i < results.size(); ++i) {
    const auto& r = results[i];
    CAPTURE(r.id);
    CHECK(shown(r.panel) == expected[i].panel);
    CHECK(shown(r.public_score) == expected[i].public_score);
    CHECK(shown(r.peer) == expected[i].peer);
    CHECK(shown(r.total) == expected[i].total);
    CHECK(r.grade.value_or("null") == expected[i].grade);
    CHECK((r.rank ? std::to_string(*r.rank) : "null") == expected[i].rank);
  }
  REQUIRE(results[2].warnings.size() == 1);
  CHECK(results[2].warnings[0].code == "panel_incomplete");
  CHECK(results[2].warnings[0].message == "评委 j5 尚未给本单位评分");
  REQUIRE(results[4].warnings.size() == 1);
  CHECK(results[4].warnings[0].code == "votes_above_electorate");
  CHECK(results[4].warnings[0].message == "得票 1500 超过合理选民数 1200，请核查");
  CHECK(results[0].warnings.empty());
  CHECK(results[1].warnings.empty());
  CHECK(results[3].warnings.empty());

  // The document shows the unit u3 line of the JSON as well.
  CHECK(results_json(results, true).find(
            R"({"id":"u3","name":"市税务局","panel":80.51,"public":64.00,"peer":81.00,"total":74.00,"grade":"一般","rank":3,"status":"present","warnings":[{"code":"panel_incomplete","message":"评委 j5 尚未给本单位评分"}]})") !=
        std::string::npos);
}
