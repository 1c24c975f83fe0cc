// The indicator system from JSON and from the office's CSV (quotes, BOM,
// notes above the header, merged categories, every mistake named by row),
// the CSV written back, the shipped example template, and the checks of a
// unit's self-assessment: scores, lengths, what a submission lacks.
#include <doctest/doctest.h>

#include <cstdlib>
#include <fstream>
#include <sstream>

#include "vote/indicators.hpp"

using namespace pingyi::vote;
using nlohmann::json;

namespace {

indicator_system csv_ok(std::string_view text) {
    auto parsed = indicators_from_csv(text);
    if (auto* e = std::get_if<error>(&parsed)) FAIL("refused: " << e->path << " " << e->message);
    return std::get<indicator_system>(parsed);
}

error csv_refused(std::string_view text) {
    auto parsed = indicators_from_csv(text);
    REQUIRE_MESSAGE(std::holds_alternative<error>(parsed), "accepted: " << text);
    return std::get<error>(parsed);
}

error json_refused(const json& body) {
    auto parsed = indicators_from_json(body);
    REQUIRE_MESSAGE(std::holds_alternative<error>(parsed), "accepted: " << body.dump());
    return std::get<error>(parsed);
}

// Two categories, three indicators: 10 + 5.5 + 4.5 = 20 points.
indicator_system small_system() {
    return csv_ok(
        "类别,指标编号,指标名称,分值,评分标准\n"
        "组织领导,1.1,专题研究普法工作,10,有纪要得满分\n"
        "宣传教育,2.1,开展主题宣传,5.5,\n"
        ",2.2,以案释法,4.5,\n");
}

self_assessment assessment_ok(const json& body) {
    auto parsed = self_assessment_from_json(body);
    if (auto* e = std::get_if<error>(&parsed)) FAIL("refused: " << e->path << " " << e->message);
    return std::get<self_assessment>(parsed);
}

error assessment_refused(const json& body) {
    auto parsed = self_assessment_from_json(body);
    REQUIRE_MESSAGE(std::holds_alternative<error>(parsed), "accepted: " << body.dump());
    return std::get<error>(parsed);
}

json complete_body() {
    return {{"items",
             {{{"indicator", "1.1"}, {"score", 9.5}, {"evidence", "全年专题研究两次"}},
              {{"indicator", "2.1"}, {"score", 5}, {"evidence", "宪法宣传周活动"}},
              {{"indicator", "2.2"}, {"score", 0}, {"evidence", "本年度未发布案例"}}}},
            {"disclosure", {{"duties", "法治宣传"}, {"measures", "进社区"}, {"results", "覆盖十万人"}}}};
}

std::string read_file(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    REQUIRE_MESSAGE(in, "cannot open " << path);
    std::ostringstream text;
    text << in.rdbuf();
    return text.str();
}

}  // namespace

TEST_CASE("indicator CSV: BOM, quoted commas and line breaks, notes above the header, merged categories") {
    const std::string text =
        "\xEF\xBB\xBF"
        "\"【示例】说明行，导入时忽略\",,,,\r\n"
        "\r\n"
        "类别,指标编号,指标名称,分值,评分标准\r\n"
        "组织领导,1.1,\"成立领导小组, 明确专人\",3,\"有文件得 3 分\r\n缺一项扣 1 分\"\r\n"
        ",1.2,\"“第一责任人”说 \"\"普法\"\"\",2.5,\r\n"
        "\r\n"
        "宣传教育,2.1,主题宣传 ,  4 ,\r\n"
        "组织领导,1.3,集体学法,0.5,\r\n";
    auto s = csv_ok(text);
    REQUIRE(s.categories.size() == 2);
    CHECK(s.categories[0].name == "组织领导");
    REQUIRE(s.categories[0].indicators.size() == 3);  // 1.3 joins its category, listed apart
    CHECK(s.categories[0].indicators[0] ==
          indicator{"1.1", "成立领导小组, 明确专人", 30, "有文件得 3 分\r\n缺一项扣 1 分"});
    CHECK(s.categories[0].indicators[1] == indicator{"1.2", "“第一责任人”说 \"普法\"", 25, ""});
    CHECK(s.categories[0].indicators[2].id == "1.3");
    CHECK(s.categories[1].indicators[0] == indicator{"2.1", "主题宣传", 40, ""});
    CHECK(s.total_points() == 30 + 25 + 5 + 40);
    CHECK(s.indicator_count() == 4);
    CHECK(s.categories[0].points() == 60);
}

