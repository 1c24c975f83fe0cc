// The units' portal against a running pingyi-server and a real
// redis-server: the indicator system (JSON, CSV), the units' signed links
// and what each may reach, a self-assessment from draft through an
// incomplete and a complete submission, return and acceptance (which puts
// the unit's disclosure on the campaign everyone reads), its attachments,
// and the staff's overview.
#include <doctest/doctest.h>

#include <chrono>
#include <thread>

#include <nlohmann/json.hpp>

#include "http/query.hpp"
#include "tests/support/campaigns.hpp"
#include "tests/support/http_client.hpp"
#include "tests/support/process.hpp"
#include "tests/support/redis_server.hpp"
#include "tests/support/server_process.hpp"

using namespace pingyi::test;
using nlohmann::json;

namespace {

using headers = std::map<std::string, std::string>;

const headers admin{{"Authorization", "Bearer " + admin_token}, {"Content-Type", "application/json"}};
constexpr int max_upload = 64 * 1024;

struct fixture {
    redis_server redis;
    temp_dir files;
    server_process server{env_map{{"PINGYI_REDIS_URL", redis.url()},
                                  {"PINGYI_ADMIN_TOKEN", admin_token},
                                  {"PINGYI_PUBLIC_URL", "https://pingyi.example.cn"},
                                  {"PINGYI_ATTACHMENTS_DIR", files.path()},
                                  {"PINGYI_ATTACHMENT_MAX_BYTES", std::to_string(max_upload)}}};

