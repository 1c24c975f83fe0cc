// The evaluation API against a running pingyi-server and a real
// redis-server: scores by admin and by signed link, unit statuses, results
// (JSON, CSV, report), publication and what it freezes, the comments units
// read afterwards. No ballots are cast here (they need the OAuth flow), so
// every public component is 0 and the example below is computed by hand
// with that.
#include <doctest/doctest.h>

#include <nlohmann/json.hpp>

#include "tests/support/http_client.hpp"
#include "tests/support/redis_server.hpp"
#include "tests/support/server_process.hpp"

using namespace pingyi::test;
using nlohmann::json;

namespace {

const std::string admin_token = "test-admin-token-0123456789";
const std::map<std::string, std::string> admin{{"Authorization", "Bearer " + admin_token},
                                               {"Content-Type", "application/json"}};

struct fixture {
    redis_server redis;
    server_process server{env_map{{"PINGYI_REDIS_URL", redis.url()},
                                  {"PINGYI_ADMIN_TOKEN", admin_token},
                                  {"PINGYI_PUBLIC_URL", "https://pingyi.example.cn"}}};

    http_result call(const std::string& method, const std::string& target, const std::string& body = {},
                     const std::map<std::string, std::string>& headers = admin) {
        return http_request(server.port(), method, target, body, headers);
    }
};

// Five units; closed long ago unless `open`.
void create_campaign(fixture& f, const std::string& cid, bool open = false) {
    json body = {{"id", cid},
                 {"title", "2019年韶关市国家机关履职报告评议"},
                 {"organizer", "韶关市普法办公室"},
                 {"opens_at", "2019-12-20T09:00:00+08:00"},
                 {"closes_at", open ? "2099-12-27T18:00:00+08:00" : "2019-12-27T18:00:00+08:00"},
                 {"units", json::array({{{"id", "u1"}, {"name", "市公安局"}},
                                        {{"id", "u2"}, {"name", "市司法局"}},
                                        {{"id", "u3"}, {"name", "市税务局"}},
                                        {{"id", "u4"}, {"name", "市市场监管局"}},
                                        {{"id", "u5"}, {"name", "市生态环境局"}}})}};
    auto r = f.call("POST", "/api/v1/campaigns", body.dump());
    REQUIRE_MESSAGE(r.status == 201, r.body);
}

std::string base(const std::string& cid) { return "/api/v1/campaigns/" + cid; }

std::string error_code_of(const http_result& r) {
    auto j = json::parse(r.body, nullptr, false);
    if (!j.is_object() || !j.contains("error")) return "(no error: " + r.body + ")";
    return j["error"]["code"].get<std::string>();
}

// Links: as -> token.
std::map<std::string, std::string> issue_links(fixture& f, const std::string& cid) {
    auto r = f.call("POST", base(cid) + "/scoring-links", R"({"judges": ["j1", "j2", "j3"]})");
    REQUIRE_MESSAGE(r.status == 200, r.body);
    auto j = json::parse(r.body);
    std::map<std::string, std::string> tokens;
    for (const auto* group : {"judges", "units"})
        for (const auto& link : j[group]) tokens[link["as"].get<std::string>()] = link["token"].get<std::string>();
    return tokens;
}

std::map<std::string, std::string> with_link(const std::string& token) {
    return {{"Authorization", "Link " + token}, {"Content-Type", "application/json"}};
}

// The hand-computed example (docs in the comments): j1, j2 by admin, j3 by
// link; peer raters u1, u2 by admin, u3, u5 by link; u4 absent, u5 fraud.
void enter_example(fixture& f, const std::string& cid, std::map<std::string, std::string>& tokens) {
    auto r = f.call("PUT", base(cid) + "/panel-scores", R"({"scores": [
        {"judge": "j1", "unit": "u1", "score": 100, "comment": "履职报告全面"},
        {"judge": "j1", "unit": "u2", "score": 80, "comment": "建议加强普法宣传"},
        {"judge": "j1", "unit": "u3", "score": 70},
        {"judge": "j1", "unit": "u4", "score": 60},
        {"judge": "j1", "unit": "u5", "score": 95},
        {"judge": "j2", "unit": "u1", "score": 100},
        {"judge": "j2", "unit": "u2", "score": 82, "comment": "案例丰富"},
        {"judge": "j2", "unit": "u3", "score": 75},
        {"judge": "j2", "unit": "u4", "score": 65},
        {"judge": "j2", "unit": "u5", "score": 90}]})");
    REQUIRE_MESSAGE(r.status == 200, r.body);
    r = f.call("PUT", base(cid) + "/panel-scores/j3",
               R"({"scores": [{"unit": "u1", "score": 100}, {"unit": "u2", "score": 79.99, "comment": ""},
                  {"unit": "u3", "score": 72.5}, {"unit": "u4", "score": 70}, {"unit": "u5", "score": 92}]})",
               with_link(tokens["judge:j3"]));
    REQUIRE_MESSAGE(r.status == 200, r.body);
    r = f.call("PUT", base(cid) + "/peer-scores", R"({"scores": [
        {"rater": "u1", "unit": "u2", "score": 85}, {"rater": "u1", "unit": "u3", "score": 70},
        {"rater": "u1", "unit": "u4", "score": 60}, {"rater": "u1", "unit": "u5", "score": 90},
        {"rater": "u2", "unit": "u1", "score": 100}, {"rater": "u2", "unit": "u3", "score": 75},
        {"rater": "u2", "unit": "u4", "score": 65}, {"rater": "u2", "unit": "u5", "score": 88}]})");
    REQUIRE_MESSAGE(r.status == 200, r.body);
    r = f.call("PUT", base(cid) + "/peer-scores/u3",
               R"({"scores": [{"unit": "u1", "score": 100}, {"unit": "u2", "score": 80},
                  {"unit": "u4", "score": 62}, {"unit": "u5", "score": 86}]})",
               with_link(tokens["unit:u3"]));
    REQUIRE_MESSAGE(r.status == 200, r.body);
    r = f.call("PUT", base(cid) + "/peer-scores/u5?t=" + tokens["unit:u5"],
               R"({"scores": [{"unit": "u1", "score": 100}, {"unit": "u2", "score": 84},
                  {"unit": "u3", "score": 71}, {"unit": "u4", "score": 61}]})",
               {{"Content-Type", "application/json"}});
    REQUIRE_MESSAGE(r.status == 200, r.body);
    r = f.call("PUT", base(cid) + "/units/u4/status", R"({"status": "absent", "reason": "拒不参加评议"})");
    REQUIRE_MESSAGE(r.status == 200, r.body);
    r = f.call("PUT", base(cid) + "/units/u5/status", R"({"status": "fraud", "reason": "组织刷票"})");
    REQUIRE_MESSAGE(r.status == 200, r.body);
}

