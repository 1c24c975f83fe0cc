// Every route the server registers, enumerated from the same code that
// builds the workers' routers: each one that is not on the short public
// list below refuses a caller without credentials.
#include <doctest/doctest.h>

#include <set>

#include "server/config.hpp"
#include "tests/support/campaigns.hpp"
#include "tests/support/http_client.hpp"
#include "tests/support/redis_server.hpp"
#include "tests/support/server_process.hpp"
#include "tests/support/server_routes.hpp"

using namespace pingyi::test;

namespace {

// Routes anyone may call. Adding a route here is a decision: say why.
const std::set<std::string> public_routes = {
    "GET /",                                         // home page
    "GET /healthz", "GET /readyz", "GET /metrics",   // operations (nginx keeps /metrics internal)
    "GET /h5/", "GET /h5/c/{cid}", "GET /h5/oauth/callback",  // the voter's login flow
    "GET /h5/receipt/{receipt}", "GET /h5/score/{cid}", "GET /h5/results/{cid}",  // pages; their data is guarded
    "GET /static/{*path}",
    "GET /wechat", "POST /wechat",                   // signed by WeChat, checked inside
    "GET /wechat/{account}", "POST /wechat/{account}",  // the same, for an organizer's own account
    "GET /api/v1/campaigns", "GET /api/v1/campaigns/{cid}",  // what the public sees of campaigns
    "GET /api/v1/campaigns/{cid}/audit-log/digest",  // published so anyone can check the log
    "GET /api/v1/campaigns/{cid}/receipts/{receipt}",  // a voter checks their ballot
    "GET /api/v1/wechat/jssdk-config",
    "GET /h5/privacy", "GET /api/v1/privacy",        // the privacy notice, owed to everyone before they sign in
    "GET /admin/login", "POST /admin/login",         // the way in
    "GET /screen/{cid}",                             // a page; its data is guarded
    "GET /unit/{cid}/rectification",                 // a page; its data needs the unit's link
    "GET /unit/{cid}",                               // the unit's portal page; its data needs the unit's link
    "GET /unit/filings/{year}",                      // the unit's filings page; its data needs the unit's link
    "GET /api/v1/campaigns/{cid}/suggestions",       // approved suggestions are public (staff: ?status=)
    "GET /api/v1/campaigns/{cid}/previous-rectifications",  // last year's reports, shown on the vote page
    "GET /__dev/slow",                               // development mode only (shutdown tests)
};

std::vector<registered_route> all_routes() {
    std::map<std::string, std::string> env{{"PINGYI_DEV", "1"}, {"PINGYI_THREADS", "1"}};
    std::vector<std::string> warnings;
    return server_routes(pingyi::server::load_config(std::nullopt, env, warnings));
}

std::string fill(std::string pattern) {
    for (auto [from, to] : std::vector<std::pair<std::string, std::string>>{
             {"{cid}", "guarded"}, {"{uid}", "u01"}, {"{judge}", "j1"}, {"{rater}", "u02"},
             {"{receipt}", "1-x"}, {"{id}", "burst:u01:x"}, {"{sid}", "1"}, {"{*path}", "x.js"},
             {"{year}", "2026"}, {"{kind}", "plan"}, {"{aid}", "x"}}) {
        for (auto pos = pattern.find(from); pos != std::string::npos; pos = pattern.find(from))
            pattern.replace(pos, from.size(), to);
    }
    // Link-holder routes name who is asking; without the token they must refuse.
    if (pattern.ends_with("/scoring-form") || pattern.ends_with("/comments")) pattern += "?as=judge:j1";
    return pattern;
}

}  // namespace

TEST_CASE("every route that is not public refuses a caller without credentials") {
    auto routes = all_routes();
    REQUIRE(routes.size() > 20);
    redis_server redis;
    server_process server(env_map{{"PINGYI_REDIS_URL", redis.url()}, {"PINGYI_ADMIN_TOKEN", admin_token}});
    REQUIRE(create_campaign(server.port(), campaign_body("guarded")) == 201);
    int checked = 0;
    for (const auto& [method, pattern] : routes) {
        if (public_routes.count(method + " " + pattern)) continue;
        auto r = http_request(server.port(), method, fill(pattern), "{}", {{"Content-Type", "application/json"}});
        INFO(method << " " << pattern << " -> " << r.status << " " << r.body.substr(0, 200));
        bool refused = r.status == 401 || r.status == 403 ||
                       (r.status == 302 && r.header("location").starts_with("/admin/login"));
        CHECK(refused);
        ++checked;
    }
    CHECK(checked > 10);
}