    http_result call(const std::string& method, const std::string& target, const std::string& body = {},
                     const headers& h = admin) {
        return http_request(server.port(), method, target, body, h);
    }
};

std::string base(const std::string& cid) { return "/api/v1/campaigns/" + cid; }
std::string self(const std::string& cid, const std::string& uid) {
    return base(cid) + "/units/" + uid + "/self-assessment";
}

void create(fixture& f, const std::string& cid) {
    auto r = f.call("POST", "/api/v1/campaigns", campaign_body(cid, 3));
    REQUIRE_MESSAGE(r.status == 201, r.body);
}

std::string error_code_of(const http_result& r) {
    auto j = json::parse(r.body, nullptr, false);
    if (!j.is_object() || !j.contains("error")) return "(no error: " + r.body + ")";
    return j["error"]["code"].get<std::string>();
}

headers with_link(const std::string& token) {
    return {{"Authorization", "Link " + token}, {"Content-Type", "application/json"}};
}

// Two categories, three indicators, 20 points.
const std::string indicators_csv =
    "\xEF\xBB\xBF类别,指标编号,指标名称,分值,评分标准\r\n"
    "组织领导,1.1,专题研究普法工作,10,\"有纪要得满分, 无则不得分\"\r\n"
    "宣传教育,2.1,开展主题宣传,5.5,\r\n"
    ",2.2,以案释法,4.5,\r\n";

void put_indicators(fixture& f, const std::string& cid) {
    auto r = f.call("PUT", base(cid) + "/indicators", indicators_csv,
                    {{"Authorization", "Bearer " + admin_token}, {"Content-Type", "text/csv; charset=utf-8"}});
    REQUIRE_MESSAGE(r.status == 200, r.body);
}

// unit -> token, from the links' URLs.
std::map<std::string, std::string> unit_tokens(fixture& f, const std::string& cid) {
    auto r = f.call("POST", base(cid) + "/unit-links");
    REQUIRE_MESSAGE(r.status == 200, r.body);
    std::map<std::string, std::string> tokens;
    const auto answer = json::parse(r.body);
    for (const auto& link : answer["links"]) {
        auto url = link["url"].get<std::string>();
        const auto query = url.substr(url.find('?') + 1);
        CHECK(
            url.starts_with("https://pingyi.example.cn/unit/" + cid + "?u=" + link["unit"].get<std::string>() + "&t="));
        tokens[link["unit"].get<std::string>()] = pingyi::http::query_param(query, "t").value_or("");
    }
    return tokens;
}

json complete_draft() {
    return {{"items",
             {{{"indicator", "1.1"}, {"score", 9.5}, {"evidence", "全年专题研究两次，见会议纪要"}},
              {{"indicator", "2.1"}, {"score", 5}, {"evidence", "宪法宣传周活动 12 场"}},
              {{"indicator", "2.2"}, {"score", 4}, {"evidence", "发布典型案例 4 个"}}}},
            {"disclosure", {{"duties", "自评履职清单"}, {"measures", "自评措施"}, {"results", "自评成效"}}}};
}

// The campaign's public JSON once it shows the unit's disclosure (each
// worker caches a campaign for up to a second after another changed it).
json campaign_showing(fixture& f, const std::string& cid, const std::string& duties) {
    json c;
    for (int i = 0; i < 50; ++i) {
        auto r = f.call("GET", base(cid), {}, {});
        REQUIRE(r.status == 200);
        c = json::parse(r.body);
        if (c["units"][0]["disclosure"]["duties"] == duties) break;
        std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    return c;
}

}  // namespace

TEST_CASE("indicators: PUT as JSON and as CSV, read back as JSON and CSV, mistakes named by row") {
    fixture f;
    create(f, "ind1");
    auto r = f.call("GET", base("ind1") + "/indicators");
    REQUIRE(r.status == 200);
    CHECK(json::parse(r.body)["categories"].empty());
    CHECK(f.call("GET", base("ind1") + "/indicators.csv").status == 404);

    const json body = {
        {"categories",
         {{{"name", "组织领导"}, {"indicators", {{{"id", "A1"}, {"name", "专题研究"}, {"points", 60}}}}},
          {{"name", "宣传教育"}, {"indicators", {{{"id", "B1"}, {"name", "主题宣传"}, {"points", 40}}}}}}}};
    r = f.call("PUT", base("ind1") + "/indicators", body.dump());
    REQUIRE_MESSAGE(r.status == 200, r.body);
    auto got = json::parse(f.call("GET", base("ind1") + "/indicators").body);
    CHECK(got["total_points"] == 100);
    CHECK(got["indicator_count"] == 2);
    CHECK(got["categories"][1]["indicators"][0]["id"] == "B1");
    CHECK(got["locked"] == false);
    CHECK(got["updated_by"] == "token");

    put_indicators(f, "ind1");
    got = json::parse(f.call("GET", base("ind1") + "/indicators").body);
    CHECK(got["total_points"] == 20);
    CHECK(got["categories"][0]["indicators"][0]["standard"] == "有纪要得满分, 无则不得分");
    auto csv = f.call("GET", base("ind1") + "/indicators.csv");
    REQUIRE(csv.status == 200);
    CHECK(csv.header("content-type") == "text/csv; charset=utf-8");
    CHECK(csv.header("content-disposition").find("ind1-indicators.csv") != std::string::npos);
    CHECK(csv.body.starts_with("\xEF\xBB\xBF类别,指标编号,指标名称,分值,评分标准\r\n"));
    CHECK(csv.body.find("宣传教育,2.1,开展主题宣传,5.5,\r\n") != std::string::npos);

    r = f.call("PUT", base("ind1") + "/indicators", "类别,指标编号,指标名称,分值\nA,1.1,甲,三\n",
               {{"Authorization", "Bearer " + admin_token}, {"Content-Type", "text/csv"}});
    CHECK(r.status == 400);
    auto e = json::parse(r.body)["error"];
    CHECK(e["code"] == "invalid_indicators");
    CHECK(e["field"] == "row2.points");
    CHECK(e["message"].get<std::string>().find("第 2 行") != std::string::npos);
    r = f.call("PUT", base("ind1") + "/indicators",
               R"({"categories": [{"name": "A", "indicators": [{"id": "1", "name": "甲", "points": 0}]}]})");
    CHECK(r.status == 400);
    CHECK(json::parse(r.body)["error"]["field"] == "categories[0].indicators[0].points");
    CHECK(f.call("PUT", base("ind1") + "/indicators", "{", admin).status == 400);
    // What failed changed nothing.
    CHECK(json::parse(f.call("GET", base("ind1") + "/indicators").body)["total_points"] == 20);

    CHECK(f.call("PUT", base("ind1") + "/indicators", body.dump(), {{"Content-Type", "application/json"}}).status ==
          401);
    CHECK(f.call("GET", base("ind1") + "/indicators", {}, {}).status == 401);
    CHECK(f.call("PUT", base("nosuch") + "/indicators", body.dump()).status == 404);
    CHECK(f.call("GET", "/api/v1/indicator-template.csv", {}, {}).status == 401);
}

TEST_CASE("a unit's link reaches its own unit of its own campaign only") {
    fixture f;
    create(f, "lnk1");
    create(f, "lnk2");
    put_indicators(f, "lnk1");
    auto tokens = unit_tokens(f, "lnk1");
    REQUIRE(tokens.size() == 3);
    const auto& t1 = tokens["u01"];

    auto r = f.call("GET", self("lnk1", "u01"), {}, with_link(t1));
    REQUIRE_MESSAGE(r.status == 200, r.body);
    auto view = json::parse(r.body);
    CHECK(view["state"] == "none");
    CHECK(view["unit"]["id"] == "u01");
    CHECK(view["indicators"]["indicator_count"] == 3);
    CHECK(view["filled"] == 0);
    CHECK_FALSE(view.contains("reviewer"));
    CHECK(r.header("cache-control") == "no-store");
    CHECK(f.call("GET", self("lnk1", "u01") + "?t=" + t1, {}, {}).status == 200);
    CHECK(f.call("GET", base("lnk1") + "/indicators?u=u01&t=" + t1, {}, {}).status == 200);

    // Another unit's token, another campaign, no token at all.
    CHECK(error_code_of(f.call("GET", self("lnk1", "u02"), {}, with_link(t1))) == "invalid_link");
    CHECK(f.call("PUT", self("lnk1", "u02"), complete_draft().dump(), with_link(t1)).status == 403);
    CHECK(f.call("POST", self("lnk1", "u02") + "/submit", {}, with_link(t1)).status == 403);
    CHECK(f.call("GET", self("lnk2", "u01"), {}, with_link(t1)).status == 403);
    CHECK(f.call("GET", base("lnk1") + "/indicators?u=u02&t=" + t1, {}, {}).status == 403);
    CHECK(f.call("GET", base("lnk1") + "/indicators?t=" + t1, {}, {}).status == 403);
    CHECK(f.call("GET", self("lnk1", "u01"), {}, {}).status == 401);
    auto no_link = f.call("PUT", self("lnk1", "u01"), complete_draft().dump(), {{"Content-Type", "application/json"}});
    CHECK(no_link.status == 401);
    CHECK(error_code_of(no_link) == "link_required");
    // Staff read any unit's, but a unit's writes need its link.
    auto staff = f.call("GET", self("lnk1", "u02"));
    REQUIRE(staff.status == 200);
    CHECK(json::parse(staff.body).contains("reviewer"));
    CHECK(f.call("PUT", self("lnk1", "u01"), complete_draft().dump()).status == 401);
    CHECK(f.call("GET", self("lnk1", "u09"), {}, with_link(t1)).status == 403);
    CHECK(f.call("GET", self("lnk1", "u09")).status == 404);
    // The links need an admin.
    CHECK(f.call("POST", base("lnk1") + "/unit-links", {}, {}).status == 401);
}

TEST_CASE("a self-assessment from draft to acceptance, and the disclosure it publishes") {
    fixture f;
    create(f, "flow1");
    put_indicators(f, "flow1");
    auto tokens = unit_tokens(f, "flow1");
    const auto unit = with_link(tokens["u01"]);
    const auto url = self("flow1", "u01");

    // A draft: one indicator, part of the disclosure.
    json draft = {{"items", {{{"indicator", "1.1"}, {"score", 9.5}, {"evidence", "全年专题研究两次"}}}},
                  {"disclosure", {{"duties", "自评履职清单"}}}};
    auto r = f.call("PUT", url, draft.dump(), unit);
    REQUIRE_MESSAGE(r.status == 200, r.body);
    auto saved = json::parse(r.body);
    CHECK(saved["state"] == "draft");
    CHECK(saved["filled"] == 1);
    CHECK(saved["self_score"] == 9.5);
    CHECK(saved["total_points"] == 20);
    auto view = json::parse(f.call("GET", url, {}, unit).body);
    CHECK(view["items"][0]["evidence"] == "全年专题研究两次");
    CHECK(view["disclosure"]["duties"] == "自评履职清单");

    json above = draft;
    above["items"][0]["score"] = 10.5;
    r = f.call("PUT", url, above.dump(), unit);
    CHECK(r.status == 400);
    CHECK(json::parse(r.body)["error"]["field"] == "items[0].score");
    json unknown = draft;
    unknown["items"][0]["indicator"] = "9.9";
    CHECK(f.call("PUT", url, unknown.dump(), unit).status == 400);

    // Submitting what is incomplete names every gap.
    r = f.call("POST", url + "/submit", {}, unit);
    REQUIRE(r.status == 400);
    auto error = json::parse(r.body)["error"];
    CHECK(error["code"] == "self_assessment_incomplete");
    std::vector<std::string> gaps;
    for (const auto& m : error["missing"])
        gaps.push_back(m["indicator"].is_null()
                           ? m["field"].get<std::string>()
                           : m["indicator"].get<std::string>() + ":" + m["field"].get<std::string>());
    CHECK(gaps == std::vector<std::string>{"2.1:score", "2.1:evidence", "2.2:score", "2.2:evidence",
                                           "disclosure.measures", "disclosure.results"});
    CHECK(json::parse(f.call("GET", url, {}, unit).body)["state"] == "draft");

    REQUIRE(f.call("PUT", url, complete_draft().dump(), unit).status == 200);
    r = f.call("POST", url + "/submit", {}, unit);
    REQUIRE_MESSAGE(r.status == 200, r.body);
    CHECK(json::parse(r.body)["state"] == "submitted");
    CHECK(json::parse(r.body)["self_score"] == 18.5);

    // Submitted: the unit cannot change it, nor the office its indicators.
    CHECK(error_code_of(f.call("PUT", url, complete_draft().dump(), unit)) == "self_assessment_submitted");
    CHECK(f.call("POST", url + "/submit", {}, unit).status == 409);
    r = f.call("PUT", base("flow1") + "/indicators", indicators_csv,
               {{"Authorization", "Bearer " + admin_token}, {"Content-Type", "text/csv"}});
    CHECK(r.status == 409);
    CHECK(error_code_of(r) == "indicators_locked");
    CHECK(json::parse(f.call("GET", base("flow1") + "/indicators").body)["locked"] == true);

    // Reviews: a comment is needed to return it; only admins review.
    CHECK(error_code_of(f.call("POST", url + "/review", R"({"decision": "return"})")) == "invalid_review");
    CHECK(f.call("POST", url + "/review", R"({"decision": "maybe"})").status == 400);
    CHECK(f.call("POST", url + "/review", R"({"decision": "accept"})", unit).status == 401);
    CHECK(error_code_of(f.call("POST", self("flow1", "u02") + "/review", R"({"decision": "accept"})")) ==
          "not_submitted");
    r = f.call("POST", url + "/review", R"({"decision": "return", "comment": "请补充 2.2 的案例链接"})");
    REQUIRE_MESSAGE(r.status == 200, r.body);
    CHECK(json::parse(r.body)["state"] == "returned");

    // Returned: the unit sees why, edits and submits again.
    view = json::parse(f.call("GET", url, {}, unit).body);
    CHECK(view["state"] == "returned");
    CHECK(view["review_comment"] == "请补充 2.2 的案例链接");
    CHECK(json::parse(f.call("GET", base("flow1") + "/indicators").body)["locked"] == false);
    json better = complete_draft();
    better["items"][2]["evidence"] = "发布典型案例 4 个，链接见附件";
    r = f.call("PUT", url, better.dump(), unit);
    REQUIRE(r.status == 200);
    CHECK(json::parse(r.body)["state"] == "returned");
    REQUIRE(f.call("POST", url + "/submit", {}, unit).status == 200);

    // Accepted: final, and the campaign everyone reads shows the disclosure.
    r = f.call("POST", url + "/review", R"({"decision": "accept", "comment": "同意"})");
    REQUIRE_MESSAGE(r.status == 200, r.body);
    CHECK(json::parse(r.body)["state"] == "accepted");
    CHECK(json::parse(r.body)["reviewer"] == "token");
    auto c = campaign_showing(f, "flow1", "自评履职清单");
    CHECK(c["units"][0]["disclosure"] ==
          json{{"duties", "自评履职清单"}, {"measures", "自评措施"}, {"results", "自评成效"}});
    CHECK(c["units"][1]["disclosure"]["duties"] != "自评履职清单");
    CHECK(error_code_of(f.call("PUT", url, better.dump(), unit)) == "self_assessment_accepted");
    CHECK(error_code_of(f.call("POST", url + "/review", R"({"decision": "return", "comment": "再改"})")) ==
          "self_assessment_accepted");
    CHECK(f.call("POST", url + "/review", R"({"decision": "accept"})").status == 200);

    // The staff's overview.
    r = f.call("GET", base("flow1") + "/self-assessments");
    REQUIRE(r.status == 200);
    auto all = json::parse(r.body);
    CHECK(all["states"]["accepted"] == 1);
    CHECK(all["states"]["none"] == 2);
    CHECK(all["indicators"]["indicator_count"] == 3);
    REQUIRE(all["units"].size() == 3);
    auto u1 = all["units"][0];
    CHECK(u1["id"] == "u01");
    CHECK(u1["state"] == "accepted");
    CHECK(u1["filled"] == 3);
    CHECK(u1["self_score"] == 18.5);
    CHECK(u1["total_points"] == 20);
    CHECK(u1["disclosure_filled"] == true);
    CHECK(u1["reviewer"] == "token");
    CHECK(!u1["submitted_at"].is_null());
    CHECK(all["units"][1]["state"] == "none");
    CHECK(all["units"][1]["filled"] == 0);
    CHECK(f.call("GET", base("flow1") + "/self-assessments", {}, unit).status == 401);
}

TEST_CASE("self-assessment attachments: a PDF uploaded, listed, downloaded and deleted, other types refused") {
    fixture f;
    create(f, "att1");
    put_indicators(f, "att1");
    auto tokens = unit_tokens(f, "att1");
    auto link = [&](const std::string& uid, const std::string& name) {
        return headers{{"Authorization", "Link " + tokens[uid]},
                       {"X-File-Name", name},
                       {"Content-Type", "application/octet-stream"}};
    };
    const auto files = self("att1", "u01") + "/attachments";
    const std::string pdf = "%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n";

    auto r = f.call("POST", files, pdf, link("u01", pingyi::http::url_encode("自评材料.pdf")));
    REQUIRE_MESSAGE(r.status == 201, r.body);
    auto stored = json::parse(r.body);
    CHECK(stored["name"] == "自评材料.pdf");
    CHECK(stored["type"] == "application/pdf");
    CHECK(stored["size"] == pdf.size());
    const auto id = stored["id"].get<std::string>();

    auto view = json::parse(f.call("GET", self("att1", "u01"), {}, with_link(tokens["u01"])).body);
    REQUIRE(view["attachments"].size() == 1);
    CHECK(view["attachments"][0]["id"] == id);
    auto overview = json::parse(f.call("GET", base("att1") + "/self-assessments").body);
    CHECK(overview["units"][0]["attachments"] == 1);

    auto got = f.call("GET", files + "/" + id, {}, with_link(tokens["u01"]));
    REQUIRE(got.status == 200);
    CHECK(got.body == pdf);
    CHECK(got.header("content-disposition").find("attachment") != std::string::npos);
    CHECK(f.call("GET", files + "/" + id).body == pdf);  // staff
    CHECK(f.call("GET", files + "/" + id, {}, with_link(tokens["u02"])).status == 403);
    CHECK(f.call("GET", self("att1", "u02") + "/attachments/" + id, {}, with_link(tokens["u02"])).status == 404);

    // Types by content, whatever the name says; the size limit.
    CHECK(f.call("POST", files, "<html><script>alert(1)</script></html>", link("u01", "a.pdf")).status == 415);
    CHECK(f.call("POST", files, std::string("MZ\x90\0\3\0\0\0", 8) + std::string(100, 'x'), link("u01", "b.pdf"))
              .status == 415);
    CHECK(f.call("POST", files, "%PDF-" + std::string(max_upload, 'x'), link("u01", "big.pdf")).status == 413);
    CHECK(f.call("POST", files, pdf, link("u02", "x.pdf")).status == 403);
    CHECK(f.call("POST", files, pdf, {{"X-File-Name", "x.pdf"}}).status == 401);

    // Only the unit deletes, and only while it may edit.
    CHECK(f.call("DELETE", files + "/" + id).status == 401);
    r = f.call("DELETE", files + "/" + id, {}, with_link(tokens["u01"]));
    REQUIRE_MESSAGE(r.status == 200, r.body);
    CHECK(f.call("DELETE", files + "/" + id, {}, with_link(tokens["u01"])).status == 404);
    CHECK(f.call("GET", files + "/" + id, {}, with_link(tokens["u01"])).status == 404);
    view = json::parse(f.call("GET", self("att1", "u01"), {}, with_link(tokens["u01"])).body);
    CHECK(view["attachments"].empty());

    REQUIRE(f.call("POST", files, pdf, link("u01", "again.pdf")).status == 201);
    REQUIRE(f.call("PUT", self("att1", "u01"), complete_draft().dump(), with_link(tokens["u01"])).status == 200);
    REQUIRE(f.call("POST", self("att1", "u01") + "/submit", {}, with_link(tokens["u01"])).status == 200);
    CHECK(error_code_of(f.call("POST", files, pdf, link("u01", "late.pdf"))) == "self_assessment_submitted");
}
