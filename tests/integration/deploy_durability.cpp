// PINGYI_REDIS_MIN_REPLICAS without enough replicas: the ballot script runs
// and counts the ballot, but WAIT finds no replica, so the voter is not told
// 201 (durable_eval, docs/operations.zh.md 4.1).
#include <doctest/doctest.h>

#include <nlohmann/json.hpp>

#include "tests/support/campaigns.hpp"
#include "tests/support/voter.hpp"
#include "tests/support/voting_server.hpp"

using namespace pingyi::test;
using nlohmann::json;

TEST_CASE("deploy: with MIN_REPLICAS=1 and no replica a ballot is counted but answered 503, never 201") {
    voting_server f(env_map{{"PINGYI_REDIS_MIN_REPLICAS", "1"}});
    REQUIRE(create_campaign(f.port(), campaign_body("dur")) == 201);
    voter v(f.port(), "oDurable");
    REQUIRE(v.login("dur") == 302);

    auto first = v.ballot("dur", R"({"units":["u01"]})");
    CHECK(first.status == 503);
    auto ballots = [&] { return f.admin_json("/api/v1/campaigns/dur/tally").at("ballots").get<int>(); };
    CHECK(ballots() == 1);
    // The voter tries again: still no 201, and the ballot counts once.
    CHECK(v.ballot("dur", R"({"units":["u01"]})").status != 201);
    CHECK(ballots() == 1);
}
