// Hostile clients and what must never leak: slow connections, security
// headers, CORS, and secrets or openids in the logs.
#include <doctest/doctest.h>

#include <future>

#include "tests/support/campaigns.hpp"
#include "tests/support/http_client.hpp"
#include "tests/support/redis_server.hpp"
#include "tests/support/server_process.hpp"
#include "tests/support/voter.hpp"
#include "tests/support/voting_server.hpp"

using namespace pingyi::test;

TEST_CASE("hundreds of slow connections do not starve normal clients") {
    server_process server(env_map{{"PINGYI_READ_TIMEOUT_MS", "2000"}});
    std::vector<std::unique_ptr<raw_connection>> slow;
    for (int i = 0; i < 300; ++i) {
        slow.push_back(std::make_unique<raw_connection>(server.port()));
        slow.back()->send("GET /healthz HTTP/1.1\r\nHost: x\r\nX-Slow: ");
    }
    for (int i = 0; i < 20; ++i) CHECK(http_request(server.port(), "GET", "/healthz", {}, {}, 1000).status == 200);
    // The slow ones are dropped once their head is overdue.
    int closed = 0;
    for (auto& c : slow) closed += c->closed_within(4000);
    CHECK(closed == 300);
}

TEST_CASE("security headers on pages and APIs, CORS closed") {
    server_process server;
    auto page = http_request(server.port(), "GET", "/");
    CHECK(page.header("content-security-policy").find("frame-ancestors 'none'") != std::string::npos);
    CHECK(page.header("content-security-policy").find("default-src 'self'") != std::string::npos);
    CHECK(page.header("x-frame-options") == "DENY");
    CHECK(page.header("x-content-type-options") == "nosniff");
    auto api = http_request(server.port(), "GET", "/healthz", {}, {{"Origin", "https://evil.example"}});
    CHECK(api.header("x-content-type-options") == "nosniff");
    CHECK(api.header("access-control-allow-origin").empty());
    auto preflight = http_request(server.port(), "OPTIONS", "/api/v1/campaigns", {},
                                  {{"Origin", "https://evil.example"}, {"Access-Control-Request-Method", "POST"}});
    CHECK(preflight.status >= 400);
    CHECK(preflight.header("access-control-allow-origin").empty());
}

TEST_CASE("path traversal and invalid UTF-8 are refused cleanly") {
    redis_server redis;
    server_process server(env_map{{"PINGYI_REDIS_URL", redis.url()}, {"PINGYI_ADMIN_TOKEN", admin_token}});
    for (std::string target : {"/static/../server.log", "/static/%2e%2e/%2e%2e/etc/passwd", "/static/..%2fetc%2fpasswd",
                               "/static/a%00b", "/static//etc/passwd"}) {
        auto r = http_request(server.port(), "GET", target);
        CHECK(r.status == 404);
        CHECK(r.body.find("root:") == std::string::npos);
    }
    auto r = http_request(server.port(), "POST", "/api/v1/campaigns", "{\"id\":\"\xff\xfe\"}",
                          {{"Authorization", "Bearer " + admin_token}});
    CHECK(r.status == 400);
    CHECK(r.body.find("\"code\"") != std::string::npos);
    r = http_request(server.port(), "POST", "/api/v1/campaigns", campaign_body("u8", 2, "2019-12-20T09:00:00+08:00",
                     "2099-12-27T18:00:00+08:00", ",\"organizer\":\"\xc3\x28\""),
                     {{"Authorization", "Bearer " + admin_token}});
    CHECK(r.status == 400);
}

TEST_CASE("secrets, codes and openids never reach the logs") {
    const std::string secret = "S3cret-cookie-key-that-must-not-leak-0001";
    const std::string pseudonym_key = "Pseudonym-key-that-must-not-leak-00000001";
    voting_server f(env_map{{"PINGYI_DEV", "0"},
                     {"PINGYI_SECRET", secret},
                     {"PINGYI_PSEUDONYM_KEY", pseudonym_key},
                     {"PINGYI_LOG_LEVEL", "debug"}});
    auto& server = *f.server;
    REQUIRE(create_campaign(server.port(), campaign_body("s1")) == 201);
    voter v(server.port(), "oSecretOpenid42");
    REQUIRE(v.login("s1") == 302);
    CHECK(v.ballot("s1", R"({"units":["u01"]})").status == 201);
    auto code_pos = v.callback_target().find("code=");
    REQUIRE(code_pos != std::string::npos);
    auto code = v.callback_target().substr(code_pos + 5, v.callback_target().find('&', code_pos) - code_pos - 5);
    auto log = server.log();
    CHECK(log.find("\"msg\":\"request\"") != std::string::npos);
    CHECK(log.find(secret) == std::string::npos);
    CHECK(log.find(pseudonym_key) == std::string::npos);
    CHECK(log.find(admin_token) == std::string::npos);
    CHECK(log.find("devsecret") == std::string::npos);
    CHECK(log.find("oSecretOpenid42") == std::string::npos);
    CHECK(log.find(code) == std::string::npos);
    CHECK(log.find(v.cookie("pingyi_session")) == std::string::npos);
}