// Panel: 3 judges (< 5, no trimming). u1 (100+100+100)/3 = 100.00;
// u2 (80+82+79.99)/3 = 80.663… → 80.66; u3 (70+75+72.5)/3 = 72.50;
// u4 (60+65+70)/3 = 65.00; u5 (95+90+92)/3 = 92.333… → 92.33.
// Peer: u1 (100+100+100)/3 = 100.00; u2 (85+80+84)/3 = 83.00;
// u3 (70+75+71)/3 = 72.00; u4 (60+65+62+61)/4 = 62.00; u5 (90+88+86)/3 = 88.00.
// Public: no votes, M = 0, all 0.00.
// Totals (40/40/20): u1 (4000 + 0 + 2000)/100 = 60.00 一般, rank 1;
// u2 (3226.4 + 1660)/100 = 48.864 → 48.86 较差, rank 2;
// u3 (2900 + 1440)/100 = 43.40 较差, rank 3; u4 absent: no total;
// u5 fraud: (3693.2 + 1760)/100 = 54.532 → 54.53, 较差, no rank.
const std::vector<std::string> expected_rows = {
    R"({"id":"u1","name":"市公安局","panel":100.00,"public":0.00,"peer":100.00,"total":60.00,"grade":"一般","rank":1,"status":"present","warnings":[]})",
    R"({"id":"u2","name":"市司法局","panel":80.66,"public":0.00,"peer":83.00,"total":48.86,"grade":"较差","rank":2,"status":"present","warnings":[]})",
    R"({"id":"u3","name":"市税务局","panel":72.50,"public":0.00,"peer":72.00,"total":43.40,"grade":"较差","rank":3,"status":"present","warnings":[]})",
    R"({"id":"u4","name":"市市场监管局","panel":65.00,"public":0.00,"peer":62.00,"total":null,"grade":null,"rank":null,"status":"absent","warnings":[]})",
    R"({"id":"u5","name":"市生态环境局","panel":92.33,"public":0.00,"peer":88.00,"total":54.53,"grade":"较差","rank":null,"status":"fraud","warnings":[]})",
};

