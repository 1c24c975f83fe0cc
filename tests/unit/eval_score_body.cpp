#include <string>
#include <vector>

#include <doctest/doctest.h>
#include <nlohmann/json.hpp>

#include "eval/score_body.hpp"

using namespace pingyi::eval;
using nlohmann::json;

namespace {

const std::vector<unit> campaign_units = {
    {"u1", "市公安局", unit_status::present, std::nullopt},
    {"u2", "市司法局", unit_status::present, std::nullopt},
    {"u3", "市税务局", unit_status::absent, std::nullopt},
};

}  // namespace

TEST_CASE("eval score bodies: valid panel scores") {
  auto all = parse_panel_scores(json::parse(R"({"scores": [
      {"judge": "j1", "unit": "u1", "score": 92.5, "comment": "普法宣传扎实"},
      {"judge": "j1", "unit": "u2", "score": 88},
      {"judge": "j-2_B", "unit": "u1", "score": 0.01, "comment": ""}]})"),
                                campaign_units);
  REQUIRE(all.ok());
  REQUIRE(all.value().size() == 3);
  CHECK(all.value()[0].judge == "j1");
  CHECK(all.value()[0].unit == "u1");
  CHECK(all.value()[0].score == decimal::from_hundredths(9250));
  CHECK(all.value()[0].comment == "普法宣传扎实");
  CHECK(all.value()[1].comment.empty());
  CHECK(all.value()[2].judge == "j-2_B");

  auto mine = parse_judge_scores(json::parse(R"({"scores": [{"unit": "u2", "score": 100, "comment": "好"}]})"), "j7",
                                 campaign_units);
  REQUIRE(mine.ok());
  REQUIRE(mine.value().size() == 1);
  CHECK(mine.value()[0].judge == "j7");
  CHECK(mine.value()[0].score == decimal::whole(100));

  auto none = parse_judge_scores(json::parse(R"({"scores": []})"), "j7", campaign_units);
  REQUIRE(none.ok());
  CHECK(none.value().empty());
}

TEST_CASE("eval score bodies: valid peer scores") {
  auto all = parse_peer_scores(
      json::parse(R"({"scores": [{"rater": "u2", "unit": "u1", "score": 88}, {"rater": "u3", "unit": "u1", "score": 79.5}]})"),
      campaign_units);
  REQUIRE(all.ok());
  REQUIRE(all.value().size() == 2);
  CHECK(all.value()[1].rater == "u3");
  CHECK(all.value()[1].score == decimal::from_hundredths(7950));

  auto mine = parse_rater_scores(json::parse(R"({"scores": [{"unit": "u1", "score": 90}, {"unit": "u3", "score": 60}]})"),
                                 "u2", campaign_units);
  REQUIRE(mine.ok());
  CHECK(mine.value()[0].rater == "u2");
  CHECK(mine.value()[1].unit == "u3");
}

