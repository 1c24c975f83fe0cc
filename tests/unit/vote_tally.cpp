#include <doctest/doctest.h>

#include <nlohmann/json.hpp>

#include "vote/audit_log.hpp"
#include "vote/tally.hpp"

using namespace pingyi::vote;
using nlohmann::json;

namespace {

campaign make_campaign(bool satisfaction) {
    json body = json::parse(R"({"id": "c", "title": "t",
        "opens_at": "2019-12-20T09:00:00+08:00", "closes_at": "2019-12-27T18:00:00+08:00",
        "units": [{"id": "u2", "name": "二"}, {"id": "u1", "name": "一"}]})");
    if (satisfaction) body["scoring"] = {{"public_method", "satisfaction"}};
    return std::get<campaign>(campaign_from_json(body));
}

}  // namespace

TEST_CASE("vote: the tally hash becomes the contract's JSON, every unit listed") {
    const tally_counts t = parse_tally({"u1", "4", "#ballots", "3", "#voters", "2"});
    CHECK(t.ballots == 3);
    CHECK(t.voters == 2);
    CHECK(tally_json(t, make_campaign(false)) ==
          json::parse(R"({"units": [{"id": "u2", "votes": 0}, {"id": "u1", "votes": 4}], "ballots": 3, "voters": 2})"));
    CHECK(tally_from_json(tally_json(t, make_campaign(false))) == t);
}

TEST_CASE("vote: a satisfaction tally counts per band") {
    const tally_counts t = parse_tally({"u1:满意", "2", "u1:不满意", "1", "#ballots", "3", "#voters", "3"});
    const json j = tally_json(t, make_campaign(true));
    CHECK(j["units"][1] == json::parse(R"({"id": "u1", "votes": 3, "ratings": {"满意": 2, "基本满意": 0, "不满意": 1}})"));
    CHECK(j["units"][0]["votes"] == 0);
    CHECK(tally_from_json(j) == t);
    CHECK_FALSE(tally_from_json(json::parse(R"({"units": [{"id": 3}], "ballots": 1, "voters": 1})")));
}

TEST_CASE("vote: receipts and log entries") {
    auto r = parse_receipt("12-abc_DEF");
    REQUIRE(r);
    CHECK(r->seq == 12);
    CHECK(r->nonce == "abc_DEF");
    CHECK_FALSE(parse_receipt("12"));
    CHECK_FALSE(parse_receipt("12-"));
    CHECK_FALSE(parse_receipt("0-x"));
    CHECK_FALSE(parse_receipt("x-y"));
    CHECK(receipt_lookup_command("c", *r) == std::vector<std::string>{"XRANGE", "{c:c}:log", "12-0", "12-0"});

    auto e = parse_log_entry("12-0", {"time", "1576803600000", "nonce", "abc_DEF", "voter", "v", "units", "u1,u2",
                                      "ip", "10.0.0.1", "ua", "ffff"});
    REQUIRE(e);
    CHECK(e->receipt() == "12-abc_DEF");
    CHECK(e->items() == std::vector<std::string>{"u1", "u2"});
    CHECK(receipt_matches(*r, *e));
    CHECK_FALSE(receipt_matches(*parse_receipt("12-abc_DEG"), *e));
    CHECK_FALSE(receipt_matches(*parse_receipt("12-abc"), *e));
    CHECK_FALSE(receipt_matches(*parse_receipt("13-abc_DEF"), *e));
    CHECK_FALSE(parse_log_entry("12-1", {"time", "1", "nonce", "n", "units", "u1"}));
    CHECK_FALSE(parse_log_entry("12-0", {"time", "x", "nonce", "n", "units", "u1"}));
}
