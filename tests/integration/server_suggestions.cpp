// Suggestions and rectification reports (Art. 3(6)) against a running
// pingyi-server, a real redis-server and the WeChat mock: a voter signed in
// through the real OAuth flow leaves suggestions, staff moderate them, a
// unit answers them (and a judge's published comment) through its portal
// link, and the next year's campaign shows the report.
#include <doctest/doctest.h>

#include <sys/wait.h>

#include <nlohmann/json.hpp>

#include "http/cookies.hpp"
#include "server/admin_log.hpp"
#include "server/suggestion_store.hpp"
#include "server/unit_links.hpp"
#include "tests/support/campaigns.hpp"
#include "tests/support/process.hpp"
#include "tests/support/staff.hpp"
#include "tests/support/voter.hpp"
#include "tests/support/voting_server.hpp"

using namespace pingyi::test;
using nlohmann::json;
namespace sk = pingyi::server::suggestion_keys;

namespace {

const std::string secret(48, 'k');
const std::string open_until = "2099-12-27T18:00:00+08:00";

std::string base(const std::string& cid) { return "/api/v1/campaigns/" + cid; }

std::string code_of(const http_result& r) {
    auto j = json::parse(r.body, nullptr, false);
    if (!j.is_object() || !j.contains("error")) return "(no error: " + r.body + ")";
    return j["error"]["code"].get<std::string>();
}

// POST a suggestion as the voter's browser does: its cookies and the CSRF header.
http_result suggest(int port, const voter& v, const std::string& cid, const std::string& uid, const std::string& text,
                    const std::string& csrf) {
    std::map<std::string, std::string> headers{{"Content-Type", "application/json"}, {"X-CSRF-Token", csrf}};
    std::string cookies;
    for (const char* name : {"pingyi_session", "pingyi_csrf"})
        if (!v.cookie(name).empty()) cookies += std::string(cookies.empty() ? "" : "; ") + name + "=" + v.cookie(name);
    if (!cookies.empty()) headers["Cookie"] = cookies;
    return http_request(port, "POST", base(cid) + "/units/" + uid + "/suggestions", json{{"text", text}}.dump(), headers);
}

http_result suggest(int port, const voter& v, const std::string& cid, const std::string& uid, const std::string& text) {
    return suggest(port, v, cid, uid, text, v.cookie("pingyi_csrf"));
}

std::string id_of(const http_result& r) {
    REQUIRE_MESSAGE(r.status == 201, r.body);
    return json::parse(r.body)["id"].get<std::string>();
}

http_result moderate(const voting_server& f, const std::string& cid, const std::string& id, const std::string& decision,
                     const std::string& reason = {}) {
    return f.admin("POST", base(cid) + "/suggestions/" + id + "/moderate",
                   json{{"decision", decision}, {"reason", reason}}.dump());
}

// The public's approved suggestions of one unit, as texts.
std::vector<std::string> public_texts(const voting_server& f, const std::string& cid, const std::string& uid) {
    auto r = http_request(f.port(), "GET", base(cid) + "/suggestions");
    REQUIRE_MESSAGE(r.status == 200, r.body);
    const auto listing = json::parse(r.body);
    std::vector<std::string> out;
    for (const auto& u : listing["units"]) {
        if (u["id"] != uid) continue;
        for (const auto& s : u["suggestions"]) {
            CHECK(s.size() == 3);  // id, text, at: nothing about who
            out.push_back(s["text"]);
        }
    }
    return out;
}

std::string unit_token(const std::string& cid, const std::string& uid) {
    return pingyi::server::unit_link_token(pingyi::http::signer(secret), cid, uid);
}

// A call as the holder of a unit's portal link.
http_result as_unit(const voting_server& f, const std::string& method, const std::string& cid, const std::string& uid,
                    const std::string& path, const std::string& token, const std::string& body = {}) {
    return http_request(f.port(), method, base(cid) + "/units/" + uid + path, body,
                        {{"Authorization", "Link " + token}, {"Content-Type", "application/json"}});
}

bool in_audit_trail(sync_redis& db, const std::string& action, const std::string& cid) {
    auto r = db.command({"XRANGE", std::string(pingyi::server::admin_log_key), "-", "+"});
    for (std::size_t i = 0; i < r->elements; ++i) {
        std::map<std::string, std::string> f;
        auto* fields = r->element[i]->element[1];
        for (std::size_t j = 0; j + 1 < fields->elements; j += 2) f[fields->element[j]->str] = fields->element[j + 1]->str;
        if (f["action"] == action && f["campaign"] == cid) return true;
    }
    return false;
}

}  // namespace

