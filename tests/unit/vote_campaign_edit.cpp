#include <doctest/doctest.h>

#include <nlohmann/json.hpp>

#include "tests/unit/vote_support.hpp"
#include "vote/campaign_edit.hpp"
#include "vote/refusals.hpp"
#include "vote/time.hpp"

using namespace pingyi::vote;
using nlohmann::json;

namespace {

json body() { return test::minimal_campaign_body(); }
campaign make(const json& j) { return test::valid_campaign(j); }

const std::int64_t before_opening = *parse_rfc3339("2019-12-20T08:00:00+08:00");
const std::int64_t during = *parse_rfc3339("2019-12-22T12:00:00+08:00");
const std::int64_t after_closing = *parse_rfc3339("2019-12-28T09:00:00+08:00");

}  // namespace

TEST_CASE("campaign edit: anything goes before the campaign opens") {
    const campaign before = make(body());
    json j = body();
    j["opens_at"] = "2019-12-21T09:00:00+08:00";
    j["units"].push_back({{"id", "u03"}, {"name", "市税务局"}});
    j["rules"] = {{"per_day", 1}};
    j["scoring"] = {{"public_method", "satisfaction"}};
    CHECK_FALSE(locked_change(before, make(j), before_opening));
}

TEST_CASE("campaign edit: once open, texts and the closing time may change") {
    const campaign before = make(body());
    json j = body();
    j["title"] = "2019年度评议（更正）";
    j["organizer"] = "市普法办";
    j["units"][0]["name"] = "市公安局（更名）";
    j["units"][1]["disclosure"] = {{"duties", "职责"}};
    j["closes_at"] = "2019-12-30T18:00:00+08:00";
    j["tally_visibility"] = "public";
    j["scoring"] = {{"public_method", "rank"}};
    CHECK_FALSE(locked_change(before, make(j), during));
    CHECK_FALSE(locked_change(before, make(j), after_closing));
}

TEST_CASE("campaign edit: once open, the units, rules, opening and ballot form are locked") {
    const campaign before = make(body());
    auto refusal = [&](const json& j) {
        auto e = locked_change(before, make(j), during);
        REQUIRE(e);
        CHECK(e->code == "campaign_locked");
        CHECK(e->message.find("投票已经开始") == 0);
        return e->path;
    };
    json j = body();
    j["opens_at"] = "2019-12-19T09:00:00+08:00";
    CHECK(refusal(j) == "opens_at");
    j = body();
    j["units"].push_back({{"id", "u03"}, {"name", "市税务局"}});
    CHECK(refusal(j) == "units");
    j = body();
    std::swap(j["units"][0], j["units"][1]);
    CHECK(refusal(j) == "units[0].id");
    j = body();
    j["rules"] = {{"per_day", 6}};
    CHECK(refusal(j) == "rules");
    j = body();
    j["scoring"] = {{"public_method", "satisfaction"}};
    CHECK(refusal(j) == "scoring");
}

TEST_CASE("campaign open now: upcoming opens, open stays, closed cannot") {
    const campaign c = make(body());
    auto opened = opened_now(c, before_opening);
    REQUIRE(opened);
    CHECK(opened->opens_ms == before_opening);
    CHECK(opened->closes_ms == c.closes_ms);
    CHECK(opened->state(before_opening) == campaign_state::open);
    auto same = opened_now(c, during);
    REQUIRE(same);
    CHECK(same->opens_ms == c.opens_ms);
    CHECK_FALSE(opened_now(c, after_closing));
}

TEST_CASE("campaign close now: open closes, upcoming ends before it began, closed stays") {
    const campaign c = make(body());
    auto closed = closed_now(c, during);
    CHECK(closed.closes_ms == during);
    CHECK(closed.opens_ms == c.opens_ms);
    CHECK(closed.state(during) == campaign_state::closed);
    auto never = closed_now(c, before_opening);
    CHECK(never.state(before_opening) == campaign_state::closed);
    CHECK(never.opens_ms < never.closes_ms);
    CHECK(never.closes_ms == before_opening);
    // Stored and read back, the window is still valid.
    CHECK(std::holds_alternative<campaign>(campaign_from_json(never.to_json())));
    auto unchanged = closed_now(c, after_closing);
    CHECK(unchanged.closes_ms == c.closes_ms);
    // Opened and closed within one millisecond: the window keeps a length.
    auto instant = closed_now(*opened_now(c, before_opening), before_opening);
    CHECK(instant.closes_ms > instant.opens_ms);
}

TEST_CASE("refusal counts: every reason and limit, zeros included, junk ignored") {
    const json r = refusals_json({"already_voted", "3", "rate_limited:ballot_voter", "2", "shadow_limited:campaign",
                                  "5", "not_open", "x", "daily_limit", "1", "other", "9"});
    CHECK(r["already_voted"] == 3);
    CHECK(r["daily_limit"] == 1);
    CHECK(r["not_open"] == 0);
    CHECK(r["rate_limited"] == json{{"ballot_voter", 2}, {"ballot_address", 0}, {"campaign", 0}});
    CHECK(r["shadow_limited"] == json{{"ballot_voter", 0}, {"ballot_address", 0}, {"campaign", 5}});
    CHECK_FALSE(r.contains("other"));
    CHECK(refusals_command("c1") == std::vector<std::string>{"HGETALL", "{c:c1}:refused"});
}

TEST_CASE("refusal counts: one field per outcome and shadow limits, added up with the old fields") {
    const json r = refusals_json({"already_voted|ballot_voter,campaign", "4", "already_voted", "1", "|ballot_address",
                                  "6", "rate_limited:campaign|ballot_voter", "2", "shadow_limited:campaign", "10",
                                  "daily_limit|nonsense,", "3"});
    CHECK(r["already_voted"] == 5);
    CHECK(r["daily_limit"] == 3);
    CHECK(r["rate_limited"] == json{{"ballot_voter", 0}, {"ballot_address", 0}, {"campaign", 2}});
    CHECK(r["shadow_limited"] ==
          json{{"ballot_voter", 6}, {"ballot_address", 6}, {"campaign", 14}, {"nonsense", 3}});
}
