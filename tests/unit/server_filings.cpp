// Annual filings' rules with an injected clock: the due instants in
// Shanghai time, a filing's timing around them, the roster's input, and
// whom to remind.
#include <doctest/doctest.h>

#include <variant>

#include "server/filings.hpp"
#include "vote/time.hpp"

using namespace pingyi::server;
using nlohmann::json;

namespace {

std::int64_t at(const char* rfc3339) { return pingyi::vote::parse_rfc3339(rfc3339).value(); }

filing filed_at(std::int64_t ms, review_state review = review_state::pending) {
    filing f;
    f.attachment = "a1";
    f.submitted_ms = ms;
    f.review = review;
    return f;
}

std::vector<roster_unit> roster_of(const std::variant<std::vector<roster_unit>, pingyi::vote::error>& parsed) {
    REQUIRE_MESSAGE(std::holds_alternative<std::vector<roster_unit>>(parsed),
                    std::get<pingyi::vote::error>(parsed).message);
    return std::get<std::vector<roster_unit>>(parsed);
}

pingyi::vote::error error_of(const std::variant<std::vector<roster_unit>, pingyi::vote::error>& parsed) {
    REQUIRE(std::holds_alternative<pingyi::vote::error>(parsed));
    return std::get<pingyi::vote::error>(parsed);
}

}  // namespace

TEST_CASE("the plan is due at 23:59:59 on 31 March and the summary on 31 December, Shanghai time") {
    CHECK(filing_due_ms(2026, filing_kind::plan) == at("2026-03-31T23:59:59+08:00"));
    CHECK(filing_due_ms(2026, filing_kind::plan) == at("2026-03-31T15:59:59Z"));
    CHECK(filing_due_ms(2026, filing_kind::summary) == at("2026-12-31T23:59:59+08:00"));
    // In UTC the summary is due on the 31st still, the next year begins 8 hours earlier.
    CHECK(filing_due_ms(2026, filing_kind::summary) == at("2026-12-31T15:59:59Z"));
    CHECK(filing_due_ms(2024, filing_kind::plan) == at("2024-03-31T23:59:59+08:00"));
    CHECK(filing_due_ms(2100, filing_kind::summary) == at("2100-12-31T23:59:59+08:00"));
    CHECK(pingyi::vote::format_rfc3339_shanghai(filing_due_ms(2027, filing_kind::plan)) == "2027-03-31T23:59:59+08:00");
}

TEST_CASE("a plan filed within the due second is on time, a millisecond after it is late") {
    const auto due = filing_due_ms(2026, filing_kind::plan);
    const auto later = at("2026-06-01T10:00:00+08:00");
    CHECK(timing_of(at("2026-01-05T09:00:00+08:00"), due, later) == filing_timing::on_time);
    CHECK(timing_of(at("2026-03-31T23:59:59+08:00"), due, later) == filing_timing::on_time);
    CHECK(timing_of(at("2026-03-31T23:59:59.999+08:00"), due, later) == filing_timing::on_time);
    CHECK(timing_of(at("2026-04-01T00:00:00+08:00"), due, later) == filing_timing::late);
    // 16:00 UTC on the 31st is already 1 April in Shanghai.
    CHECK(timing_of(at("2026-03-31T16:00:00Z"), due, later) == filing_timing::late);
    CHECK(timing_of(at("2026-03-31T15:59:59Z"), due, later) == filing_timing::on_time);
}

TEST_CASE("nothing filed is not due yet until the due second has passed, then missing") {
    const auto due = filing_due_ms(2026, filing_kind::plan);
    CHECK(timing_of(std::nullopt, due, at("2026-03-31T23:59:59.999+08:00")) == filing_timing::not_due_yet);
    CHECK(timing_of(std::nullopt, due, at("2026-04-01T00:00:00+08:00")) == filing_timing::missing);
    CHECK(timing_of(std::nullopt, due, at("2025-12-01T00:00:00+08:00")) == filing_timing::not_due_yet);
}

TEST_CASE("the summary's deadline crosses into the next year at midnight Shanghai time") {
    const auto due = filing_due_ms(2026, filing_kind::summary);
    CHECK(timing_of(std::nullopt, due, at("2026-12-31T23:59:59+08:00")) == filing_timing::not_due_yet);
    CHECK(timing_of(std::nullopt, due, at("2027-01-01T00:00:00+08:00")) == filing_timing::missing);
    CHECK(timing_of(std::nullopt, due, at("2026-12-31T16:00:00Z")) == filing_timing::missing);
    CHECK(timing_of(at("2026-12-31T23:30:00+08:00"), due, at("2027-02-01T00:00:00+08:00")) == filing_timing::on_time);
    CHECK(timing_of(at("2027-01-01T00:00:01+08:00"), due, at("2027-02-01T00:00:00+08:00")) == filing_timing::late);
    // Last year's summary is no business of this year's plan.
    CHECK(timing_of(std::nullopt, filing_due_ms(2027, filing_kind::plan), at("2027-01-01T00:00:00+08:00")) ==
          filing_timing::not_due_yet);
}