TEST_CASE("a voter leaves suggestions: session, CSRF, text and the daily limit checked, nothing public yet") {
    voting_server f({{"PINGYI_SECRET", secret}});
    sync_redis db(f.redis.port());
    REQUIRE(create_campaign(f.port(), campaign_body("sg1", 3)) == 201);
    voter alice(f.port(), "oAliceSuggests");
    REQUIRE(alice.login("sg1") == 302);

    voter nobody(f.port(), "oNobody");
    auto r = suggest(f.port(), nobody, "sg1", "u01", "建议加强普法宣传");
    CHECK(r.status == 401);
    CHECK(code_of(r) == "no_session");
    r = suggest(f.port(), alice, "sg1", "u01", "建议加强普法宣传", "not-the-csrf-token");
    CHECK(r.status == 403);
    CHECK(code_of(r) == "csrf");
    r = suggest(f.port(), alice, "sg1", "u01", std::string(501, 'a'));
    CHECK(r.status == 400);
    CHECK(code_of(r) == "invalid_suggestion");
    CHECK(json::parse(r.body)["error"]["field"] == "text");
    CHECK(suggest(f.port(), alice, "sg1", "u01", " 太短 ").status == 400);
    CHECK(suggest(f.port(), alice, "sg1", "u01", "建议加强\x01普法宣传").status == 400);
    CHECK(code_of(suggest(f.port(), alice, "sg1", "u99", "建议加强普法宣传")) == "unit_not_found");
    CHECK(code_of(suggest(f.port(), alice, "nope", "u01", "建议加强普法宣传")) == "campaign_not_found");

    r = suggest(f.port(), alice, "sg1", "u01", "  建议多开展普法进社区活动\n");
    REQUIRE_MESSAGE(r.status == 201, r.body);
    auto answer = json::parse(r.body);
    CHECK(answer["message"] == "提交成功，审核后公开");
    CHECK(answer["state"] == "pending");
    CHECK(answer["left_today"] == 2);
    CHECK(suggest(f.port(), alice, "sg1", "u02", "建议延长窗口服务时间").status == 201);
    CHECK(suggest(f.port(), alice, "sg1", "u02", "建议公开执法案例").status == 201);
    r = suggest(f.port(), alice, "sg1", "u03", "第四条建议，今天超出了");
    CHECK(r.status == 429);
    CHECK(code_of(r) == "suggestion_limit");
    auto wait = std::stoll(r.header("retry-after"));
    CHECK(wait > 0);
    CHECK(wait <= 86400);
    // The limit is the voter's: another voter may still leave one.
    voter bob(f.port(), "oBobSuggests");
    REQUIRE(bob.login("sg1") == 302);
    CHECK(suggest(f.port(), bob, "sg1", "u03", "建议多用案例讲解法律").status == 201);

    // Nothing is public before a decision.
    for (const char* uid : {"u01", "u02", "u03"}) CHECK(public_texts(f, "sg1", uid).empty());
    CHECK(db.string({"HGET", sk::records("sg1"), "1"}).find("普法进社区") != std::string::npos);
    CHECK(db.string({"HGET", sk::records("sg1"), "1"}).find("  ") == std::string::npos);  // trimmed
    // Who left it is kept by pseudonym only, and shown to nobody.
    const auto pseudonym = db.string({"HGET", sk::voters("sg1"), "1"});
    CHECK(pseudonym.size() == 22);
    CHECK(pseudonym.find("oAlice") == std::string::npos);
    auto staff_view = f.admin("GET", base("sg1") + "/suggestions?status=all");
    REQUIRE(staff_view.status == 200);
    CHECK(json::parse(staff_view.body)["suggestions"].size() == 4);
    CHECK(staff_view.body.find(pseudonym) == std::string::npos);

    // Only while the campaign is open.
    REQUIRE(create_campaign(f.port(), campaign_body("sg-later", 3, "2098-12-20T09:00:00+08:00", open_until)) == 201);
    r = suggest(f.port(), bob, "sg-later", "u01", "建议提前公开评议安排");
    CHECK(r.status == 403);
    CHECK(code_of(r) == "not_open");

    // The purge of the campaign's personal data forgets who left which suggestion; the texts stay.
    CHECK(db.command({"KEYS", "{c:sg1}:suggestion-day:*"})->elements == 1);
    REQUIRE(f.admin("POST", base("sg1") + "/close").status == 200);
    child_process purge({bin_dir() + "/pingyi", "purge", "--campaign", "sg1", "--early"},
                        {"PINGYI_REDIS_URL=" + f.redis.url(), "USER=operator1"});
    int status = purge.wait_exit(20000);
    REQUIRE((WIFEXITED(status) && WEXITSTATUS(status) == 0));
    CHECK(db.integer({"EXISTS", sk::voters("sg1")}) == 0);
    CHECK(db.command({"KEYS", "{c:sg1}:suggestion-day:*"})->elements == 0);
    CHECK(db.integer({"HLEN", sk::records("sg1")}) == 4);
}