TEST_CASE("indicator CSV without the standard column, and with Excel's trailing empty columns") {
    auto s = csv_ok("类别,指标编号,指标名称,分值\nA,a1,甲,1\n");
    CHECK(s.categories[0].indicators[0].standard.empty());
    auto t = csv_ok("类别,指标编号,指标名称,分值,评分标准,,\nA,a1,甲,1,标准,,\n");
    CHECK(t.categories[0].indicators[0].standard == "标准");
}

TEST_CASE("indicator CSV mistakes are named by row and column") {
    const std::string header = "类别,指标编号,指标名称,分值,评分标准\n";
    struct bad {
        std::string text;
        std::string path;
        std::string says;
    };
    const bad cases[] = {
        {"A,B\n", "", "找不到表头"},
        {header, "", "没有任何指标"},
        {header + ",1.1,甲,1,\n", "row2.category", "第 2 行：缺少类别"},
        {header + "A,,甲,1,\n", "row2.id", "第 2 行：缺少指标编号"},
        {header + "A,1 1,甲,1,\n", "row2.id", "只能由字母"},
        {header + "A,1.1,,1,\n", "row2.name", "第 2 行：缺少指标名称"},
        {header + "A,1.1,甲,,\n", "row2.points", "缺少分值"},
        {header + "A,1.1,甲,三,\n", "row2.points", "分值“三”应为大于 0"},
        {header + "A,1.1,甲,0,\n", "row2.points", "第 2 行"},
        {header + "A,1.1,甲,2.25,\n", "row2.points", "最多一位小数"},
        {header + "A,1.1,甲,-1,\n", "row2.points", "应为大于 0"},
        {header + "A,1.1,甲,1,\n\nA,1.1,乙,1,\n", "row4.id", "第 4 行：指标编号“1.1”重复"},
        {header + "A,1.1,甲,1,,多余\n", "row2", "第 6 列在表头之外"},
        {"类别,指标编号,指标名称,分值,备注\nA,1.1,甲,1,\n", "row1", "表头第 5 列“备注”不认识"},
        {header + "A,1.1,\"甲,1,\n", "row2", "第 2 行：引号没有闭合"},
        {header + "A,1.1,\xB9\xFA,1,\n", "", "不是 UTF-8 编码"},
    };
    for (const auto& c : cases) {
        CAPTURE(c.text);
        auto e = csv_refused(c.text);
        CHECK(e.code == "invalid_indicators");
        CHECK(e.path == c.path);
        CHECK_MESSAGE(e.message.find(c.says) != std::string::npos, e.message);
    }
}

TEST_CASE("a line break inside quotes keeps the row numbers Excel shows") {
    auto e = csv_refused("类别,指标编号,指标名称,分值\nA,1.1,\"两行\n名称\",1\nA,1.2,乙,x\n");
    CHECK(e.path == "row3.points");
}

TEST_CASE("indicators written as CSV read back the same, and open in Excel as UTF-8") {
    auto s = small_system();
    s.categories[0].indicators[0].name = "含逗号, 引号\"和\n换行";
    auto csv = indicators_csv(s);
    CHECK(csv.starts_with("\xEF\xBB\xBF类别,指标编号,指标名称,分值,评分标准\r\n"));
    CHECK(csv.find("宣传教育,2.1,开展主题宣传,5.5,\r\n") != std::string::npos);
    CHECK(csv_ok(csv) == s);
}

