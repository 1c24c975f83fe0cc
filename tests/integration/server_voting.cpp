// Voting end to end against a real server, a real redis-server and the
// WeChat API mock: the OAuth login, ballots and every refusal, the tally,
// the log and its digest.
#include <doctest/doctest.h>

#include <csignal>
#include <future>
#include <set>
#include <sstream>

#include <sys/wait.h>

#include <nlohmann/json.hpp>

#include "http/query.hpp"
#include "tests/support/campaigns.hpp"
#include "tests/support/redis_server.hpp"
#include "tests/support/server_process.hpp"
#include "tests/support/voter.hpp"
#include "tests/support/voting_server.hpp"
#include "tools/wechat_mock_api.hpp"
#include "vote/audit_chain.hpp"

using namespace pingyi::test;
using nlohmann::json;

namespace {

// The mock's count of OAuth code exchanges.
long long exchanges(const voting_server& f) {
    auto r = http_request(f.mock.port(), "GET", "/__mock/stats");
    return json::parse(r.body).at("oauth_access_token").get<long long>();
}

long long votes_of(const json& tally, const std::string& unit) {
    for (const auto& u : tally.at("units"))
        if (u.at("id") == unit) return u.at("votes").get<long long>();
    return -1;
}

}  // namespace

TEST_CASE("OAuth login: redirect, exchange, cookies, and Back without a second exchange") {
    voting_server f;
    REQUIRE(create_campaign(f.port(), campaign_body("c1")) == 201);
    voter v(f.port(), "oAlice");
    auto first = v.get("/h5/c/c1");
    REQUIRE(first.status == 302);
    auto location = first.header("location");
    CHECK(location.find(f.mock.base_url() + "/connect/oauth2/authorize?appid=wxdev0000000000000&redirect_uri=http%3A%2F%2F127.0.0.1%3A") == 0);
    CHECK(location.find("&response_type=code&scope=snsapi_base&state=") != std::string::npos);
    CHECK(location.ends_with("#wechat_redirect"));
    CHECK(v.login("c1") == 302);
    CHECK(v.logged_in());
    CHECK(v.cookie("pingyi_csrf").size() == 32);
    CHECK(exchanges(f) == 1);
    // Back or refresh on the callback URL: same result, no second exchange.
    auto again = v.replay_callback();
    CHECK(again.status == 302);
    CHECK(again.header("location") == "/h5/c/c1");
    CHECK(again.header("set-cookie").find("pingyi_session=") != std::string::npos);
    CHECK(exchanges(f) == 1);
    // With the session the vote page is served (or says it is not built).
    auto page = v.get("/h5/c/c1");
    CHECK((page.status == 200 || page.status == 503));
    // The session cookie is HttpOnly, the CSRF cookie is readable by the page.
    auto cookies = again.header("set-cookie");
    CHECK(cookies.find("pingyi_session=") != std::string::npos);
    CHECK(cookies.find("HttpOnly") != std::string::npos);
}

TEST_CASE("OAuth refusals: foreign state, refused code, snapshot user, unreachable WeChat") {
    voting_server f;
    REQUIRE(create_campaign(f.port(), campaign_body("c2")) == 201);
    // A state this browser was not given.
    voter stranger(f.port(), "oBob");
    auto r = stranger.get("/h5/oauth/callback?code=abc&state=NotIssuedByUs123");
    CHECK(r.status == 400);
    CHECK(r.header("set-cookie").find("pingyi_session") == std::string::npos);
    // A state bound to another browser.
    voter a(f.port(), "oA");
    a.get("/h5/c/c2");
    r = stranger.get("/h5/oauth/callback?code=abc&state=" + std::string(32, 'x'));
    CHECK(r.status == 400);
    // WeChat refuses the code (40029).
    http_request(f.mock.port(), "POST", "/__mock/fail?endpoint=oauth_access_token&errcode=40029&count=1");
    voter refused(f.port(), "oCarol");
    CHECK(refused.login("c2") == 400);
    CHECK_FALSE(refused.logged_in());
    // A snapshot-page user is never a voter.
    voter snap(f.port(), "oSnap");
    CHECK(snap.login("c2", true) == 403);
    CHECK_FALSE(snap.logged_in());
    // WeChat busy (-1): 502, no session.
    http_request(f.mock.port(), "POST", "/__mock/fail?endpoint=oauth_access_token&errcode=-1&count=1");
    voter busy(f.port(), "oDan");
    CHECK(busy.login("c2") == 502);
    CHECK_FALSE(busy.logged_in());
}

