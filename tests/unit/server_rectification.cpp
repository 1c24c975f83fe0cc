// Rectification reports without Redis: what a unit may answer, the body of
// a save, storage, and the due date and status with an injected clock.
#include <doctest/doctest.h>

#include "server/rectification_store.hpp"
#include "vote/time.hpp"

using namespace pingyi;
using namespace pingyi::server;

namespace {

std::int64_t at(std::string_view rfc3339) {
    auto ms = vote::parse_rfc3339(rfc3339);
    REQUIRE(ms);
    return *ms;
}

std::shared_ptr<const vote::campaign> campaign(std::string id, std::string previous, std::string_view opens) {
    vote::campaign c;
    c.id = std::move(id);
    c.previous_campaign = std::move(previous);
    c.opens_ms = at(opens);
    c.closes_ms = c.opens_ms + vote::day_ms;
    return std::make_shared<const vote::campaign>(std::move(c));
}

std::vector<feedback_item> example_items() {
    std::vector<suggestion> approved{{"3", "u1", "建议多办普法讲座", 1, suggestion_state::approved, "admin", "", 2},
                                     {"9", "u1", "窗口服务时间太短", 1, suggestion_state::approved, "admin", "", 2}};
    return feedback_items(approved, {"案例不够具体", "宣传覆盖面窄"});
}

rectification_report parsed(std::string_view body) {
    auto r = parse_rectification(body, example_items(), 42);
    if (auto* err = std::get_if<vote::error>(&r)) FAIL(err->path << ": " << err->message);
    return std::get<rectification_report>(r);
}

vote::error refused(std::string_view body) {
    auto r = parse_rectification(body, example_items(), 42);
    REQUIRE(std::holds_alternative<vote::error>(r));
    return std::get<vote::error>(r);
}

}  // namespace

TEST_CASE("a unit answers its approved suggestions, then the panel's comments, judges unnamed") {
    auto items = example_items();
    REQUIRE(items.size() == 4);
    CHECK(items[0] == feedback_item{"s3", feedback_kind::suggestion, "公众建议", "建议多办普法讲座"});
    CHECK(items[1].id == "s9");
    CHECK(items[2] == feedback_item{"c1", feedback_kind::comment, "评议团成员 1", "案例不够具体"});
    CHECK(items[3] == feedback_item{"c2", feedback_kind::comment, "评议团成员 2", "宣传覆盖面窄"});
    CHECK(feedback_items({}, {}).empty());
}

TEST_CASE("a save keeps the answered items in the unit's order, with what they answer") {
    auto r = parsed(R"({"overall": "  全年开展讲座 12 场  ", "answers": {"c2": "已扩大覆盖面", "s3": "已办讲座", "s9": "  "}})");
    CHECK(r.overall == "全年开展讲座 12 场");
    CHECK(r.saved_ms == 42);
    CHECK_FALSE(r.submitted_ms);
    REQUIRE(r.items.size() == 2);  // the blank answer is no answer
    CHECK(r.items[0].item.id == "s3");
    CHECK(r.items[0].item.text == "建议多办普法讲座");
    CHECK(r.items[0].answer == "已办讲座");
    CHECK(r.items[1].item.from == "评议团成员 2");
    CHECK(r.items[1].answer == "已扩大覆盖面");

    CHECK(parsed("{}").items.empty());  // an empty draft is a draft
    CHECK(parsed(R"({"overall": ""})").overall.empty());
}

TEST_CASE("a save names what is wrong") {
    CHECK(refused("not json").code == "invalid_json");
    CHECK(refused("[]").code == "invalid_rectification");
    auto e = refused(R"({"overall": "x", "extra": 1})");
    CHECK(e.path == "extra");
    e = refused(R"({"answers": {"s4": "已整改"}})");  // not approved for this unit (or not at all)
    CHECK(e.code == "invalid_rectification");
    CHECK(e.path == "answers.s4");
    CHECK(refused(R"({"answers": {"c3": "已整改"}})").path == "answers.c3");
    CHECK(refused(R"({"answers": {"s3": 5}})").path == "answers.s3");
    CHECK(refused(R"({"answers": ["s3"]})").path == "answers");
    CHECK(refused(R"({"overall": 1})").path == "overall");
    e = refused(R"({"overall": "已整改\u0007"})");
    CHECK(e.path == "overall");
    CHECK(e.message == "整改情况总体说明不能包含换行以外的控制字符");
    std::string long_answer(rectification_answer_max_chars + 1, 'a');
    e = refused(R"({"answers": {"c1": ")" + long_answer + R"("}})");
    CHECK(e.message == "答复不能超过 2000 个字");
    std::string long_overall(rectification_overall_max_chars + 1, 'a');
    CHECK(refused(R"({"overall": ")" + long_overall + R"("})").path == "overall");
}

TEST_CASE("a report survives storage exactly") {
    auto r = parsed(R"({"overall": "总体\n说明", "answers": {"s9": "已延长至 18:00", "c1": "补充了案例"}})");
    auto text = encode_report(r);
    CHECK(decode_report(text) == r);
    CHECK_FALSE(decode_report("[]"));
    CHECK_FALSE(decode_report(R"({"overall": "x", "items": [{"id": "s1"}]})"));
    CHECK_FALSE(decode_report(R"({"overall": "x", "items": [{"id": "s1", "kind": "x", "from": "", "text": "", "answer": ""}]})"));
}

TEST_CASE("a report is due when the next year's campaign opens") {
    std::vector<std::shared_ptr<const vote::campaign>> all{
        campaign("y2019", "", "2019-12-20T09:00:00+08:00"),
        campaign("y2020", "y2019", "2020-12-18T09:00:00+08:00"),
        campaign("y2020b", "y2019", "2020-12-10T09:00:00+08:00"),  // two name it: the earlier opening
        campaign("other", "elsewhere", "2020-01-01T09:00:00+08:00")};
    CHECK(rectification_due("y2019", all) == at("2020-12-10T09:00:00+08:00"));
    CHECK_FALSE(rectification_due("y2020", all));  // no successor yet: no due date yet
    CHECK_FALSE(rectification_due("y2019", {}));
}

TEST_CASE("on time, late, missing, or not due yet, by the injected clock") {
    const auto due = at("2020-12-18T09:00:00+08:00");
    const auto before = due - 1;
    const auto after = due + 1;
    CHECK(status_of(before, due, after) == rectification_status::on_time);
    CHECK(status_of(due, due, after) == rectification_status::on_time);  // at the due time still counts
    CHECK(status_of(after, due, after + vote::day_ms) == rectification_status::late);
    CHECK(status_of(std::nullopt, due, before) == rectification_status::pending);
    CHECK(status_of(std::nullopt, due, due) == rectification_status::pending);
    CHECK(status_of(std::nullopt, due, after) == rectification_status::missing);
    // No successor campaign yet: nothing can be late or missing.
    CHECK(status_of(std::nullopt, std::nullopt, after) == rectification_status::pending);
    CHECK(status_of(after, std::nullopt, after) == rectification_status::on_time);
    CHECK(to_string(rectification_status::missing) == "missing");
    CHECK(to_string(rectification_status::on_time) == "on_time");
}