TEST_CASE("indicators from JSON: the shape to_json writes, and its mistakes by path") {
    auto s = small_system();
    auto parsed = indicators_from_json(s.to_json());
    REQUIRE(std::holds_alternative<indicator_system>(parsed));
    CHECK(std::get<indicator_system>(parsed) == s);
    auto summary = s.summary_json();
    CHECK(summary["total_points"] == 20);
    CHECK(summary["indicator_count"] == 3);
    CHECK(summary["categories"][1]["points"] == 10);
    CHECK(summary["categories"][1]["indicators"][0]["points"] == 5.5);

    auto body = s.to_json();
    CHECK(json_refused(json::array()).path == "");
    CHECK(json_refused({{"categories", json::array()}}).message.find("至少要有一项指标") != std::string::npos);
    CHECK(json_refused({{"categories", body["categories"]}, {"extra", 1}}).path == "extra");
    auto dup = body;
    dup["categories"][1]["name"] = "组织领导";
    CHECK(json_refused(dup).message.find("类别“组织领导”重复") != std::string::npos);
    auto points = body;
    points["categories"][1]["indicators"][1]["points"] = 4.55;
    auto e = json_refused(points);
    CHECK(e.path == "categories[1].indicators[1].points");
    CHECK(e.message.find("类别“宣传教育”第 2 项指标") != std::string::npos);
    auto text_points = body;
    text_points["categories"][0]["indicators"][0]["points"] = "10";
    CHECK(json_refused(text_points).path == "categories[0].indicators[0].points");
    auto unknown = body;
    unknown["categories"][0]["indicators"][0]["weight"] = 1;
    CHECK(json_refused(unknown).path == "categories[0].indicators[0].weight");
    auto empty_category = body;
    empty_category["categories"][0]["indicators"] = json::array();
    CHECK(json_refused(empty_category).path == "categories[0].indicators");
    auto long_name = body;
    long_name["categories"][0]["indicators"][0]["name"] = std::string(201 * 3, 'x');
    CHECK(json_refused(long_name).path == "categories[0].indicators[0].name");
}

TEST_CASE("the example template: 5 categories of 5 indicators, 100 points, marked as an example") {
    const char* root = std::getenv("PINGYI_SOURCE_DIR");
    auto text = read_file(std::string(root ? root : ".") + "/docs/examples/indicators.example.csv");
    CHECK(text.starts_with("\xEF\xBB\xBF"));
    auto s = csv_ok(text);
    REQUIRE(s.categories.size() == 5);
    for (const auto& c : s.categories) {
        CAPTURE(c.name);
        CHECK(c.indicators.size() == 5);
        CHECK(c.name.find("示例") != std::string::npos);
    }
    CHECK(s.indicator_count() == 25);
    CHECK(s.total_points() == 1000);
    CHECK(text.find("【示例】") < text.find("类别,指标编号"));
}

TEST_CASE("tenths print and serialise without binary noise") {
    CHECK(format_tenths(0) == "0");
    CHECK(format_tenths(45) == "4.5");
    CHECK(format_tenths(1000) == "100");
    CHECK(tenths_json(33).dump() == "3.3");
    CHECK(tenths_json(40).dump() == "4");
}