TEST_CASE("WeChat unreachable: 502 page and no session") {
    voting_server f(env_map{{"PINGYI_WECHAT_API_BASE", "http://127.0.0.1:" + std::to_string(free_port())}});
    REQUIRE(create_campaign(f.port(), campaign_body("c3")) == 201);
    voter v(f.port(), "oEve");
    CHECK(v.login("c3") == 502);
    CHECK_FALSE(v.logged_in());
}

TEST_CASE("ballots: accepted, already voted, daily limit, idempotency, and every refusal") {
    voting_server f;
    REQUIRE(create_campaign(f.port(), campaign_body("b1", 8, "2019-12-20T09:00:00+08:00", "2099-12-27T18:00:00+08:00",
                                                    ",\"rules\":{\"per_day\":3,\"max_choices\":2}")) == 201);
    voter v(f.port(), "oVoter1");
    REQUIRE(v.login("b1") == 302);

    auto r = v.ballot("b1", R"({"units":["u01","u02"]})", "key-1");
    REQUIRE(r.status == 201);
    auto accepted = json::parse(r.body);
    CHECK(accepted.at("units") == json::array({"u01", "u02"}));
    CHECK(accepted.at("remaining_today") == 1);
    std::string receipt = accepted.at("receipt");

    // The same Idempotency-Key: the first answer, byte for byte, nothing new.
    auto replay = v.ballot("b1", R"({"units":["u01","u02"]})", "key-1");
    CHECK(replay.status == 201);
    CHECK(replay.body == r.body);

    r = v.ballot("b1", R"({"units":["u01"]})");
    CHECK(r.status == 409);
    CHECK(r.body.find("already_voted") != std::string::npos);
    r = v.ballot("b1", R"({"units":["u03","u04"]})");
    CHECK(r.status == 409);
    CHECK(r.body.find("daily_limit") != std::string::npos);
    r = v.ballot("b1", R"({"units":["u03"]})");
    CHECK(r.status == 201);

    // Malformed and invalid bodies.
    CHECK(v.ballot("b1", R"({"units":["nope"]})").status == 400);
    CHECK(v.ballot("b1", R"({"units":["u05","u05"]})").status == 400);
    CHECK(v.ballot("b1", R"({"units":["u05","u06","u07"]})").status == 400);
    CHECK(v.ballot("b1", "not json").status == 400);
    CHECK(v.ballot("b1", R"({"units":["u05"],"voter":"someone-else"})").status == 400);

    // Without the CSRF header: 403; without a session: 401.
    voter thief(f.port(), "oThief");
    thief.set_cookie("pingyi_csrf", "x");
    r = thief.ballot("b1", R"({"units":["u05"]})");
    CHECK(r.status == 401);
    CHECK(r.body.find("no_session") != std::string::npos);
    voter forgetful(f.port(), "oForget");
    REQUIRE(forgetful.login("b1") == 302);
    forgetful.set_cookie("pingyi_csrf", "something-else");
    r = http_request(f.port(), "POST", "/api/v1/campaigns/b1/ballots", R"({"units":["u05"]})",
                     {{"Cookie", "pingyi_session=" + forgetful.cookie("pingyi_session")}});
    CHECK(r.status == 403);
    CHECK(r.body.find("csrf") != std::string::npos);
    // A forged session cookie.
    r = http_request(f.port(), "POST", "/api/v1/campaigns/b1/ballots", R"({"units":["u05"]})",
                     {{"Cookie", "pingyi_session=v1|AAAAAAAAAAAAAAAAAAAAAA|9999999999.forged; pingyi_csrf=t"}, {"X-CSRF-Token", "t"}});
    CHECK(r.status == 401);
    // Unknown campaign.
    CHECK(v.ballot("nope", R"({"units":["u01"]})").status == 404);

    // The tally, the voter's state, the digest, the receipt, the log.
    auto tally = f.admin_json("/api/v1/campaigns/b1/tally");
    CHECK(votes_of(tally, "u01") == 1);
    CHECK(votes_of(tally, "u02") == 1);
    CHECK(votes_of(tally, "u03") == 1);
    CHECK(tally.at("ballots") == 2);
    CHECK(tally.at("voters") == 1);
    auto me = json::parse(v.get("/api/v1/campaigns/b1/me").body);
    CHECK(me.at("remaining_today") == 0);
    auto digest = json::parse(http_request(f.port(), "GET", "/api/v1/campaigns/b1/audit-log/digest").body);
    CHECK(digest.at("count") == 2);
    auto found = http_request(f.port(), "GET", "/api/v1/campaigns/b1/receipts/" + receipt);
    REQUIRE(found.status == 200);
    CHECK(json::parse(found.body).at("units") == json::array({"u01", "u02"}));
    CHECK(http_request(f.port(), "GET", "/api/v1/campaigns/b1/receipts/1-wrongnonce").status == 404);
    auto log = http_request(f.port(), "GET", "/api/v1/campaigns/b1/audit-log", {}, {{"Authorization", "Bearer " + admin_token}});
    REQUIRE(log.status == 200);
    CHECK(log.body.find("oVoter1") == std::string::npos);  // pseudonyms only
    std::istringstream in(log.body);
    auto report = pingyi::vote::verify_log(in);
    CHECK(report.ok);
    CHECK(report.count == 2);
    CHECK(report.head == digest.at("head").get<std::string>());
    CHECK(http_request(f.port(), "GET", "/api/v1/campaigns/b1/audit-log").status == 401);
    CHECK(http_request(f.port(), "GET", "/api/v1/campaigns/b1/tally").status == 401);
}