void check_example(const std::string& body, bool published) {
    CHECK(body.starts_with(published ? R"({"published":true,"units":[)" : R"({"published":false,"units":[)"));
    for (const auto& row : expected_rows) CHECK_MESSAGE(body.find(row) != std::string::npos, row, "\n in ", body);
}

}  // namespace

TEST_CASE("signed scoring links: one judge's or unit's own scores, nothing else") {
    fixture f;
    create_campaign(f, "ln1");
    const auto b = base("ln1");

    CHECK(f.call("POST", b + "/scoring-links", R"({"judges": ["j1"]})", {}).status == 401);
    auto r = f.call("POST", b + "/scoring-links", R"({"judges": ["j1", "j1"]})");
    CHECK(r.status == 400);
    CHECK(error_code_of(r) == "invalid_judges");
    r = f.call("POST", b + "/scoring-links", R"({"judges": ["j 1"]})");
    CHECK(r.status == 400);
    r = f.call("POST", b + "/scoring-links", R"({"judges": ["j1", "j2", "j3"]})");
    REQUIRE(r.status == 200);
    auto links = json::parse(r.body);
    REQUIRE(links["judges"].size() == 3);
    REQUIRE(links["units"].size() == 5);
    const std::string t1 = links["judges"][0]["token"];
    const std::string t2 = links["judges"][1]["token"];
    const std::string tu1 = links["units"][0]["token"];
    CHECK(links["judges"][0]["url"] == "https://pingyi.example.cn/h5/score/ln1?as=judge:j1&t=" + t1);
    CHECK(links["units"][0]["url"] == "https://pingyi.example.cn/h5/score/ln1?as=unit:u1&t=" + tu1);
    CHECK(links["units"][0]["name"] == "市公安局");

    const std::string scores = R"({"scores": [{"unit": "u1", "score": 92.5, "comment": "很好"}, {"unit": "u2", "score": 80}]})";
    CHECK(f.call("PUT", b + "/panel-scores/j1", scores, {{"Content-Type", "application/json"}}).status == 401);
    r = f.call("PUT", b + "/panel-scores/j1", scores, with_link(t2));  // j2's link
    CHECK(r.status == 403);
    CHECK(error_code_of(r) == "invalid_link");
    CHECK(f.call("PUT", b + "/panel-scores/j1", scores, with_link(tu1)).status == 403);  // a unit's link
    CHECK(f.call("PUT", b + "/panel-scores/j1", scores, with_link("not-a-token")).status == 403);
    CHECK(f.call("PUT", b + "/panel-scores/j1?t=" + t2, scores, {}).status == 403);
    CHECK(f.call("PUT", b + "/peer-scores/u2", R"({"scores": []})", with_link(tu1)).status == 403);
    // A link of another campaign does not open this one.
    create_campaign(f, "ln2");
    auto other = json::parse(f.call("POST", base("ln2") + "/scoring-links", R"({"judges": ["j1"]})").body);
    CHECK(f.call("PUT", b + "/panel-scores/j1", scores, with_link(other["judges"][0]["token"])).status == 403);

    r = f.call("PUT", b + "/panel-scores/j1", scores, with_link(t1));
    REQUIRE_MESSAGE(r.status == 200, r.body);
    CHECK(json::parse(r.body)["scores"] == 2);
    r = f.call("PUT", b + "/panel-scores/j2?t=" + t2, R"({"scores": [{"unit": "u3", "score": 60}]})",
               {{"Content-Type", "application/json"}});
    CHECK(r.status == 200);

    // The form: the holder's own saved scores and comments.
    CHECK(f.call("GET", b + "/scoring-form?as=judge:j1", {}, {}).status == 401);
    CHECK(f.call("GET", b + "/scoring-form?as=judge:j2&t=" + t1, {}, {}).status == 403);
    CHECK(f.call("GET", b + "/scoring-form?as=boss&t=" + t1, {}, {}).status == 400);
    r = f.call("GET", b + "/scoring-form?as=judge:j1&t=" + t1, {}, {});
    REQUIRE(r.status == 200);
    auto form = json::parse(r.body);
    CHECK(form["role"] == "judge");
    CHECK(form["comments"] == true);
    CHECK(form["published"] == false);
    CHECK(form["submit"]["url"] == "/api/v1/campaigns/ln1/panel-scores/j1");
    CHECK(form["submitted_at"].is_string());
    REQUIRE(form["units"].size() == 5);
    CHECK(form["units"][0]["score"] == 92.5);
    CHECK(form["units"][0]["comment"] == "很好");
    CHECK(form["units"][1]["score"] == 80);
    CHECK(form["units"][2]["score"].is_null());
    CHECK(form["campaign"]["title"] == "2019年韶关市国家机关履职报告评议");

    // A replacement replaces the judge's whole sheet, and no one else's.
    r = f.call("PUT", b + "/panel-scores/j1", R"({"scores": [{"unit": "u2", "score": 81}]})", with_link(t1));
    CHECK(r.status == 200);
    form = json::parse(f.call("GET", b + "/scoring-form?as=judge:j1&t=" + t1, {}, {}).body);
    CHECK(form["units"][0]["score"].is_null());
    CHECK(form["units"][0]["comment"] == "");
    CHECK(form["units"][1]["score"] == 81);
    form = json::parse(f.call("GET", b + "/scoring-form?as=judge:j2&t=" + t2, {}, {}).body);
    CHECK(form["units"][2]["score"] == 60);

    // A unit's form leaves the unit itself out; it cannot rate itself.
    form = json::parse(f.call("GET", b + "/scoring-form?as=unit:u1&t=" + tu1, {}, {}).body);
    CHECK(form["role"] == "unit");
    CHECK(form["comments"] == false);
    CHECK(form["holder"]["name"] == "市公安局");
    REQUIRE(form["units"].size() == 4);
    CHECK(form["units"][0]["id"] == "u2");
    CHECK_FALSE(form["units"][0].contains("comment"));
    r = f.call("PUT", b + "/peer-scores/u1", R"({"scores": [{"unit": "u1", "score": 90}]})", with_link(tu1));
    CHECK(r.status == 400);
    CHECK(error_code_of(r) == "invalid_scores");
    CHECK(f.call("PUT", b + "/peer-scores/u1", R"({"scores": [{"unit": "u9", "score": 90}]})", with_link(tu1)).status == 400);
    CHECK(f.call("PUT", b + "/peer-scores/u1", R"({"scores": [{"unit": "u2", "score": 100.001}]})", with_link(tu1)).status == 400);
    CHECK(f.call("PUT", b + "/peer-scores/u1", R"({"scores": [{"unit": "u2", "score": 101}]})", with_link(tu1)).status == 400);
    CHECK(f.call("PUT", b + "/peer-scores/u1", R"({"scores": [{"unit": "u2", "score": 99.99}]})", with_link(tu1)).status == 200);
    // The admin may replace a rater's sheet too.
    CHECK(f.call("PUT", b + "/peer-scores/u2", R"({"scores": [{"unit": "u1", "score": 70}]})").status == 200);

    // Progress: who has submitted, how many scores, when.
    CHECK(f.call("GET", b + "/scoring-progress", {}, {}).status == 401);
    r = f.call("GET", b + "/scoring-progress");
    REQUIRE(r.status == 200);
    auto progress = json::parse(r.body);
    CHECK(progress["expected_scores"] == json::parse(R"({"judge": 5, "unit": 4})"));
    REQUIRE(progress["judges"].size() == 3);
    CHECK(progress["judges"][0]["id"] == "j1");
    CHECK(progress["judges"][0]["scores"] == 1);
    CHECK(progress["judges"][0]["submitted_at"].is_string());
    CHECK(progress["judges"][1]["scores"] == 1);
    CHECK(progress["judges"][2]["id"] == "j3");
    CHECK(progress["judges"][2]["submitted"] == false);
    CHECK(progress["judges"][2]["submitted_at"].is_null());
    REQUIRE(progress["units"].size() == 5);
    CHECK(progress["units"][0]["scores"] == 1);
    CHECK(progress["units"][1]["scores"] == 1);
    CHECK(progress["units"][2]["submitted"] == false);

    // Link submissions are in the staff audit trail too.
    sync_redis redis(f.redis.port());
    auto log = redis.command({"XRANGE", "pingyi:admin-log", "-", "+"});
    REQUIRE(log);
    bool found = false;
    for (std::size_t i = 0; i < log->elements; ++i) {
        const auto* fields = log->element[i]->element[1];
        for (std::size_t k = 0; k + 1 < fields->elements; k += 2)
            if (std::string(fields->element[k]->str) == "who" && std::string(fields->element[k + 1]->str) == "link:judge:j1")
                found = true;
    }
    CHECK(found);
}