TEST_CASE("eval score bodies: refused, with the place and the value") {
  enum class kind { panel, judge, peer, rater };
  struct row {
    kind which;
    std::string owner;  // the URL's judge or rater
    const char* body;
    const char* path;
    const char* says;
  };
  using enum kind;
  const row rows[] = {
      {panel, "", R"([])", "", "scores"},
      {panel, "", R"({"score": []})", "score", "未知字段"},
      {panel, "", R"({})", "scores", "数组"},
      {panel, "", R"({"scores": {}})", "scores", "数组"},
      {panel, "", R"({"scores": [1]})", "scores[0]", "对象"},
      {panel, "", R"({"scores": [{"unit": "u1", "score": 90}]})", "scores[0].judge", "缺少"},
      {panel, "", R"({"scores": [{"judge": "j1", "score": 90}]})", "scores[0].unit", "缺少"},
      {panel, "", R"({"scores": [{"judge": "j1", "unit": "u1"}]})", "scores[0].score", "缺少"},
      {panel, "", R"({"scores": [{"judge": "j 1", "unit": "u1", "score": 90}]})", "scores[0].judge", "\"j 1\""},
      {panel, "", R"({"scores": [{"judge": "", "unit": "u1", "score": 90}]})", "scores[0].judge", "编号"},
      {panel, "", R"({"scores": [{"judge": 7, "unit": "u1", "score": 90}]})", "scores[0].judge", "7"},
      {panel, "", R"({"scores": [{"judge": "j1", "unit": "u9", "score": 90}]})", "scores[0].unit", "u9"},
      {panel, "", R"({"scores": [{"judge": "j1", "unit": "u1", "score": 100.5}]})", "scores[0].score", "100.5"},
      {panel, "", R"({"scores": [{"judge": "j1", "unit": "u1", "score": -1}]})", "scores[0].score", "-1"},
      {panel, "", R"({"scores": [{"judge": "j1", "unit": "u1", "score": 92.505}]})", "scores[0].score", "92.505"},
      {panel, "", R"({"scores": [{"judge": "j1", "unit": "u1", "score": "92"}]})", "scores[0].score", "\"92\""},
      {panel, "", R"({"scores": [{"judge": "j1", "unit": "u1", "score": 90, "comment": 5}]})", "scores[0].comment",
       "字符串"},
      {panel, "", R"({"scores": [{"judge": "j1", "unit": "u1", "score": 90, "rank": 1}]})", "scores[0].rank",
       "未知字段"},
      {panel, "", R"({"scores": [{"judge": "j1", "unit": "u1", "score": 90}, {"judge": "j2", "unit": "u1", "score": 90},
                                  {"judge": "j1", "unit": "u1", "score": 80}]})",
       "scores[2]", "重复"},
      {judge, "j1", R"({"scores": [{"unit": "u1", "score": 90}, {"unit": "u1", "score": 91}]})", "scores[1]", "重复"},
      {judge, "j1", R"({"scores": [{"judge": "j1", "unit": "u1", "score": 90}]})", "scores[0].judge", "未知字段"},
      {judge, "j#1", R"({"scores": []})", "judge", "编号"},
      {peer, "", R"({"scores": [{"rater": "u1", "unit": "u1", "score": 90}]})", "scores[0].unit", "自己"},
      {peer, "", R"({"scores": [{"rater": "u9", "unit": "u1", "score": 90}]})", "scores[0].rater", "u9"},
      {peer, "", R"({"scores": [{"rater": "u2", "unit": "u1", "score": 90, "comment": "x"}]})", "scores[0].comment",
       "未知字段"},
      {peer, "", R"({"scores": [{"rater": "u2", "unit": "u1", "score": 101}]})", "scores[0].score", "101"},
      {rater, "u1", R"({"scores": [{"unit": "u2", "score": 90}, {"unit": "u1", "score": 90}]})", "scores[1].unit",
       "自己"},
      {rater, "u9", R"({"scores": []})", "rater", "u9"},
      {rater, "u2", R"({"scores": [{"unit": "u1", "score": 90}, {"unit": "u1", "score": 90}]})", "scores[1]", "重复"},
  };
  for (const auto& r : rows) {
    CAPTURE(r.body);
    const auto body = json::parse(r.body);
    error e;
    switch (r.which) {
      case panel: {
        auto out = parse_panel_scores(body, campaign_units);
        REQUIRE_FALSE(out.ok());
        e = out.err();
        break;
      }
      case judge: {
        auto out = parse_judge_scores(body, r.owner, campaign_units);
        REQUIRE_FALSE(out.ok());
        e = out.err();
        break;
      }
      case peer: {
        auto out = parse_peer_scores(body, campaign_units);
        REQUIRE_FALSE(out.ok());
        e = out.err();
        break;
      }
      case rater: {
        auto out = parse_rater_scores(body, r.owner, campaign_units);
        REQUIRE_FALSE(out.ok());
        e = out.err();
        break;
      }
    }
    CHECK(e.path == r.path);
    CHECK(e.message.find(r.says) != std::string::npos);
  }
}

TEST_CASE("eval score bodies: a long comment is refused") {
  json body = {{"scores", {{{"judge", "j1"}, {"unit", "u1"}, {"score", 90}, {"comment", std::string(6001, 'x')}}}}};
  auto out = parse_panel_scores(body, campaign_units);
  REQUIRE_FALSE(out.ok());
  CHECK(out.err().path == "scores[0].comment");
  body["scores"][0]["comment"] = std::string(6000, 'x');
  CHECK(parse_panel_scores(body, campaign_units).ok());
}
