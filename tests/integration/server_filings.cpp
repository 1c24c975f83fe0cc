// Annual filings against a running pingyi-server and a real redis-server:
// the roster (JSON and CSV), unit links and what they open, uploads,
// replacement, review, the reminders CSV, the audit trail, the pages, and
// organizers kept apart (city staff with ?organizer=, county staff).
#include <doctest/doctest.h>

#include <algorithm>
#include <fstream>

#include <sys/wait.h>

#include "tests/integration/filings_support.hpp"
#include "tests/support/staff.hpp"

using namespace pingyi::test;
using nlohmann::json;

namespace {

const json two_units = json::parse(R"([{"id": "u1", "name": "市教育局", "contact": "张三 0751-1111111"},
                                       {"id": "u2", "name": "市卫健局", "contact": "李四 0751-2222222"}])");

std::string error_code_of(const http_result& r) {
    auto body = json::parse(r.body, nullptr, false);
    return body.is_object() && body.contains("error") ? body["error"].value("code", "") : "";
}

json json_of(const http_result& r) {
    REQUIRE_MESSAGE((r.status >= 200 && r.status < 300), r.status << ": " << r.body);
    return json::parse(r.body);
}

std::vector<std::string> admin_actions(const filings_server& s) {
    sync_redis db(s.redis.port());
    return admin_log_actions(db);
}

bool contains(const std::vector<std::string>& v, const std::string& s) {
    return std::find(v.begin(), v.end(), s) != v.end();
}

std::string year_path(int year, const std::string& rest = "") {
    return "/api/v1/filings/" + std::to_string(year) + rest;
}

// A configuration file naming two county organizers.
struct county_config {
    temp_dir dir;
    std::string path = dir.path() + "/pingyi.json";
    county_config() {
        std::ofstream(path) << R"({"organizers": [{"id": "county-a", "name": "甲县普法办"},
                                                  {"id": "county-b", "name": "乙县普法办"}]})";
    }
};

}  // namespace

TEST_CASE("filings: the roster from JSON or CSV, each unit's status and its link") {
    filings_server s;
    const int year = 2026;
    auto empty = json_of(s.admin("GET", year_path(year)));
    CHECK(empty["units"].empty());
    CHECK(empty["due"]["plan"] == "2026-03-31T23:59:59+08:00");
    CHECK(empty["due"]["summary"] == "2026-12-31T23:59:59+08:00");
    CHECK(empty["organizer"]["id"] == "");

    s.set_roster(year, two_units);
    auto listed = json_of(s.admin("GET", year_path(year)));
    REQUIRE(listed["units"].size() == 2);
    CHECK(listed["units"][0]["id"] == "u1");
    CHECK(listed["units"][0]["contact"] == "张三 0751-1111111");
    CHECK(listed["units"][0]["plan"]["filed"] == false);
    CHECK(listed["units"][0]["summary"]["due_at"] == "2026-12-31T23:59:59+08:00");

    // CSV as Excel saves it replaces the roster.
    const std::string excel_csv =
        "\xef\xbb\xbf单位编号,单位名称,联系人\r\nu1,市教育局,张三\r\nu3,\"市交通局\",王五\r\n";
    auto csv = s.admin("PUT", year_path(year, "/units"), excel_csv, "text/csv");
    REQUIRE_MESSAGE(csv.status == 200, csv.body);
    auto replaced = json_of(s.admin("GET", year_path(year)));
    REQUIRE(replaced["units"].size() == 2);
    CHECK(replaced["units"][1]["id"] == "u3");
    CHECK(replaced["units"][1]["name"] == "市交通局");

    auto bad = s.admin("PUT", year_path(year, "/units"), "u1,市教育局\nu1,重复\n", "text/csv");
    CHECK(bad.status == 400);
    CHECK(error_code_of(bad) == "invalid_roster");
    CHECK(json::parse(bad.body)["error"]["field"] == "row2");
    CHECK(s.admin("PUT", year_path(year, "/units"), "not json").status == 400);
    CHECK(s.admin("GET", "/api/v1/filings/1999").status == 404);
    CHECK(s.admin("GET", "/api/v1/filings/latest").status == 404);

    auto links = s.links(year);
    REQUIRE(links.size() == 2);
    CHECK(links["u1"].starts_with("https://pingyi.example.cn/unit/filings/2026?o=&u=u1&t="));

    // Staff only: no session, no list.
    CHECK(s.call("GET", year_path(year)).status == 401);
    CHECK(s.call("PUT", year_path(year, "/units"), two_units.dump()).status == 401);
    CHECK(s.call("POST", year_path(year, "/links")).status == 401);

    auto actions = admin_actions(s);
    CHECK(contains(actions, "filings.roster"));
    CHECK(contains(actions, "filings.links"));
}

