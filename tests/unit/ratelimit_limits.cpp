#include <doctest/doctest.h>

#include <string>

#include <nlohmann/json.hpp>

#include "ratelimit/limits.hpp"

using namespace pingyi::ratelimit;
using nlohmann::json;

namespace {

std::string error_of(const json& section) {
    try {
        parse_config(section);
    } catch (const config_error& e) {
        return e.what();
    }
    return "no error";
}

}  // namespace

TEST_CASE("limits: the defaults are those of CONTRACT.md") {
    const config c;
    CHECK(c.global == mode::enforce);
    auto check = [](const limit& l, std::string_view name, std::int64_t count, std::int64_t period_ms,
                    std::int64_t burst) {
        CAPTURE(name);
        CHECK(l.name == name);
        CHECK(l.count == count);
        CHECK(l.period_ms == period_ms);
        CHECK(l.burst == burst);
        CHECK_FALSE(l.shadow);
    };
    check(c.ballot_voter, "ballot_voter", 20, 60'000, 10);
    check(c.ballot_address, "ballot_address", 600, 60'000, 200);
    check(c.campaign, "campaign", 20'000, 1'000, 10'000);
    check(c.wechat_address, "wechat_address", 1'000, 1'000, 1'000);
    check(c.login_account, "login_account", 5, 60'000, 4);
    check(c.login_address, "login_address", 20, 60'000, 19);
    check(c.flood_address, "flood_address", 200, 1'000, 1'000);
    const auto all = c.all();
    CHECK(all.front() == &c.ballot_voter);
    CHECK(all.back() == &c.flood_address);
}

TEST_CASE("limits: a section given in part keeps the other defaults") {
    const config c = parse_config(json::parse(R"({
        "mode": "shadow",
        "limits": {"ballot_voter": {"count": 30, "period_s": 120, "shadow": true},
                   "login_address": {"burst": 0}}})"));
    CHECK(c.global == mode::shadow);
    CHECK(c.ballot_voter.count == 30);
    CHECK(c.ballot_voter.period_ms == 120'000);
    CHECK(c.ballot_voter.burst == 10);
    CHECK(c.ballot_voter.shadow);
    CHECK(c.login_address.count == 20);
    CHECK(c.login_address.burst == 0);
    CHECK(c.campaign.count == 20'000);
    CHECK(parse_config(json::object()).ballot_address.count == 600);
}

TEST_CASE("limits: errors name the exact place") {
    CHECK(error_of(json::array()) == "ratelimit: expected an object, got []");
    CHECK(error_of({{"modes", "off"}}) == "ratelimit: unknown field \"modes\" (known: mode, limits)");
    CHECK(error_of({{"mode", "block"}}) == "ratelimit.mode: \"block\" is not one of enforce, shadow, off");
    CHECK(error_of({{"mode", 1}}) == "ratelimit.mode: expected a string, got 1");
    CHECK(error_of({{"limits", 3}}) == "ratelimit.limits: expected an object, got 3");
    CHECK(error_of(json::parse(R"({"limits": {"ballot": {}}})")) ==
          "ratelimit.limits: unknown limit \"ballot\" (known: ballot_voter, ballot_address, campaign, "
          "wechat_address, login_account, login_address, flood_address)");
    CHECK(error_of(json::parse(R"({"limits": {"campaign": []}})")) ==
          "ratelimit.limits.campaign: expected an object, got []");
    CHECK(error_of(json::parse(R"({"limits": {"campaign": {"rate": 5}}})")) ==
          "ratelimit.limits.campaign: unknown field \"rate\" (known: count, period_s, burst, shadow)");
    CHECK(error_of(json::parse(R"({"limits": {"campaign": {"count": 0}}})")) ==
          "ratelimit.limits.campaign.count: expected an integer from 1 to 1000000000, got 0");
    CHECK(error_of(json::parse(R"({"limits": {"campaign": {"count": 2.5}}})")) ==
          "ratelimit.limits.campaign.count: expected an integer from 1 to 1000000000, got 2.5");
    CHECK(error_of(json::parse(R"({"limits": {"campaign": {"count": "5"}}})")) ==
          "ratelimit.limits.campaign.count: expected an integer from 1 to 1000000000, got \"5\"");
    CHECK(error_of(json::parse(R"({"limits": {"campaign": {"count": 18446744073709551615}}})")) ==
          "ratelimit.limits.campaign.count: expected an integer from 1 to 1000000000, got 18446744073709551615");
    CHECK(error_of(json::parse(R"({"limits": {"campaign": {"period_s": 86401}}})")) ==
          "ratelimit.limits.campaign.period_s: expected an integer from 1 to 86400, got 86401");
    CHECK(error_of(json::parse(R"({"limits": {"campaign": {"burst": -1}}})")) ==
          "ratelimit.limits.campaign.burst: expected an integer from 0 to 1000000000, got -1");
    CHECK(error_of(json::parse(R"({"limits": {"campaign": {"shadow": "yes"}}})")) ==
          "ratelimit.limits.campaign.shadow: expected true or false, got \"yes\"");
    CHECK(error_of(json::parse(R"({"limits": {"campaign": {"count": 1000001}}})")) ==
          "ratelimit.limits.campaign: count 1000001 per 1 s is more than one a microsecond");
    CHECK(error_of(json::parse(R"({"limits": {"campaign": {"period_s": 86400, "burst": 100000}}})")) ==
          "ratelimit.limits.campaign: period_s × (burst + 2) is too large (at most 2^52 microseconds)");
    CHECK(error_of(json::parse(R"({"limits": {"campaign": {"period_s": 86400, "burst": 50000}}})")) == "no error");
}

TEST_CASE("limits: the mode from PINGYI_RATELIMIT") {
    CHECK(parse_mode("enforce", "PINGYI_RATELIMIT") == mode::enforce);
    CHECK(parse_mode("shadow", "PINGYI_RATELIMIT") == mode::shadow);
    CHECK(parse_mode("off", "PINGYI_RATELIMIT") == mode::off);
    CHECK_THROWS_WITH_AS(parse_mode("Enforce", "PINGYI_RATELIMIT"),
                         "PINGYI_RATELIMIT: \"Enforce\" is not one of enforce, shadow, off", config_error);
    CHECK_THROWS_AS(parse_mode("", "PINGYI_RATELIMIT"), config_error);
    for (mode m : {mode::enforce, mode::shadow, mode::off}) CHECK(parse_mode(to_string(m), "x") == m);
}

TEST_CASE("limits: the global mode and the per-limit shadow switch") {
    const limit plain{"plain", 1, 1'000, 0};
    const limit shadowed{"shadowed", 1, 1'000, 0, true};
    CHECK(effective_mode(mode::enforce, plain) == mode::enforce);
    CHECK(effective_mode(mode::enforce, shadowed) == mode::shadow);
    CHECK(effective_mode(mode::shadow, plain) == mode::shadow);
    CHECK(effective_mode(mode::shadow, shadowed) == mode::shadow);
    CHECK(effective_mode(mode::off, plain) == mode::off);
    CHECK(effective_mode(mode::off, shadowed) == mode::off);
}

TEST_CASE("limits: decide") {
    const limit plain{"plain", 1, 1'000, 0};
    const limit shadowed{"shadowed", 1, 1'000, 0, true};
    const answer allowed{false, 3, -1, 2000};
    const answer limited{true, 0, 2500, 4000};

    auto same = [](const decision& got, bool is_limited, bool refuse, std::int64_t retry_after_s) {
        CHECK(got.limited == is_limited);
        CHECK(got.refuse == refuse);
        CHECK(got.retry_after_s == retry_after_s);
    };
    same(decide(mode::enforce, plain, allowed), false, false, 0);
    same(decide(mode::enforce, plain, limited), true, true, 3);
    same(decide(mode::enforce, shadowed, limited), true, false, 3);
    same(decide(mode::shadow, plain, limited), true, false, 3);
    same(decide(mode::shadow, plain, allowed), false, false, 0);
    same(decide(mode::off, plain, limited), false, false, 0);
    same(decide(mode::enforce, plain, answer{true, 0, -1, 0}), true, true, 1);
}

TEST_CASE("limits: Retry-After seconds round up, at least 1") {
    const std::pair<std::int64_t, std::int64_t> table[] = {
        {-1, 1}, {0, 1}, {1, 1}, {999, 1}, {1000, 1}, {1001, 2}, {2999, 3}, {3000, 3}, {3001, 4}, {60'000, 60}};
    for (auto [ms, s] : table) {
        CAPTURE(ms);
        CHECK(retry_after_seconds(ms) == s);
    }
}