TEST_CASE("a campaign not yet open or already closed refuses ballots") {
    voting_server f;
    REQUIRE(create_campaign(f.port(), campaign_body("soon", 2, "2098-01-01T09:00:00+08:00", "2099-01-01T09:00:00+08:00")) == 201);
    REQUIRE(create_campaign(f.port(), campaign_body("past", 2, "2018-01-01T09:00:00+08:00", "2018-02-01T09:00:00+08:00")) == 201);
    voter v(f.port(), "oLate");
    REQUIRE(v.login("soon") == 302);
    auto r = v.ballot("soon", R"({"units":["u01"]})");
    CHECK(r.status == 403);
    CHECK(r.body.find("not_open") != std::string::npos);
    r = v.ballot("past", R"({"units":["u01"]})");
    CHECK(r.status == 403);
    CHECK(json::parse(http_request(f.port(), "GET", "/api/v1/campaigns/past").body).at("state") == "closed");
}

TEST_CASE("parallel identical ballots from one voter count once, many voters count exactly") {
    voting_server f;
    REQUIRE(create_campaign(f.port(), campaign_body("p1", 3)) == 201);
    voter v(f.port(), "oTwin");
    REQUIRE(v.login("p1") == 302);
    std::vector<std::future<int>> shots;
    for (int i = 0; i < 40; ++i)
        shots.push_back(std::async(std::launch::async, [&] { return v.ballot("p1", R"({"units":["u01"]})").status; }));
    int accepted = 0;
    for (auto& s : shots) accepted += s.get() == 201;
    CHECK(accepted == 1);

    std::vector<std::unique_ptr<voter>> crowd;
    for (int i = 0; i < 12; ++i) {
        crowd.push_back(std::make_unique<voter>(f.port(), "oCrowd" + std::to_string(i)));
        REQUIRE(crowd.back()->login("p1") == 302);
    }
    std::vector<std::future<int>> all;
    for (auto& c : crowd)
        for (int k = 0; k < 4; ++k)
            all.push_back(std::async(std::launch::async, [&c] { return c->ballot("p1", R"({"units":["u02","u03"]})").status; }));
    int ok = 0;
    for (auto& a : all) ok += a.get() == 201;
    CHECK(ok == 12);
    auto tally = f.admin_json("/api/v1/campaigns/p1/tally");
    CHECK(votes_of(tally, "u01") == 1);
    CHECK(votes_of(tally, "u02") == 12);
    CHECK(votes_of(tally, "u03") == 12);
    CHECK(tally.at("voters") == 13);
}