TEST_CASE("a self-assessment draft: scores with one decimal place, lengths, duplicates") {
    auto a = assessment_ok(complete_body());
    CHECK(a.items.size() == 3);
    CHECK(a.items[0].score == 95);
    CHECK(a.total_score() == 145);
    CHECK(assessment_ok(a.to_json()) == a);
    CHECK(assessment_ok(json::object()) == self_assessment{});

    auto partial = assessment_ok({{"items", {{{"indicator", "1.1"}, {"score", nullptr}, {"evidence", ""}}}}});
    CHECK_FALSE(partial.items[0].score.has_value());

    auto body = complete_body();
    body["items"][0]["score"] = 9.55;
    CHECK(assessment_refused(body).path == "items[0].score");
    body["items"][0]["score"] = -1;
    CHECK(assessment_refused(body).message.find("指标 1.1 的自评分") != std::string::npos);
    body["items"][0]["score"] = "9";
    CHECK(assessment_refused(body).path == "items[0].score");
    body = complete_body();
    body["items"][2]["indicator"] = "1.1";
    CHECK(assessment_refused(body).message.find("出现了两次") != std::string::npos);
    body = complete_body();
    body["items"][1]["evidence"] = std::string(max_evidence_chars, 'x');
    CHECK(std::holds_alternative<self_assessment>(self_assessment_from_json(body)));
    body["items"][1]["evidence"] = std::string(max_evidence_chars + 1, 'x');
    CHECK(assessment_refused(body).path == "items[1].evidence");
    body = complete_body();
    std::string chinese;
    for (std::size_t i = 0; i < max_disclosure_chars; ++i) chinese += "字";  // 3 bytes each: counted as characters
    body["disclosure"]["results"] = chinese;
    CHECK(std::holds_alternative<self_assessment>(self_assessment_from_json(body)));
    body["disclosure"]["results"] = chinese + "字";
    CHECK(assessment_refused(body).path == "disclosure.results");
    body = complete_body();
    body["disclosure"]["summary"] = "x";
    CHECK(assessment_refused(body).path == "disclosure.summary");
    CHECK(assessment_refused({{"items", {{{"indicator", "1.1"}, {"note", "x"}}}}}).path == "items[0].note");
}

TEST_CASE("a self-assessment against the indicator system: unknown indicators, scores above the points") {
    auto s = small_system();
    CHECK_FALSE(check_against(assessment_ok(complete_body()), s).has_value());
    auto body = complete_body();
    body["items"][1]["score"] = 5.6;
    auto e = check_against(assessment_ok(body), s);
    REQUIRE(e.has_value());
    CHECK(e->path == "items[1].score");
    CHECK(e->message.find("不能超过该项分值 5.5") != std::string::npos);
    body = complete_body();
    body["items"][1]["indicator"] = "9.9";
    e = check_against(assessment_ok(body), s);
    REQUIRE(e.has_value());
    CHECK(e->path == "items[1].indicator");

    // A stored draft after the system changed: only what still fits, in the system's order.
    auto stored = assessment_ok(body);
    auto fit = fitted(stored, s);
    REQUIRE(fit.items.size() == 2);
    CHECK(fit.items[0].indicator == "1.1");
    CHECK(fit.items[1].indicator == "2.2");
    CHECK(fit.disclosure.duties == "法治宣传");
}

TEST_CASE("what a submission lacks: each indicator's score and evidence, then the disclosure") {
    auto s = small_system();
    auto complete = assessment_ok(complete_body());
    CHECK(missing_for_submit(complete, s).empty());
    CHECK(filled_count(complete, s) == 3);
    CHECK(disclosure_filled(complete.disclosure));

    auto body = complete_body();
    body["items"][0]["evidence"] = "  \u3000 ";
    body["items"].erase(2);
    body["disclosure"]["measures"] = " ";
    auto partial = assessment_ok(body);
    auto missing = missing_for_submit(partial, s);
    REQUIRE(missing.size() == 4);
    CHECK(missing[0] == missing_field{"1.1", "evidence", "指标 1.1“专题研究普法工作”未填自评说明"});
    CHECK(missing[1].indicator == "2.2");
    CHECK(missing[1].field == "score");
    CHECK(missing[2].indicator == "2.2");
    CHECK(missing[2].field == "evidence");
    CHECK(missing[3] == missing_field{"", "disclosure.measures", "履职公示未填“措施”"});
    CHECK(filled_count(partial, s) == 1);
    CHECK_FALSE(disclosure_filled(partial.disclosure));
    CHECK(missing_for_submit(self_assessment{}, s).size() == 3 * 2 + 3);
}