TEST_CASE("admin scores and statuses: authentication and validation") {
    fixture f;
    create_campaign(f, "ad1");
    const auto b = base("ad1");
    const std::string one = R"({"scores": [{"judge": "j1", "unit": "u1", "score": 90}]})";
    CHECK(f.call("PUT", b + "/panel-scores", one, {}).status == 401);
    CHECK(f.call("PUT", b + "/panel-scores", one, {{"Authorization", "Bearer wrong"}}).status == 401);
    CHECK(f.call("PUT", b + "/panel-scores", one, with_link("x")).status == 401);
    CHECK(f.call("PUT", base("nope") + "/panel-scores", one).status == 404);
    auto r = f.call("PUT", b + "/panel-scores", "{not json");
    CHECK(r.status == 400);
    r = f.call("PUT", b + "/panel-scores", R"({"scores": [{"judge": "j1", "unit": "u9", "score": 90}]})");
    CHECK(r.status == 400);
    CHECK(error_code_of(r) == "invalid_scores");
    CHECK(json::parse(r.body)["error"]["field"] == "scores[0].unit");
    r = f.call("PUT", b + "/panel-scores", R"({"scores": [{"judge": "j1", "unit": "u1", "score": 100.001}]})");
    CHECK(r.status == 400);
    CHECK(json::parse(r.body)["error"]["field"] == "scores[0].score");
    CHECK(f.call("PUT", b + "/panel-scores", R"({"scores": [{"judge": "j1", "unit": "u1", "score": 101}]})").status == 400);
    CHECK(f.call("PUT", b + "/panel-scores", R"({"scores": [{"judge": "j1", "unit": "u1", "score": -1}]})").status == 400);
    CHECK(f.call("PUT", b + "/peer-scores", R"({"scores": [{"rater": "u2", "unit": "u2", "score": 90}]})").status == 400);
    CHECK(f.call("PUT", b + "/peer-scores", R"({"scores": [{"rater": "u9", "unit": "u2", "score": 90}]})").status == 400);
    CHECK(f.call("PUT", b + "/panel-scores/bad.id", R"({"scores": []})").status == 400);

    // The whole replacement drops judges it does not name.
    r = f.call("PUT", b + "/panel-scores",
               R"({"scores": [{"judge": "j1", "unit": "u1", "score": 90}, {"judge": "j2", "unit": "u1", "score": 80}]})");
    CHECK(r.status == 200);
    CHECK(json::parse(r.body)["judges"] == json::array({"j1", "j2"}));
    CHECK(f.call("PUT", b + "/panel-scores", one).status == 200);
    auto progress = json::parse(f.call("GET", b + "/scoring-progress").body);
    REQUIRE(progress["judges"].size() == 1);
    CHECK(progress["judges"][0]["id"] == "j1");
    CHECK(progress["judges"][0]["linked"] == false);

    // Statuses.
    CHECK(f.call("PUT", b + "/units/u4/status", R"({"status": "absent", "reason": "x"})", {}).status == 401);
    CHECK(f.call("PUT", b + "/units/u9/status", R"({"status": "absent", "reason": "x"})").status == 404);
    r = f.call("PUT", b + "/units/u4/status", R"({"status": "absent"})");
    CHECK(r.status == 400);
    CHECK(error_code_of(r) == "invalid_status");
    CHECK(f.call("PUT", b + "/units/u4/status", R"({"status": "fraud", "reason": "  "})").status == 400);
    CHECK(f.call("PUT", b + "/units/u4/status", R"({"status": "gone", "reason": "x"})").status == 400);
    CHECK(f.call("PUT", b + "/units/u4/status", R"({"status": "absent", "reason": "x", "extra": 1})").status == 400);
    r = f.call("PUT", b + "/units/u4/status", R"({"status": "absent", "reason": "拒不参加评议"})");
    REQUIRE(r.status == 200);
    CHECK(json::parse(r.body)["status"] == "absent");
    CHECK(f.call("PUT", b + "/units/u5/status", R"({"status": "present"})").status == 200);

    // Every change is in the audit trail, the status with its reason.
    sync_redis redis(f.redis.port());
    auto log = redis.command({"XRANGE", "pingyi:admin-log", "-", "+"});
    REQUIRE(log);
    std::string all;
    for (std::size_t i = 0; i < log->elements; ++i) {
        const auto* fields = log->element[i]->element[1];
        for (std::size_t k = 0; k < fields->elements; ++k) all += std::string(fields->element[k]->str) + "|";
    }
    CHECK(all.find("unit.status|campaign|ad1|detail|{\"reason\":\"拒不参加评议\",\"status\":\"absent\",\"unit\":\"u4\"}") !=
          std::string::npos);
    CHECK(all.find("scores.panel.replace") != std::string::npos);
}

