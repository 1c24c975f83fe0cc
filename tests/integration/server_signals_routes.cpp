// No way to write votes but the ballot (issue 10): every route the server
// registers is enumerated by building a worker's router exactly as the
// server does (app::hooks().make_worker, the same code path as
// pingyi-server, dev-only routes included), then each one but
// POST /api/v1/campaigns/{cid}/ballots is called on a running server with
// admin credentials (the bearer token, then a staff session with its CSRF
// token, then a voter's session) and plausible bodies. After every call the
// campaign's tally hash and its log stream (length and every entry) must be
// what they were.
#include <doctest/doctest.h>

#include <algorithm>
#include <ctime>
#include <set>

#include <nlohmann/json.hpp>

#include "server/config.hpp"
#include "tests/support/campaigns.hpp"
#include "tests/support/http_client.hpp"
#include "tests/support/redis_server.hpp"
#include "tests/support/server_process.hpp"
#include "tests/support/server_routes.hpp"
#include "tests/support/staff.hpp"
#include "tests/support/voter.hpp"
#include "tests/support/voting_server.hpp"
#include "wechat/signature.hpp"

using namespace pingyi::test;
using nlohmann::json;

namespace {

const std::string staff_password = "routes-password-1";
const std::string wechat_token = "routestoken";
const std::string ballot_route = "POST /api/v1/campaigns/{cid}/ballots";

// The routes of one worker, made the way pingyi-server makes them.
std::vector<registered_route> routes_of(const std::string& redis_url) {
    pingyi::server::config cfg;
    cfg.dev = true;
    cfg.redis_url = redis_url;
    cfg.secret = std::string(32, 's');
    cfg.pseudonym_key = std::string(32, 'p');
    cfg.admin_token = admin_token;
    cfg.wechat.appid = "wxdev0000000000000";
    cfg.wechat.token = wechat_token;
    return server_routes(cfg);
}

// A concrete path for a pattern.
std::string target_of(const std::string& pattern, const std::string& receipt) {
    static const std::map<std::string, std::string> values{{"{cid}", "r1"},        {"{uid}", "u01"},
                                                           {"{judge}", "j1"},      {"{rater}", "u02"},
                                                           {"{id}", "electorate:u01:total"}, {"{*path}", "app.js"}};
    std::string out;
    std::size_t at = 0;
    while (at < pattern.size()) {
        auto open = pattern.find('{', at);
        if (open == std::string::npos) {
            out += pattern.substr(at);
            break;
        }
        auto close = pattern.find('}', open);
        out += pattern.substr(at, open - at);
        auto name = pattern.substr(open, close - open + 1);
        auto v = values.find(name);
        out += name == "{receipt}" ? receipt : (v == values.end() ? std::string("x") : v->second);
        at = close + 1;
    }
    return out;
}

// Plausible bodies: what the route expects where it is known, and for every
// route an empty object and one that tries to name votes.
std::vector<std::string> bodies_for(const std::string& pattern) {
    std::vector<std::string> out{"{}", R"({"units":["u01"],"votes":{"u01":1000},"u01":1000,"count":1000,"seq":1})"};
    auto ends = [&](const std::string& tail) { return pattern.ends_with(tail); };
    if (ends("/admin/login")) out.push_back(json{{"username", "admin"}, {"password", staff_password}}.dump());
    if (pattern == "/api/v1/campaigns") {
        out.push_back(campaign_body("r1", 3));  // the same id again
        out.push_back(campaign_body("r2", 3));
    }
    if (ends("/panel-scores")) out.push_back(R"({"scores":[{"judge":"j1","unit":"u01","score":90}]})");
    if (ends("/panel-scores/{judge}")) out.push_back(R"({"scores":[{"unit":"u01","score":90}]})");
    if (ends("/peer-scores")) out.push_back(R"({"scores":[{"rater":"u02","unit":"u01","score":88}]})");
    if (ends("/peer-scores/{rater}")) out.push_back(R"({"scores":[{"unit":"u01","score":88}]})");
    if (ends("/status")) out.push_back(R"({"status":"fraud","reason":"测试"})");
    if (ends("/scoring-links")) out.push_back(R"({"judges":["j1"],"raters":["u01"]})");
    if (ends("/review")) out.push_back(R"({"decision":"fraud","reason":"测试","unit":"u01"})");
    return out;
}

// WeChat's callbacks, signed: a text 投票 and a subscribe event.
std::vector<std::pair<std::string, std::string>> wechat_calls() {
    auto ts = std::to_string(std::time(nullptr));
    std::string nonce = "12345";
    auto query = "?signature=" + pingyi::wechat::request_signature(wechat_token, ts, nonce) + "&timestamp=" + ts +
                 "&nonce=" + nonce + "&openid=oRoutes";
    auto message = [&](const std::string& inner) {
        return "<xml><ToUserName><![CDATA[gh_test]]></ToUserName><FromUserName><![CDATA[oRoutes]]></FromUserName>"
               "<CreateTime>" + ts + "</CreateTime>" + inner + "</xml>";
    };
    return {{query, message("<MsgType><![CDATA[text]]></MsgType><Content><![CDATA[投票]]></Content>"
                            "<MsgId>1234567890123</MsgId>")},
            {query, message("<MsgType><![CDATA[event]]></MsgType><Event><![CDATA[subscribe]]></Event>")}};
}

// One request on its own connection, closed after the answer; a stream
// (Server-Sent Events) is cut after a second. The status line and what came.
std::string call(int port, const std::string& method, const std::string& target, const std::string& body,
                 const std::map<std::string, std::string>& headers) {
    std::string request = method + " " + target + " HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n";
    for (const auto& [name, value] : headers) request += name + ": " + value + "\r\n";
    request += "Content-Length: " + std::to_string(body.size()) + "\r\n\r\n" + body;
    raw_connection c(port);
    REQUIRE(c.send(request));
    return c.read_all(1000);
}

struct routes_fixture : voting_server {
    sync_redis db{redis.port()};