TEST_CASE("filings: a unit's link opens its own filings for its year and organizer, nothing else") {
    county_config conf;
    filings_server s({}, {"--config", conf.path});
    s.set_roster(2026, two_units);
    s.set_roster(2027, two_units);
    s.set_roster(2026, two_units, "?organizer=county-a");
    auto links = s.links(2026);
    const auto& u1 = links.at("u1");

    auto own = s.call("GET", unit_api(u1));
    auto view = json_of(own);
    CHECK(own.header("cache-control") == "no-store");
    CHECK(view["unit"]["id"] == "u1");
    CHECK(view["unit"]["name"] == "市教育局");
    CHECK_FALSE(view["unit"].contains("contact"));
    CHECK(view["plan"]["filed"] == false);
    CHECK(view["uploads"] == true);
    // The same token in the Authorization header.
    auto token = u1.substr(u1.find("&t=") + 3);
    CHECK(s.call("GET", year_path(2026, "/units/u1"), "", {{"Authorization", "Link " + token}}).status == 200);

    // Another unit, year or organizer with this token: refused, also for uploads.
    auto other_unit = unit_api(u1);
    other_unit.replace(other_unit.find("/units/u1"), 9, "/units/u2");
    CHECK(s.call("GET", other_unit).status == 403);
    CHECK(error_code_of(s.call("GET", other_unit)) == "invalid_link");
    auto other_year = unit_api(u1);
    other_year.replace(other_year.find("/2026/"), 6, "/2027/");
    CHECK(s.call("GET", other_year).status == 403);
    auto other_organizer = unit_api(u1);
    other_organizer.replace(other_organizer.find("?o="), 3, "?o=county-a");
    CHECK(s.call("GET", other_organizer).status == 403);
    auto forged = unit_api(u1).substr(0, unit_api(u1).size() - 4) + "AAAA";
    CHECK(s.call("GET", forged).status == 403);
    std::map<std::string, std::string> file{{"X-File-Name", "plan.pdf"}};
    CHECK(s.call("POST", year_path(2026, "/units/u2/plan?o=&t=" + token), minimal_pdf, file).status == 403);
    // Without a link an upload is refused, even for the admin token.
    CHECK(s.call("POST", year_path(2026, "/units/u1/plan"), minimal_pdf, file).status == 401);
    CHECK(s.admin("POST", year_path(2026, "/units/u1/plan"), minimal_pdf).status == 401);

    // A county's link opens the county's roster only.
    auto county = s.links(2026, "?organizer=county-a");
    CHECK(county.at("u1").find("?o=county-a&u=u1&t=") != std::string::npos);
    CHECK(county.at("u1") != u1);
    CHECK(s.call("GET", unit_api(county.at("u1"))).status == 200);

    // A unit removed from the roster: its link finds nothing.
    s.set_roster(2026, json::parse(R"([{"id": "u2", "name": "市卫健局"}])"));
    CHECK(s.call("GET", unit_api(u1)).status == 404);
}