TEST_CASE("results: the hand-computed example, CSV, report, publication and what it freezes") {
    fixture f;
    create_campaign(f, "sg1");
    const auto b = base("sg1");
    auto tokens = issue_links(f, "sg1");
    enter_example(f, "sg1", tokens);

    // Before publication: staff only.
    CHECK(f.call("GET", b + "/results", {}, {}).status == 401);
    CHECK(f.call("GET", b + "/results.csv", {}, {}).status == 401);
    CHECK(f.call("GET", b + "/report", {}, {}).status == 401);
    CHECK(f.call("GET", b + "/public-scores", {}, {}).status == 401);
    auto r = f.call("GET", b + "/results");
    REQUIRE(r.status == 200);
    check_example(r.body, false);

    r = f.call("GET", b + "/public-scores");
    REQUIRE(r.status == 200);
    auto pub = json::parse(r.body);
    CHECK(pub["method"] == "max");
    REQUIRE(pub["units"].size() == 5);
    for (const auto& u : pub["units"]) {
        CHECK(u["votes"] == 0);
        CHECK(u["score"] == 0);
    }

    r = f.call("GET", b + "/results.csv");
    REQUIRE(r.status == 200);
    CHECK(r.body.starts_with("\xEF\xBB\xBF"));
    CHECK(r.header("content-type") == "text/csv; charset=utf-8");
    CHECK(r.header("content-disposition") == "attachment; filename=\"sg1-results.csv\"");
    CHECK(r.body.find("u4,市市场监管局,65.00,0.00,62.00,,,,缺席评议") != std::string::npos);

    r = f.call("GET", b + "/report");
    REQUIRE(r.status == 200);
    CHECK(r.header("content-type").starts_with("text/html"));
    CHECK(r.body.find("缺席评议") != std::string::npos);
    CHECK(r.body.find("草稿") != std::string::npos);
    CHECK(r.body.find("<script") == std::string::npos);

    // Comments are for after publication.
    r = f.call("GET", b + "/comments?as=unit:u2&t=" + tokens["unit:u2"], {}, {});
    CHECK(r.status == 409);
    CHECK(error_code_of(r) == "not_published");

    // Publication: admin only, once, and only after voting closed.
    create_campaign(f, "open1", true);
    r = f.call("POST", base("open1") + "/results/publish");
    CHECK(r.status == 409);
    CHECK(error_code_of(r) == "voting_not_closed");
    CHECK(f.call("POST", b + "/results/publish", {}, {}).status == 401);
    r = f.call("POST", b + "/results/publish");
    REQUIRE_MESSAGE(r.status == 200, r.body);
    check_example(r.body, true);
    const auto published = r.body;
    r = f.call("POST", b + "/results/publish");
    CHECK(r.status == 409);
    CHECK(error_code_of(r) == "already_published");

    // Frozen: every score and status change is refused.
    r = f.call("PUT", b + "/panel-scores", R"({"scores": []})");
    CHECK(r.status == 409);
    CHECK(error_code_of(r) == "published");
    CHECK(f.call("PUT", b + "/panel-scores/j1", R"({"scores": []})", with_link(tokens["judge:j1"])).status == 409);
    CHECK(f.call("PUT", b + "/panel-scores/j1", R"({"scores": []})").status == 409);
    CHECK(f.call("PUT", b + "/peer-scores", R"({"scores": []})").status == 409);
    CHECK(f.call("PUT", b + "/peer-scores/u1", R"({"scores": []})", with_link(tokens["unit:u1"])).status == 409);
    CHECK(f.call("PUT", b + "/units/u4/status", R"({"status": "present"})").status == 409);

    // Public now, and exactly what was published.
    r = f.call("GET", b + "/results", {}, {});
    REQUIRE(r.status == 200);
    CHECK(r.body == published);
    r = f.call("GET", b + "/results.csv", {}, {});
    CHECK(r.status == 200);
    CHECK(r.body.starts_with("\xEF\xBB\xBF"));
    r = f.call("GET", b + "/report", {}, {});
    REQUIRE(r.status == 200);
    CHECK(r.body.find("缺席评议") != std::string::npos);
    CHECK(r.body.find("草稿") == std::string::npos);
    CHECK(r.body.find("韶关市普法办公室") != std::string::npos);
    // Even if stored inputs were tampered with later, readers see the frozen figures.
    sync_redis redis(f.redis.port());
    redis.command({"HDEL", "{c:sg1}:panel", "j1"});
    CHECK(f.call("GET", b + "/results", {}, {}).body == published);

    // Units read the judges' comments on them, judges anonymised.
    r = f.call("GET", b + "/comments?as=unit:u2&t=" + tokens["unit:u2"], {}, {});
    REQUIRE_MESSAGE(r.status == 200, r.body);
    auto comments = json::parse(r.body);
    CHECK(comments["unit"]["name"] == "市司法局");
    CHECK(comments["comments"] == json::parse(R"([{"judge": "评议员1", "comment": "建议加强普法宣传"},
                                                 {"judge": "评议员2", "comment": "案例丰富"}])"));
    CHECK(r.body.find("j1") == std::string::npos);
    CHECK(f.call("GET", b + "/comments?as=unit:u2&t=" + tokens["unit:u1"], {}, {}).status == 403);
    CHECK(f.call("GET", b + "/comments?as=judge:j1&t=" + tokens["judge:j1"], {}, {}).status == 403);
    auto form = json::parse(f.call("GET", b + "/scoring-form?as=judge:j3&t=" + tokens["judge:j3"], {}, {}).body);
    CHECK(form["published"] == true);
}

TEST_CASE("the evaluation API answers 503 while Redis is down") {
    fixture f;
    create_campaign(f, "rd1");
    f.redis.kill_hard();
    auto r = f.call("GET", base("rd1") + "/results");
    CHECK(r.status == 503);
    CHECK(error_code_of(r) == "redis_unavailable");
    CHECK(f.call("PUT", base("rd1") + "/panel-scores", R"({"scores": []})").status == 503);
}