TEST_CASE("Redis down: 503 redis_unavailable fast, not ready, back when it returns") {
    voting_server f;
    REQUIRE(create_campaign(f.port(), campaign_body("r1", 2)) == 201);
    voter v(f.port(), "oPatient");
    REQUIRE(v.login("r1") == 302);
    f.redis.kill_hard();
    auto started = std::chrono::steady_clock::now();
    auto r = v.ballot("r1", R"({"units":["u01"]})");
    auto took = std::chrono::steady_clock::now() - started;
    CHECK(r.status == 503);
    CHECK(r.body.find("redis_unavailable") != std::string::npos);
    CHECK(took < std::chrono::seconds(2));
    std::this_thread::sleep_for(std::chrono::milliseconds(300));
    CHECK(http_request(f.port(), "GET", "/readyz").status == 503);
    CHECK(http_request(f.port(), "GET", "/healthz").status == 200);
    f.redis.start();
    bool back = false;
    for (int i = 0; i < 50 && !back; ++i) {
        std::this_thread::sleep_for(std::chrono::milliseconds(100));
        back = http_request(f.port(), "GET", "/readyz").status == 200;
    }
    CHECK(back);
}

TEST_CASE("JS-SDK config: signed for our pages, token and ticket fetched once and shared") {
    voting_server f;
    auto base = "http://127.0.0.1:" + std::to_string(f.port());
    auto url = pingyi::http::url_encode(base + "/h5/c/x?from=timeline#top");
    auto r = http_request(f.port(), "GET", "/api/v1/wechat/jssdk-config?url=" + url);
    REQUIRE(r.status == 200);
    auto j = json::parse(r.body);
    CHECK(j.at("appId") == "wxdev0000000000000");
    CHECK(j.at("signature").get<std::string>().size() == 40);
    CHECK_FALSE(j.at("nonceStr").get<std::string>().empty());
    CHECK(std::stoll(j.at("timestamp").get<std::string>()) > 1700000000);
    CHECK(http_request(f.port(), "GET", "/api/v1/wechat/jssdk-config?url=" + url).status == 200);
    auto stats = json::parse(http_request(f.mock.port(), "GET", "/__mock/stats").body);
    CHECK(stats.at("stable_token") == 1);
    CHECK(stats.at("getticket") == 1);
    // Another site's page gets no signature.
    CHECK(http_request(f.port(), "GET", "/api/v1/wechat/jssdk-config?url=https%3A%2F%2Fevil.example%2F").status == 400);
}

TEST_CASE("metrics count ballots by result and rate limits by name") {
    voting_server f;
    REQUIRE(create_campaign(f.port(), campaign_body("m1", 2)) == 201);
    voter v(f.port(), "oMetrics");
    REQUIRE(v.login("m1") == 302);
    CHECK(v.ballot("m1", R"({"units":["u01"]})").status == 201);
    CHECK(v.ballot("m1", R"({"units":["u01"]})").status == 409);
    auto metrics = http_request(f.port(), "GET", "/metrics").body;
    CHECK(metrics.find("pingyi_ballots_total{result=\"accepted\"} 1") != std::string::npos);
    CHECK(metrics.find("pingyi_ballots_total{result=\"already_voted\"} 1") != std::string::npos);
    CHECK(metrics.find("pingyi_ratelimit_allowed_total{limit=\"ballot_voter\"} 2") != std::string::npos);
    CHECK(metrics.find("pingyi_ratelimit_limited_total{limit=\"ballot_voter\"} 0") != std::string::npos);
    CHECK(metrics.find("pingyi_http_requests_total{route=\"/api/v1/campaigns/{cid}/ballots\",status=\"201\"} 1") !=
          std::string::npos);
}