TEST_CASE("filings: upload, replace before review, return with a comment, file again, accept") {
    filings_server s;
    s.set_roster(2026, two_units);
    const auto link = s.links(2026).at("u1");

    auto first = upload(s, link, "plan", minimal_pdf, "2026年工作计划.pdf", "初稿");
    REQUIRE_MESSAGE(first.status == 201, first.body);
    auto first_id = json::parse(first.body)["attachment"]["id"].get<std::string>();
    auto second_pdf = minimal_pdf + "% second\n";
    auto second = upload(s, link, "plan", second_pdf, "2026年工作计划（修改）.pdf", "修改稿");
    REQUIRE_MESSAGE(second.status == 201, second.body);
    auto second_id = json::parse(second.body)["attachment"]["id"].get<std::string>();
    // The replaced upload is gone from the filing.
    CHECK(s.call("GET", unit_api(link, "/plan/attachments/" + first_id)).status == 404);
    CHECK(s.call("GET", unit_api(link, "/plan/attachments/" + second_id)).body == second_pdf);

    auto view = json_of(s.call("GET", unit_api(link)));
    CHECK(view["plan"]["filed"] == true);
    CHECK(view["plan"]["note"] == "修改稿");
    CHECK(view["plan"]["review"] == "pending");
    CHECK(view["plan"]["attachment"]["name"] == "2026年工作计划（修改）.pdf");
    CHECK(view["summary"]["filed"] == false);

    // Staff read the unit and download its file without a link.
    auto staff_view = json_of(s.admin("GET", year_path(2026, "/units/u1")));
    CHECK(staff_view["unit"]["contact"] == "张三 0751-1111111");
    CHECK(s.admin("GET", year_path(2026, "/units/u1/plan/attachments/" + second_id)).body == second_pdf);

    const auto review = year_path(2026, "/units/u1/plan/review");
    auto no_reason = s.admin("POST", review, R"({"decision": "return"})");
    CHECK(no_reason.status == 400);
    CHECK(error_code_of(no_reason) == "comment_required");
    CHECK(s.admin("POST", review, R"({"decision": "maybe"})").status == 400);
    CHECK(s.admin("POST", year_path(2026, "/units/u2/plan/review"), R"({"decision": "accept"})").status == 409);
    const json return_it = {{"decision", "return"}, {"comment", "请补充全年普法重点"}, {"attachment", second_id}};
    auto returned = s.admin("POST", review, return_it.dump());
    REQUIRE_MESSAGE(returned.status == 200, returned.body);
    CHECK(json::parse(returned.body)["review"] == "returned");

    // The unit sees the comment, not who wrote it.
    auto seen = json_of(s.call("GET", unit_api(link)));
    CHECK(seen["plan"]["review"] == "returned");
    CHECK(seen["plan"]["comment"] == "请补充全年普法重点");
    CHECK_FALSE(seen["plan"].contains("reviewer"));
    CHECK(json_of(s.admin("GET", year_path(2026, "/units/u1")))["plan"]["reviewer"] == "token");

    // Filed again after the return: pending, and a review of the old upload is refused.
    auto third_pdf = minimal_pdf + "% third\n";
    auto third = upload(s, link, "plan", third_pdf, "计划.pdf");
    REQUIRE(third.status == 201);
    auto third_id = json::parse(third.body)["attachment"]["id"].get<std::string>();
    CHECK(json::parse(third.body)["review"] == "pending");
    auto stale = s.admin("POST", review, json{{"decision", "accept"}, {"attachment", second_id}}.dump());
    CHECK(stale.status == 409);
    CHECK(error_code_of(stale) == "filing_changed");
    auto accepted = s.admin("POST", review, json{{"decision", "accept"}, {"attachment", third_id}}.dump());
    REQUIRE_MESSAGE(accepted.status == 200, accepted.body);
    CHECK(json::parse(accepted.body)["review"] == "accepted");

    // Accepted stays: another upload is refused and the accepted file is kept.
    auto late = upload(s, link, "plan", minimal_pdf, "又一版.pdf");
    CHECK(late.status == 409);
    CHECK(error_code_of(late) == "filing_accepted");
    CHECK(s.call("GET", unit_api(link, "/plan/attachments/" + third_id)).body == third_pdf);

    auto listed = json_of(s.admin("GET", year_path(2026)));
    CHECK(listed["units"][0]["plan"]["review"] == "accepted");
    CHECK(listed["units"][0]["plan"]["attachment"] == third_id);
    CHECK(listed["units"][1]["plan"]["filed"] == false);

    // A note over the limit, or not UTF-8, is refused.
    auto long_note = upload(s, link, "summary", minimal_pdf, "总结.pdf", std::string(1001, 'x'));
    CHECK(long_note.status == 400);
    CHECK(error_code_of(long_note) == "invalid_note");
    CHECK(s.call("POST", unit_api(link, "/summary"), minimal_pdf,
                 {{"X-File-Name", "a.pdf"}, {"X-Filing-Note", "%FF%FE"}})
              .status == 400);
    CHECK(s.call("POST", unit_api(link, "/memo"), minimal_pdf, {{"X-File-Name", "a.pdf"}}).status == 404);

    auto actions = admin_actions(s);
    CHECK(std::count(actions.begin(), actions.end(), "filing.submit") == 3);
    CHECK(std::count(actions.begin(), actions.end(), "filing.review") == 2);
}

