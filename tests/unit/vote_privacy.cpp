// The vote side of the voters' personal data: a campaign's retention, which
// keys the purge deletes, and the ballot origins' buckets.
#include <doctest/doctest.h>

#include <nlohmann/json.hpp>

#include "tests/unit/vote_support.hpp"
#include "vote/audit_log.hpp"
#include "vote/campaign.hpp"
#include "vote/campaign_edit.hpp"
#include "vote/keys.hpp"
#include "vote/time.hpp"

using namespace pingyi::vote;
using nlohmann::json;

namespace {

json body() { return test::minimal_campaign_body(); }

std::variant<campaign, error> with_privacy(const json& privacy) {
    json j = body();
    j["privacy"] = privacy;
    return campaign_from_json(j);
}

std::string refused_path(const json& privacy) {
    auto r = with_privacy(privacy);
    REQUIRE(std::holds_alternative<error>(r));
    return std::get<error>(r).path;
}

}  // namespace

TEST_CASE("campaign privacy: 180 days after closing unless the body says otherwise") {
    auto plain = campaign_from_json(body());
    REQUIRE(std::holds_alternative<campaign>(plain));
    const auto& c = std::get<campaign>(plain);
    CHECK(c.privacy.retention_days == 180);
    CHECK(c.personal_data_until_ms() == *parse_rfc3339("2020-06-24T18:00:00+08:00"));
    CHECK(c.to_json()["privacy"] == json{{"retention_days", 180}});

    auto set = with_privacy({{"retention_days", 30}});
    REQUIRE(std::holds_alternative<campaign>(set));
    CHECK(std::get<campaign>(set).personal_data_until_ms() == *parse_rfc3339("2020-01-26T18:00:00+08:00"));
    // What is stored reads back the same.
    auto back = campaign_from_json(std::get<campaign>(set).to_json());
    REQUIRE(std::holds_alternative<campaign>(back));
    CHECK(std::get<campaign>(back).privacy.retention_days == 30);
    CHECK(std::holds_alternative<campaign>(with_privacy(json::object())));

    CHECK(refused_path({{"retention_days", 0}}) == "privacy.retention_days");
    CHECK(refused_path({{"retention_days", 3651}}) == "privacy.retention_days");
    CHECK(refused_path({{"retention_days", "180"}}) == "privacy.retention_days");
    CHECK(refused_path({{"keep", 1}}) == "privacy.keep");
    CHECK(refused_path("180") == "privacy");
}

TEST_CASE("campaign privacy: the retention may still change once voting began") {
    auto before = campaign_from_json(body());
    auto after = with_privacy({{"retention_days", 365}});
    REQUIRE(std::holds_alternative<campaign>(before));
    REQUIRE(std::holds_alternative<campaign>(after));
    CHECK_FALSE(locked_change(std::get<campaign>(before), std::get<campaign>(after),
                              *parse_rfc3339("2019-12-22T12:00:00+08:00")));
}

TEST_CASE("purge: the keys naming or holding a voter or an address, nothing else") {
    for (const auto& key : {keys::voter("c1", "AAAA"), keys::idempotency("c1", "AAAA", "k1"),
                            keys::limit_voter("c1", "AAAA"), keys::limit_address("c1", "203.0.113.7"),
                            keys::origin("c1", 1576803600000), keys::log_key("c1")})
        CHECK_MESSAGE(keys::holds_personal_data("c1", key), key);
    for (const auto& key : {keys::campaign("c1"), keys::rules("c1"), keys::tally("c1"), keys::log("c1"),
                            keys::refusals("c1"), keys::limit_campaign("c1"), keys::voter("c2", "AAAA"),
                            keys::log_key("c10")})
        CHECK_FALSE_MESSAGE(keys::holds_personal_data("c1", key), key);
    CHECK(keys::pattern("c1") == "{c:c1}:*");
}

TEST_CASE("ballot origins: buckets as wide as the window, at most an hour") {
    constexpr std::int64_t hour = 3'600'000;
    CHECK(origin_bucket_width(7 * 24 * hour) == hour);
    CHECK(origin_bucket_width(2000) == 2000);
    CHECK(origin_bucket_width(0) == 1);
    const std::int64_t t = *parse_rfc3339("2019-12-22T12:34:56+08:00");
    CHECK(origin_bucket(t, 7 * 24 * hour) == *parse_rfc3339("2019-12-22T12:00:00+08:00"));
    CHECK(origin_bucket(t, 2000) == t - t % 2000);
    CHECK(keys::origin("c1", 1576803600000) == "{c:c1}:origin:1576803600000");
    CHECK(keys::origin("c1", 5).starts_with(keys::origin_prefix("c1")));

    auto o = parse_origin("2001:db8::7 k3Jd9sQ0aZ1x AAAAAAAAAAAAAAAAAAAAAA");
    REQUIRE(o);
    CHECK(o->address == "2001:db8::7");
    CHECK(o->user_agent_hash == "k3Jd9sQ0aZ1x");
    CHECK(o->account == "AAAAAAAAAAAAAAAAAAAAAA");
    CHECK_FALSE(parse_origin("203.0.113.7"));
    CHECK_FALSE(parse_origin(" ua account"));
    CHECK(origin_lookup_command("c1", 0, {3, 4}) == std::vector<std::string>{"HMGET", "{c:c1}:origin:0", "3", "4"});
}