TEST_CASE("a filing's JSON says its due date, timing and review") {
    const auto now = at("2026-04-02T08:00:00+08:00");
    auto none = filing_json(2026, filing_kind::plan, std::nullopt, now);
    CHECK(none["kind"] == "plan");
    CHECK(none["label"] == "工作计划");
    CHECK(none["due_at"] == "2026-03-31T23:59:59+08:00");
    CHECK(none["timing"] == "missing");
    CHECK(none["timing_label"] == "未交");
    CHECK(none["filed"] == false);
    CHECK_FALSE(none.contains("review"));

    auto returned = filed_at(at("2026-04-01T09:00:00+08:00"), review_state::returned);
    returned.comment = "缺少第三季度安排";
    auto j = filing_json(2026, filing_kind::plan, returned, now);
    CHECK(j["timing"] == "late");
    CHECK(j["timing_label"] == "逾期");
    CHECK(j["submitted_at"] == "2026-04-01T09:00:00+08:00");
    CHECK(j["review"] == "returned");
    CHECK(j["review_label"] == "已退回");
    CHECK(j["comment"] == "缺少第三季度安排");
    CHECK(j["reviewed_at"].is_null());

    CHECK(filing_json(2026, filing_kind::summary, std::nullopt, now)["timing_label"] == "待提交");
}

TEST_CASE("kinds, years and review states are parsed strictly") {
    CHECK(parse_filing_kind("plan") == filing_kind::plan);
    CHECK(parse_filing_kind("summary") == filing_kind::summary);
    CHECK_FALSE(parse_filing_kind("Plan"));
    CHECK_FALSE(parse_filing_kind(""));
    CHECK(parse_filing_year("2026") == 2026);
    CHECK(parse_filing_year("2000") == 2000);
    CHECK(parse_filing_year("2100") == 2100);
    for (auto bad : {"1999", "2101", "226", "20260", "+202", "２０２６", ""})
        CHECK_MESSAGE(!parse_filing_year(bad), bad);
    CHECK(parse_review_state("accepted") == review_state::accepted);
    CHECK_FALSE(parse_review_state("ok"));
}