TEST_CASE("staff moderate suggestions: approving shows one, rejecting hides it, a viewer cannot decide") {
    voting_server f({{"PINGYI_SECRET", secret}});
    sync_redis db(f.redis.port());
    REQUIRE(create_campaign(f.port(), campaign_body("md1", 3)) == 201);
    voter alice(f.port(), "oAliceModerated");
    REQUIRE(alice.login("md1") == 302);
    const auto first = id_of(suggest(f.port(), alice, "md1", "u01", "建议多开展普法进社区活动"));
    const auto second = id_of(suggest(f.port(), alice, "md1", "u01", "这里是与评议无关的广告内容"));
    const auto third = id_of(suggest(f.port(), alice, "md1", "u02", "建议延长窗口服务时间"));

    CHECK(http_request(f.port(), "GET", base("md1") + "/suggestions?status=pending").status == 401);
    auto r = f.admin("GET", base("md1") + "/suggestions?status=maybe");
    CHECK(r.status == 400);
    CHECK(code_of(r) == "invalid_status");
    auto pending = json::parse(f.admin("GET", base("md1") + "/suggestions?status=pending").body);
    CHECK(pending["counts"] == json{{"pending", 3}, {"approved", 0}, {"rejected", 0}});
    REQUIRE(pending["suggestions"].size() == 3);
    CHECK(pending["suggestions"][0]["unit_name"] == "单位1");

    r = moderate(f, "md1", first, "approve");
    REQUIRE_MESSAGE(r.status == 200, r.body);
    CHECK(json::parse(r.body)["state"] == "approved");
    CHECK(json::parse(r.body)["moderator"] == "token");
    CHECK(public_texts(f, "md1", "u01") == std::vector<std::string>{"建议多开展普法进社区活动"});

    r = moderate(f, "md1", second, "reject");  // a rejection needs its reason
    CHECK(r.status == 400);
    CHECK(json::parse(r.body)["error"]["field"] == "reason");
    CHECK(moderate(f, "md1", second, "delete", "x").status == 400);
    CHECK(moderate(f, "md1", second, "reject", "广告，与评议无关").status == 200);
    CHECK(code_of(moderate(f, "md1", "999", "approve")) == "suggestion_not_found");
    CHECK(moderate(f, "md1", third, "approve").status == 200);
    CHECK(public_texts(f, "md1", "u02").size() == 1);
    // A decision may be reversed: rejected now, it is hidden again.
    CHECK(moderate(f, "md1", third, "reject", "经核实涉及个人信息").status == 200);
    CHECK(public_texts(f, "md1", "u02").empty());
    CHECK(public_texts(f, "md1", "u01") == std::vector<std::string>{"建议多开展普法进社区活动"});

    auto rejected = json::parse(f.admin("GET", base("md1") + "/suggestions?status=rejected").body);
    CHECK(rejected["counts"] == json{{"pending", 0}, {"approved", 1}, {"rejected", 2}});
    REQUIRE(rejected["suggestions"].size() == 2);
    CHECK(rejected["suggestions"][0]["reason"] == "广告，与评议无关");
    CHECK(in_audit_trail(db, "suggestion.moderate", "md1"));

    REQUIRE(add_staff_user(f.redis.url(), "viewer1", "viewer", "Viewer-password-123") == 0);
    auto viewer = staff_member(f.port(), "viewer1", "Viewer-password-123").sign_in();
    r = http_request(f.port(), "GET", base("md1") + "/suggestions?status=all", {}, viewer.headers(false));
    CHECK(r.status == 200);
    r = http_request(f.port(), "POST", base("md1") + "/suggestions/" + second + "/moderate",
                     R"({"decision": "approve"})", viewer.headers());
    CHECK(r.status == 403);
    CHECK(public_texts(f, "md1", "u01").size() == 1);
}