TEST_CASE("filings: reminders.csv lists what is missing or returned, with whom to call") {
    filings_server s;
    const int year = last_year();
    s.set_roster(year, json::parse(R"([{"id": "u1", "name": "市教育局", "contact": "张三 0751-1111111"},
                                       {"id": "u2", "name": "市卫健局", "contact": "李四"},
                                       {"id": "u3", "name": "市交通局", "contact": "王五"}])"));
    auto links = s.links(year);
    REQUIRE(upload(s, links["u1"], "plan", minimal_pdf, "plan.pdf").status == 201);
    REQUIRE(upload(s, links["u1"], "summary", minimal_pdf, "summary.pdf").status == 201);
    REQUIRE(upload(s, links["u3"], "plan", minimal_pdf, "plan.pdf").status == 201);
    auto returned = s.admin("POST", year_path(year, "/units/u3/plan/review"),
                            R"({"decision": "return", "comment": "缺少盖章"})");
    REQUIRE(returned.status == 200);

    auto r = s.admin("GET", year_path(year, "/reminders.csv"));
    REQUIRE(r.status == 200);
    CHECK(r.header("content-type") == "text/csv; charset=utf-8");
    CHECK(r.header("content-disposition").find("filing-reminders-" + std::to_string(year) + ".csv") !=
          std::string::npos);
    const auto y = std::to_string(year);
    const std::string expected = "\xef\xbb\xbf单位编号,单位名称,联系人,材料,截止时间,情况,退回意见\r\n"
                                 "u2,市卫健局,李四,工作计划," + y + "-03-31,已过截止时间，尚未提交,\r\n"
                                 "u2,市卫健局,李四,年终总结," + y + "-12-31,已过截止时间，尚未提交,\r\n"
                                 "u3,市交通局,王五,工作计划," + y + "-03-31,已退回，需重新提交,缺少盖章\r\n"
                                 "u3,市交通局,王五,年终总结," + y + "-12-31,已过截止时间，尚未提交,\r\n";
    CHECK(r.body == expected);

    // Filed after the due date: late, but nothing to remind.
    auto listed = json_of(s.admin("GET", year_path(year)));
    CHECK(listed["units"][0]["plan"]["timing"] == "late");
    CHECK(listed["units"][0]["plan"]["timing_label"] == "逾期");
    CHECK(listed["units"][1]["plan"]["timing"] == "missing");
    CHECK(listed["counts"]["plan"]["late"] == 2);
    CHECK(listed["counts"]["plan"]["missing"] == 1);
    CHECK(listed["reminders"] == 4);
    CHECK(s.call("GET", year_path(year, "/reminders.csv")).status == 401);
}

