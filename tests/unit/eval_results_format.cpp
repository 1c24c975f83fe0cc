#include <string>
#include <vector>

#include <doctest/doctest.h>
#include <nlohmann/json.hpp>

#include "eval/results_format.hpp"

using namespace pingyi::eval;
using nlohmann::json;

namespace {

std::vector<unit_result> sample() {
  unit_result a;
  a.id = "u1";
  a.name = "市公安局";
  a.panel = decimal::from_hundredths(9250);
  a.public_score = decimal::whole(100);
  a.peer = decimal::from_hundredths(8767);
  a.total = decimal::from_hundredths(9000);
  a.grade = "优秀";
  a.rank = 1;
  a.votes = 1000;

  unit_result b;
  b.id = "u2";
  b.name = "=HYPERLINK(\"x\"),局";
  b.status = unit_status::absent;
  b.public_score = decimal::from_hundredths(7);
  b.votes = 1;
  b.warnings = {{"missing_panel", "没有评议团评分"}, {"missing_peer", "没有单位互评评分"}};
  return {a, b};
}

}  // namespace

TEST_CASE("eval results: JSON as the CONTRACT's results endpoint, 2 decimals, null where null") {
  const std::string text = results_json(sample(), true);
  CHECK(text.find("\"panel\":92.50,") != std::string::npos);
  CHECK(text.find("\"total\":90.00,") != std::string::npos);
  CHECK(text.find("\"public\":0.07,") != std::string::npos);
  const auto parsed = json::parse(text);
  CHECK(parsed["published"] == true);
  REQUIRE(parsed["units"].size() == 2);
  const auto& a = parsed["units"][0];
  CHECK(a == json::parse(R"({"id": "u1", "name": "市公安局", "panel": 92.5, "public": 100, "peer": 87.67,
      "total": 90, "grade": "优秀", "rank": 1, "status": "present", "warnings": []})"));
  const auto& b = parsed["units"][1];
  CHECK(b["name"] == "=HYPERLINK(\"x\"),局");
  CHECK(b["panel"].is_null());
  CHECK(b["total"].is_null());
  CHECK(b["grade"].is_null());
  CHECK(b["rank"].is_null());
  CHECK(b["status"] == "absent");
  CHECK(b["warnings"][1] == json({{"code", "missing_peer"}, {"message", "没有单位互评评分"}}));
  CHECK(json::parse(results_json({}, false)) == json::parse(R"({"published": false, "units": []})"));
}

TEST_CASE("eval results: CSV with BOM, Chinese headers and quoting for Excel") {
  const std::string csv = results_csv(sample());
  REQUIRE(csv.size() > 3);
  CHECK(csv.substr(0, 3) == "\xEF\xBB\xBF");
  const std::string expected =
      "\xEF\xBB\xBF"
      "单位编号,单位名称,评议团评分,网络评议得分,单位互评评分,总分,等级,名次,状态,提示\r\n"
      "u1,市公安局,92.50,100.00,87.67,90.00,优秀,1,参加评议,\r\n"
      "u2,\"'=HYPERLINK(\"\"x\"\"),局\",,0.07,,,,,缺席评议,没有评议团评分；没有单位互评评分\r\n";
  CHECK(csv == expected);

  unit_result multiline;
  multiline.id = "u3";
  multiline.name = "第一行\n第二行";
  CHECK(results_csv({multiline}).find("u3,\"第一行\n第二行\",") != std::string::npos);
}

TEST_CASE("eval results: public-scores JSON") {
  const auto parsed = json::parse(public_scores_json(public_method::max, sample()));
  CHECK(parsed == json::parse(R"({"method": "max", "units": [{"id": "u1", "votes": 1000, "score": 100},
      {"id": "u2", "votes": 1, "score": 0.07}]})"));
  CHECK(public_scores_json(public_method::satisfaction, {}) == R"({"method":"satisfaction","units":[]})");
}