TEST_CASE("a roster comes as JSON or as the office's CSV") {
    auto from_json = roster_of(roster_from_json(
        json::parse(R"([{"id": "u01", "name": " 市教育局 ", "contact": "张三 0751-1234567"},
                        {"id": "u02", "name": "市卫健局"}])")));
    REQUIRE(from_json.size() == 2);
    CHECK(from_json[0] == roster_unit{"u01", "市教育局", "张三 0751-1234567"});
    CHECK(from_json[1] == roster_unit{"u02", "市卫健局", ""});

    auto from_csv = roster_of(roster_from_csv(
        "\xef\xbb\xbf单位编号,单位名称,联系人\r\nu01,市教育局,\"张三, 0751-1234567\"\r\n\r\nu02,\"市卫健局\",,\r\n"));
    REQUIRE(from_csv.size() == 2);
    CHECK(from_csv[0] == roster_unit{"u01", "市教育局", "张三, 0751-1234567"});
    CHECK(from_csv[1] == roster_unit{"u02", "市卫健局", ""});
    CHECK(roster_json(from_csv) == json::parse(R"([{"id":"u01","name":"市教育局","contact":"张三, 0751-1234567"},
                                                    {"id":"u02","name":"市卫健局","contact":""}])"));
    CHECK(roster_of(roster_from_csv("u01,甲\nu02,乙")).size() == 2);
    CHECK(roster_of(roster_from_json(json::array())).empty());
}

TEST_CASE("a roster's mistakes are named by item or row") {
    CHECK(error_of(roster_from_json(json::object())).code == "invalid_roster");
    auto dup = error_of(roster_from_json(json::parse(R"([{"id":"u1","name":"甲"},{"id":"u1","name":"乙"}])")));
    CHECK(dup.path == "[1]");
    CHECK(dup.message.find("重复") != std::string::npos);
    CHECK(error_of(roster_from_json(json::parse(R"([{"id":"u 1","name":"甲"}])"))).path == "[0]");
    CHECK(error_of(roster_from_json(json::parse(R"([{"id":"u1","name":3}])"))).path == "[0].name");
    CHECK(error_of(roster_from_json(json::parse(R"([{"id":"u1"}])"))).message.find("单位名称") != std::string::npos);

    auto row = error_of(roster_from_csv("单位编号,单位名称,联系人\nu1,甲\n\"u2\nx\",乙\nu3,\n"));
    CHECK(row.path == "row3");
    auto missing_name = error_of(roster_from_csv("u1,甲\nu2,\n"));
    CHECK(missing_name.path == "row2");
    CHECK(missing_name.message.find("第 2 行") != std::string::npos);
    CHECK(error_of(roster_from_csv("u1,甲,张三,多余\n")).path == "row1");
    CHECK(error_of(roster_from_csv("u1,\"甲\n")).message.find("引号") != std::string::npos);
    CHECK(error_of(roster_from_csv("u1,\xff\xfe\n")).message.find("UTF-8") != std::string::npos);
}

TEST_CASE("notes and comments are UTF-8 within their length") {
    CHECK(valid_text("", 10));
    CHECK(valid_text("十个字十个字十个字十", 10));
    CHECK_FALSE(valid_text("十个字十个字十个字十一", 10));
    CHECK_FALSE(valid_text("a\xff", 10));
}

TEST_CASE("reminders: nothing filed past due or within 30 days of it, or returned") {
    const int year = 2026;
    std::vector<unit_filings> units{
        {{"u1", "甲局", "张三 13800000000"},
         filed_at(at("2026-03-01T10:00:00+08:00"), review_state::accepted),
         std::nullopt},
        {{"u2", "乙局", "李四"}, std::nullopt, std::nullopt},
        {{"u3", "丙局", "王五"}, filed_at(at("2026-04-03T10:00:00+08:00"), review_state::returned), std::nullopt},
        {{"u4", "丁局", ""}, filed_at(at("2026-04-03T10:00:00+08:00")), std::nullopt},
    };
    units[2].plan->comment = "请补充\"年度目标\"";

    // Early in the year: nothing is due within 30 days.
    CHECK(reminders_at(year, units, at("2026-02-01T00:00:00+08:00")).size() == 1);  // u3's returned plan

    // 2 March: the plan is due within 30 days for whoever has not filed.
    CHECK(reminders_at(year, units, at("2026-03-01T23:59:58+08:00")).size() == 1);
    auto march = reminders_at(year, units, at("2026-03-02T00:00:00+08:00"));
    REQUIRE(march.size() == 2);
    CHECK(march[0].unit->unit.id == "u2");
    CHECK(march[0].kind == filing_kind::plan);
    CHECK(march[0].reason == reminder_reason::due_soon);
    CHECK(march[1].unit->unit.id == "u3");
    CHECK(march[1].reason == reminder_reason::returned);

    // After the plan's due date: u2's plan is missing; u4 filed late but filed.
    auto june = reminders_at(year, units, at("2026-06-01T00:00:00+08:00"));
    REQUIRE(june.size() == 2);
    CHECK(june[0].unit->unit.id == "u2");
    CHECK(june[0].reason == reminder_reason::missing);

    // In the new year every summary is missing.
    auto january = reminders_at(year, units, at("2027-01-01T00:00:00+08:00"));
    std::size_t missing_summaries = 0;
    for (const auto& r : january)
        missing_summaries += r.kind == filing_kind::summary && r.reason == reminder_reason::missing;
    CHECK(missing_summaries == 4);
    // A second before, they were only due soon.
    for (const auto& r : reminders_at(year, units, at("2026-12-31T23:59:59+08:00")))
        if (r.kind == filing_kind::summary) CHECK(r.reason == reminder_reason::due_soon);

    auto csv = reminders_csv(year, june);
    CHECK(csv.starts_with("\xef\xbb\xbf单位编号,单位名称,联系人,材料,截止时间,情况,退回意见\r\n"));
    CHECK(csv.find("u2,乙局,李四,工作计划,2026-03-31,已过截止时间，尚未提交,\r\n") != std::string::npos);
    CHECK(csv.find("u3,丙局,王五,工作计划,2026-03-31,已退回，需重新提交,\"请补充\"\"年度目标\"\"\"\r\n") !=
          std::string::npos);
}

TEST_CASE("a contact that looks like a formula is written as text in the reminders") {
    std::vector<unit_filings> units{{{"u1", "甲局", "=HYPERLINK(\"x\")"}, std::nullopt, std::nullopt}};
    auto csv = reminders_csv(2026, reminders_at(2026, units, at("2026-06-01T00:00:00+08:00")));
    CHECK(csv.find(",\"'=HYPERLINK(\"\"x\"\")\",") != std::string::npos);
}