TEST_CASE("filings: city staff pick an organizer with ?organizer=, and each keeps its own roster") {
    county_config conf;
    filings_server s({}, {"--config", conf.path});
    s.set_roster(2026, json::parse(R"([{"id": "a1", "name": "甲县教育局"}])"), "?organizer=county-a");
    s.set_roster(2026, json::parse(R"([{"id": "c1", "name": "市教育局"}])"));

    auto city = json_of(s.admin("GET", year_path(2026)));
    REQUIRE(city["units"].size() == 1);
    CHECK(city["units"][0]["id"] == "c1");
    auto a = json_of(s.admin("GET", year_path(2026, "?organizer=county-a")));
    REQUIRE(a["units"].size() == 1);
    CHECK(a["units"][0]["id"] == "a1");
    CHECK(a["organizer"] == json{{"id", "county-a"}, {"name", "甲县普法办"}});
    CHECK(json_of(s.admin("GET", year_path(2026, "?organizer=county-b")))["units"].empty());
    auto unknown = s.admin("GET", year_path(2026, "?organizer=nowhere"));
    CHECK(unknown.status == 404);
    CHECK(error_code_of(unknown) == "unknown_organizer");
    CHECK(s.admin("GET", year_path(2026, "/units/a1")).status == 404);
    CHECK(s.admin("GET", year_path(2026, "/units/a1?organizer=county-a")).status == 200);
}

TEST_CASE("filings: county staff see only their own organizer's filings") {
    county_config conf;
    filings_server s({}, {"--config", conf.path});
    s.set_roster(2026, json::parse(R"([{"id": "a1", "name": "甲县教育局"}])"), "?organizer=county-a");
    s.set_roster(2026, json::parse(R"([{"id": "b1", "name": "乙县教育局"}])"), "?organizer=county-b");
    s.set_roster(2026, json::parse(R"([{"id": "c1", "name": "市教育局"}])"));

    const std::string password = "Filings-Reader-2026!";
    std::string script = "printf '%s\\n' \"$PW\" | \"$PINGYI\" user add county-viewer --role viewer"
                         " --organizer county-a --redis-url " + s.redis.url();
    child_process add({"/bin/sh", "-c", script}, {"PW=" + password, "PINGYI=" + bin_dir() + "/pingyi"});
    int status = add.wait_exit(60000);
    REQUIRE((WIFEXITED(status) && WEXITSTATUS(status) == 0));
    auto session = staff_member(s.port(), "county-viewer", password).sign_in();

    auto own = s.call("GET", year_path(2026), "", session.headers(false));
    auto listed = json_of(own);
    CHECK(listed["organizer"]["id"] == "county-a");
    REQUIRE(listed["units"].size() == 1);
    CHECK(listed["units"][0]["id"] == "a1");
    for (const auto& target : {year_path(2026, "?organizer=county-b"), year_path(2026, "?organizer="),
                               year_path(2026, "/reminders.csv?organizer=county-b"),
                               year_path(2026, "/units/b1?organizer=county-b")}) {
        auto refused = s.call("GET", target, "", session.headers(false));
        CHECK_MESSAGE(refused.status == 403, target);
        CHECK(error_code_of(refused) == "organizer_forbidden");
    }
    CHECK(s.call("GET", year_path(2026, "/units/b1"), "", session.headers(false)).status == 404);
    // A viewer does not change the roster.
    CHECK(s.call("PUT", year_path(2026, "/units"), "[]", session.headers()).status == 403);
}

TEST_CASE("filings: the pages, and the unit's page keeps its link out of caches and referrers") {
    filings_server s;
    auto staff = s.call("GET", "/admin/filings");
    CHECK(staff.status == 302);
    CHECK(staff.header("location").find("/admin/login") != std::string::npos);
    auto unit = s.call("GET", "/unit/filings/2026?o=&u=u1&t=x");
    CHECK((unit.status == 200 || unit.status == 503));  // 503 when web/dist has not been built
    CHECK(unit.header("cache-control") == "no-store");
    CHECK(unit.header("referrer-policy") == "no-referrer");
}
