// PINGYI_REDIS_MIN_REPLICAS without enough replicas: the ballot script runs
// and counts the ballot, but WAIT finds no replica, so the voter is not told
// 201 (durable_eval, docs/operations.zh.md 4.1).
#include <doctest/doctest.h>

#include <nlohmann/json.hpp>

#include "tests/support/campaigns.hpp"
#include "tests/support/redis_server.hpp"
#include "tests/support/server_process.hpp"
#include "tests/support/voter.hpp"
#include "tools/wechat_mock_api.hpp"

using namespace pingyi::test;
using nlohmann::json;

TEST_CASE("deploy: with MIN_REPLICAS=1 and no replica a ballot is counted but answered 503, never 201") {
    redis_server redis;
    pingyi::tools::mock_api mock{pingyi::tools::mock_api_options{}};
    mock.start();
    server_process server({{"PINGYI_REDIS_URL", redis.url()},
                           {"PINGYI_REDIS_MIN_REPLICAS", "1"},
                           {"PINGYI_ADMIN_TOKEN", admin_token},
                           {"PINGYI_WECHAT_APPID", "wxdev0000000000000"},
                           {"PINGYI_WECHAT_SECRET", "devsecret"},
                           {"PINGYI_WECHAT_API_BASE", mock.base_url()},
                           {"PINGYI_WECHAT_OPEN_BASE", mock.base_url()}});
    REQUIRE(create_campaign(server.port(), campaign_body("dur")) == 201);
    voter v(server.port(), "oDurable");
    REQUIRE(v.login("dur") == 302);

    auto first = v.ballot("dur", R"({"units":["u01"]})");
    CHECK(first.status == 503);
    auto ballots = [&] {
        auto tally = http_request(server.port(), "GET", "/api/v1/campaigns/dur/tally", {},
                                  {{"Authorization", "Bearer " + admin_token}});
        REQUIRE(tally.status == 200);
        return json::parse(tally.body).at("ballots").get<int>();
    };
    CHECK(ballots() == 1);
    // The voter tries again: still no 201, and the ballot counts once.
    CHECK(v.ballot("dur", R"({"units":["u01"]})").status != 201);
    CHECK(ballots() == 1);
}