TEST_CASE("a unit answers its suggestions and the panel's comment, submits once, and next year shows it") {
    voting_server f({{"PINGYI_SECRET", secret}});
    auto first_year = json::parse(campaign_body("y2019", 3));
    first_year["title"] = "2019年度评议";
    REQUIRE(create_campaign(f.port(), first_year.dump()) == 201);
    voter alice(f.port(), "oAliceRectified");
    REQUIRE(alice.login("y2019") == 302);
    const auto approved = id_of(suggest(f.port(), alice, "y2019", "u01", "建议多开展普法进社区活动"));
    id_of(suggest(f.port(), alice, "y2019", "u01", "还没有审核的这一条建议"));
    REQUIRE(moderate(f, "y2019", approved, "approve").status == 200);
    const auto u1 = unit_token("y2019", "u01");

    // Only the unit's own link opens its page.
    auto r = http_request(f.port(), "GET", base("y2019") + "/units/u01/feedback");
    CHECK(r.status == 401);
    CHECK(code_of(r) == "link_required");
    r = as_unit(f, "GET", "y2019", "u01", "/feedback", unit_token("y2019", "u02"));
    CHECK(r.status == 403);
    CHECK(code_of(r) == "invalid_link");
    CHECK(as_unit(f, "PUT", "y2019", "u01", "/rectification", unit_token("y2019", "u02"), "{}").status == 403);
    CHECK(as_unit(f, "POST", "y2019", "u01", "/rectification/submit", unit_token("other", "u01")).status == 403);

    r = as_unit(f, "GET", "y2019", "u01", "/feedback", u1);
    REQUIRE_MESSAGE(r.status == 200, r.body);
    auto feedback = json::parse(r.body);
    CHECK(feedback["unit"]["name"] == "单位1");
    CHECK(feedback["comments_published"] == false);
    REQUIRE(feedback["items"].size() == 1);  // the approved one only
    CHECK(feedback["items"][0]["id"] == "s" + approved);

    // The panel's comments come once the results are published, judges unnamed.
    REQUIRE(f.admin("PUT", base("y2019") + "/panel-scores", R"({"scores": [
        {"judge": "j1", "unit": "u01", "score": 90, "comment": "普法宣传覆盖面不够"},
        {"judge": "j2", "unit": "u01", "score": 88},
        {"judge": "j1", "unit": "u02", "score": 80, "comment": "另一个单位的评语"}]})")
                .status == 200);
    REQUIRE(f.admin("POST", base("y2019") + "/close").status == 200);
    r = f.admin("POST", base("y2019") + "/results/publish");
    REQUIRE_MESSAGE(r.status == 200, r.body);
    feedback = json::parse(as_unit(f, "GET", "y2019", "u01", "/feedback", u1).body);
    CHECK(feedback["comments_published"] == true);
    REQUIRE(feedback["items"].size() == 2);
    CHECK(feedback["items"][1] == json{{"id", "c1"}, {"kind", "comment"}, {"from", "评议团成员 1"},
                                       {"text", "普法宣传覆盖面不够"}});
    CHECK(feedback.dump().find("j1") == std::string::npos);

    auto report = json::parse(as_unit(f, "GET", "y2019", "u01", "/rectification", u1).body);
    CHECK(report["state"] == "none");
    CHECK(report["status"] == "pending");
    CHECK(report["due"].is_null());
    r = as_unit(f, "PUT", "y2019", "u01", "/rectification", u1, R"({"answers": {"s999": "已整改"}})");
    CHECK(r.status == 400);
    CHECK(json::parse(r.body)["error"]["field"] == "answers.s999");
    const std::string draft = json{{"overall", ""},
                                   {"answers", {{"s" + approved, "每月开展一次普法进社区"}, {"c1", "新增三个宣传点"}}}}
                                  .dump();
    r = as_unit(f, "PUT", "y2019", "u01", "/rectification", u1, draft);
    REQUIRE_MESSAGE(r.status == 200, r.body);
    CHECK(json::parse(r.body)["state"] == "draft");
    r = as_unit(f, "POST", "y2019", "u01", "/rectification/submit", u1);
    CHECK(r.status == 409);
    CHECK(code_of(r) == "incomplete");
    CHECK(code_of(as_unit(f, "POST", "y2019", "u02", "/rectification/submit", unit_token("y2019", "u02"))) ==
          "no_draft");

    auto complete = json::parse(draft);
    complete["overall"] = "全年开展普法活动 24 场，整改完成";
    REQUIRE(as_unit(f, "PUT", "y2019", "u01", "/rectification", u1, complete.dump()).status == 200);
    r = as_unit(f, "POST", "y2019", "u01", "/rectification/submit", u1);
    REQUIRE_MESSAGE(r.status == 200, r.body);
    report = json::parse(r.body);
    CHECK(report["state"] == "submitted");
    CHECK(report["submitted_at"].is_string());
    CHECK(report["status"] == "on_time");  // no next year's campaign yet: nothing is late
    CHECK(report["answers"]["c1"] == "新增三个宣传点");
    CHECK(code_of(as_unit(f, "PUT", "y2019", "u01", "/rectification", u1, complete.dump())) == "already_submitted");
    CHECK(code_of(as_unit(f, "POST", "y2019", "u01", "/rectification/submit", u1)) == "already_submitted");

    // Staff see every unit's state; the due date comes with next year's campaign.
    CHECK(http_request(f.port(), "GET", base("y2019") + "/rectifications").status == 401);
    auto staff = f.admin_json(base("y2019") + "/rectifications");
    CHECK(staff["due"].is_null());
    CHECK(staff["units"][0]["state"] == "submitted");
    CHECK(staff["units"][1]["state"] == "none");
    CHECK(staff["units"][1]["status"] == "pending");

    REQUIRE(create_campaign(f.port(), campaign_body("y2020", 2, "2098-12-20T09:00:00+08:00", open_until,
                                                    R"(,"previous_campaign":"y2019")")) == 201);
    staff = f.admin_json(base("y2019") + "/rectifications");
    CHECK(staff["due"] == "2098-12-20T09:00:00+08:00");
    CHECK(staff["units"][0]["status"] == "on_time");
    CHECK(staff["units"][1]["status"] == "pending");
    // A successor that opened already: the report came after it, the others never.
    REQUIRE(create_campaign(f.port(), campaign_body("y2020b", 2, "2020-12-20T09:00:00+08:00", open_until,
                                                    R"(,"previous_campaign":"y2019")")) == 201);
    staff = f.admin_json(base("y2019") + "/rectifications");
    CHECK(staff["due"] == "2020-12-20T09:00:00+08:00");
    CHECK(staff["units"][0]["status"] == "late");
    CHECK(staff["units"][1]["status"] == "missing");

    // Next year's vote page: last year's submitted report, for the units it has too.
    r = http_request(f.port(), "GET", base("y2020") + "/previous-rectifications");
    REQUIRE_MESSAGE(r.status == 200, r.body);
    auto previous = json::parse(r.body);
    CHECK(previous["previous"] == json{{"id", "y2019"}, {"title", "2019年度评议"}});
    REQUIRE(previous["units"].size() == 1);
    const auto& shown = previous["units"][0];
    CHECK(shown["id"] == "u01");
    CHECK(shown["overall"] == "全年开展普法活动 24 场，整改完成");
    REQUIRE(shown["items"].size() == 2);
    CHECK(shown["items"][0] == json{{"id", "s" + approved}, {"from", "公众建议"}, {"text", "建议多开展普法进社区活动"},
                                    {"answer", "每月开展一次普法进社区"}});
    CHECK(shown["items"][1]["from"] == "评议团成员 1");
    auto none = json::parse(http_request(f.port(), "GET", base("y2019") + "/previous-rectifications").body);
    CHECK(none["previous"].is_null());
    CHECK(none["units"].empty());
}