TEST_CASE("results use the real tally: the most-voted present unit gets full public marks") {
    voting_server f;
    REQUIRE(create_campaign(f.port(), campaign_body("e1", 3)) == 201);
    // u01: 4 votes, u02: 2 votes, u03: 1 vote.
    const char* ballots[] = {R"({"units":["u01","u02"]})", R"({"units":["u01","u02"]})", R"({"units":["u01"]})",
                             R"({"units":["u01","u03"]})"};
    int i = 0;
    for (const char* b : ballots) {
        voter v(f.port(), "oResult" + std::to_string(i++));
        REQUIRE(v.login("e1") == 302);
        REQUIRE(v.ballot("e1", b).status == 201);
    }
    std::map<std::string, std::string> admin{{"Authorization", "Bearer " + admin_token}, {"Content-Type", "application/json"}};
    auto r = http_request(f.port(), "PUT", "/api/v1/campaigns/e1/panel-scores",
                          R"({"scores":[{"judge":"j1","unit":"u01","score":90},{"judge":"j1","unit":"u02","score":80},
                                        {"judge":"j1","unit":"u03","score":70}]})",
                          admin);
    REQUIRE(r.status == 200);
    r = http_request(f.port(), "PUT", "/api/v1/campaigns/e1/peer-scores",
                     R"({"scores":[{"rater":"u02","unit":"u01","score":90},{"rater":"u01","unit":"u02","score":80},
                                   {"rater":"u01","unit":"u03","score":70}]})",
                     admin);
    REQUIRE(r.status == 200);
    auto pub = f.admin_json("/api/v1/campaigns/e1/public-scores");
    std::map<std::string, double> score;
    for (const auto& u : pub.at("units")) score[u.at("id")] = u.at("score").get<double>();
    CHECK(score["u01"] == doctest::Approx(100.0));
    CHECK(score["u02"] == doctest::Approx(50.0));
    CHECK(score["u03"] == doctest::Approx(25.0));
    auto results = f.admin_json("/api/v1/campaigns/e1/results");
    for (const auto& u : results.at("units")) {
        if (u.at("id") == "u01") {
            // 90×0.4 + 100×0.4 + 90×0.2 = 94.00 → 优秀, rank 1.
            CHECK(u.at("total").get<double>() == doctest::Approx(94.0));
            CHECK(u.at("grade") == "优秀");
            CHECK(u.at("rank") == 1);
        }
    }
}

TEST_CASE("SIGTERM after real work (Redis, WeChat mock, SSE) exits 0") {
    voting_server f;
    REQUIRE(create_campaign(f.port(), campaign_body("t1", 2, "2019-12-20T09:00:00+08:00", "2099-12-27T18:00:00+08:00",
                                                    ",\"tally_visibility\":\"public\"")) == 201);
    voter v(f.port(), "oLeaving");
    REQUIRE(v.login("t1") == 302);
    CHECK(v.ballot("t1", R"({"units":["u01"]})").status == 201);
    // A live stream open at the time of shutdown must not hold it up.
    raw_connection events(f.port());
    events.send("GET /api/v1/campaigns/t1/events HTTP/1.1\r\nHost: x\r\n\r\n");
    CHECK(events.read_all(1500).find("event: tally") != std::string::npos);
    int status = f.server->process().stop(SIGTERM, 10000);
    REQUIRE(status != -1);
    CHECK(WIFEXITED(status));
    CHECK(WEXITSTATUS(status) == 0);
}