    routes_fixture()
        : voting_server(env_map{{"PINGYI_ADMIN_PASSWORD", staff_password}, {"PINGYI_WECHAT_TOKEN", wechat_token}}) {}

    // The tally hash and the whole log stream, as one comparable text.
    std::string ballot_state() {
        auto tally = db.command({"HGETALL", "{c:r1}:tally"});
        auto log = db.command({"XRANGE", "{c:r1}:log", "-", "+"});
        std::string out = "xlen=" + std::to_string(db.integer({"XLEN", "{c:r1}:log"})) + "#";
        std::vector<std::string> pairs;
        for (std::size_t i = 0; i + 1 < tally->elements; i += 2)
            pairs.push_back(std::string(tally->element[i]->str) + "=" + tally->element[i + 1]->str);
        std::sort(pairs.begin(), pairs.end());
        for (const auto& p : pairs) out += p + "|";
        out += "#";
        for (std::size_t i = 0; i < log->elements; ++i) {
            auto* entry = log->element[i];
            out += std::string(entry->element[0]->str) + ":";
            for (std::size_t k = 0; k < entry->element[1]->elements; ++k)
                out += std::string(entry->element[1]->element[k]->str) + ",";
            out += ";";
        }
        return out;
    }
};

}  // namespace

TEST_CASE("routes: nothing but the ballot route changes the tally or the log") {
    routes_fixture f;
    auto routes = routes_of(f.redis.url());
    std::vector<std::string> names;
    for (const auto& r : routes) names.push_back(r.name());
    INFO("routes: " << json(names).dump());
    REQUIRE(std::count(names.begin(), names.end(), ballot_route) == 1);
    // The enumeration sees the routes that write something (they are what this test is about).
    for (const auto* writer : {"POST /api/v1/campaigns", "PUT /api/v1/campaigns/{cid}/units/{uid}/status",
                               "POST /api/v1/campaigns/{cid}/signals/{id}/review", "POST /wechat", "POST /admin/login"})
        CHECK_MESSAGE(std::count(names.begin(), names.end(), writer) == 1, writer);

    // u01's electorate of 1 makes a signal for the review route to act on.
    REQUIRE(create_campaign(f.port(), R"({"id":"r1","title":"路由测试","opens_at":"2019-12-20T09:00:00+08:00",
        "closes_at":"2099-12-27T18:00:00+08:00","units":[{"id":"u01","name":"一","electorate":1},
        {"id":"u02","name":"二"},{"id":"u03","name":"三"}]})") == 201);
    auto empty = f.ballot_state();
    // The ballot route does change them, and the comparison sees it.
    voter v(f.port(), "oRoutesVoter");
    REQUIRE(v.login("r1") == 302);
    auto cast = v.ballot("r1", R"({"units":["u01","u02"]})");
    REQUIRE(cast.status == 201);
    auto receipt = json::parse(cast.body).at("receipt").get<std::string>();
    voter w(f.port(), "oRoutesVoter2");
    REQUIRE(w.login("r1") == 302);
    REQUIRE(w.ballot("r1", R"({"units":["u01","u03"]})").status == 201);
    auto before = f.ballot_state();
    REQUIRE(before != empty);

    auto staff = staff_member(f.port(), "admin", staff_password).sign_in();

    std::vector<std::map<std::string, std::string>> credentials{
        {{"Authorization", "Bearer " + admin_token}},
        {{"Cookie", "pingyi_staff=" + staff.token + "; pingyi_csrf=" + staff.csrf}, {"X-CSRF-Token", staff.csrf}},
        {{"Cookie", "pingyi_session=" + v.cookie("pingyi_session") + "; pingyi_csrf=" + v.cookie("pingyi_csrf")},
         {"X-CSRF-Token", v.cookie("pingyi_csrf")}}};
    // Closing the campaign ends its voting, logging out the staff session: last.
    std::stable_partition(routes.begin(), routes.end(), [](const registered_route& r) {
        return r.pattern != "/api/v1/campaigns/{cid}/close" && r.pattern != "/admin/logout";
    });

    int calls = 0;
    std::set<std::string> accepted;  // routes that answered 2xx to the bearer token
    for (const auto& cred : credentials) {
        for (const auto& r : routes) {
            if (r.name() == ballot_route) continue;
            std::vector<std::pair<std::string, std::string>> requests;  // query, body
            if (r.method == "GET") requests.emplace_back("", "");
            else if (r.name() == "POST /wechat") requests = wechat_calls();
            else
                for (const auto& body : bodies_for(r.pattern)) requests.emplace_back("", body);
            for (const auto& [query, body] : requests) {
                auto headers = cred;
                headers["Content-Type"] = r.pattern == "/wechat" ? "text/xml" : "application/json";
                auto answer = call(f.port(), r.method, target_of(r.pattern, receipt) + query, body, headers);
                ++calls;
                if (&cred == &credentials.front() && answer.starts_with("HTTP/1.1 2")) accepted.insert(r.name());
                CHECK_MESSAGE(f.ballot_state() == before, r.name() << " changed the ballots (answer "
                                                                   << answer.substr(0, answer.find('\r'))
                                                                   << ", body " << body << ")");
            }
        }
    }
    CHECK(calls >= 3 * static_cast<int>(routes.size() - 1));
    // The writers really ran (the calls were not all refused at the door).
    for (const auto* writer : {"POST /api/v1/campaigns", "PUT /api/v1/campaigns/{cid}/panel-scores",
                               "PUT /api/v1/campaigns/{cid}/peer-scores", "PUT /api/v1/campaigns/{cid}/units/{uid}/status",
                               "POST /api/v1/campaigns/{cid}/signals/{id}/review", "POST /wechat"})
        CHECK_MESSAGE(accepted.count(writer) == 1, writer);
    CHECK(f.db.integer({"HLEN", "{c:r1}:signal-reviews"}) == 1);
    CHECK(f.ballot_state() == before);
    // Reopened, the server still counts ballots as before.
    auto reopened = json::parse(http_request(f.port(), "GET", "/api/v1/campaigns/r1").body);
    reopened.erase("state");
    reopened["closes_at"] = "2099-12-27T18:00:00+08:00";
    REQUIRE(http_request(f.port(), "PUT", "/api/v1/campaigns/r1", reopened.dump(),
                         {{"Authorization", "Bearer " + admin_token}})
                .status == 200);
    voter late(f.port(), "oRoutesVoter3");
    REQUIRE(late.login("r1") == 302);
    CHECK(late.ballot("r1", R"({"units":["u01"]})").status == 201);
    CHECK(f.ballot_state() != before);
    CHECK(f.db.integer({"XLEN", "{c:r1}:log"}) == 3);
}
