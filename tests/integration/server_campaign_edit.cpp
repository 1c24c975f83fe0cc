// Staff changing a campaign after creating it: the edit (what it may still
// change once voting began), opening and closing it now, and the refusal
// counts the dashboard shows — against a real server and redis-server.
#include <doctest/doctest.h>

#include <nlohmann/json.hpp>

#include "server/admin_log.hpp"
#include "tests/support/campaigns.hpp"
#include "tests/support/voter.hpp"
#include "tests/support/voting_server.hpp"

using namespace pingyi::test;
using nlohmann::json;

namespace {

const std::string later_opens = "2098-12-20T09:00:00+08:00";
const std::string later_closes = "2099-12-27T18:00:00+08:00";

std::string error_code_of(const http_result& r) { return json::parse(r.body).at("error").at("code"); }

// The actions in the staff audit trail, oldest first.
std::vector<std::string> admin_actions(voting_server& f) {
    sync_redis db(f.redis.port());
    std::vector<std::string> out;
    auto r = db.command({"XRANGE", std::string(pingyi::server::admin_log_key), "-", "+"});
    for (std::size_t i = 0; r && i < r->elements; ++i) {
        auto* fields = r->element[i]->element[1];
        for (std::size_t j = 0; j + 1 < fields->elements; j += 2)
            if (std::string(fields->element[j]->str) == "action") out.emplace_back(fields->element[j + 1]->str);
    }
    return out;
}

}  // namespace

TEST_CASE("campaign edit: before opening anything changes, and the change is audit-logged") {
    voting_server f;
    REQUIRE(create_campaign(f.port(), campaign_body("e1", 3, later_opens, later_closes)) == 201);
    json body = json::parse(campaign_body("e1", 4, later_opens, later_closes));
    body.erase("id");  // taken from the path
    body["title"] = "改过的标题";
    auto r = f.admin("PUT", "/api/v1/campaigns/e1", body.dump());
    REQUIRE(r.status == 200);
    CHECK(json::parse(r.body)["title"] == "改过的标题");
    auto stored = f.admin_json("/api/v1/campaigns/e1");
    CHECK(stored["title"] == "改过的标题");
    CHECK(stored["units"].size() == 4);
    CHECK(stored["state"] == "upcoming");
    CHECK(f.admin_json("/api/v1/campaigns")["campaigns"][0]["title"] == "改过的标题");
    auto actions = admin_actions(f);
    CHECK(std::count(actions.begin(), actions.end(), "campaign.update") == 1);

    body["id"] = "other";
    r = f.admin("PUT", "/api/v1/campaigns/e1", body.dump());
    CHECK(r.status == 400);
    CHECK(error_code_of(r) == "invalid_campaign");
    body["id"] = "e1";
    body["rules"] = {{"per_day", 0}};
    CHECK(f.admin("PUT", "/api/v1/campaigns/e1", body.dump()).status == 400);
    CHECK(f.admin("PUT", "/api/v1/campaigns/e1", "{not json").status == 400);
    body.erase("rules");
    body["id"] = "nosuch";
    r = f.admin("PUT", "/api/v1/campaigns/nosuch", body.dump());
    CHECK(r.status == 404);
    CHECK(error_code_of(r) == "campaign_not_found");
    CHECK(http_request(f.port(), "PUT", "/api/v1/campaigns/e1", body.dump()).status == 401);
    CHECK(http_request(f.port(), "POST", "/api/v1/campaigns/e1/open").status == 401);
}

TEST_CASE("campaign open and close: ballots follow the window, refusals are counted") {
    voting_server f;
    REQUIRE(create_campaign(f.port(), campaign_body("e2", 3, later_opens, later_closes)) == 201);
    voter alice(f.port(), "oAlice");
    REQUIRE(alice.login("e2") == 302);
    auto ballot = alice.ballot("e2", R"({"units":["u01"]})");
    CHECK(ballot.status == 403);  // upcoming

    auto r = f.admin("POST", "/api/v1/campaigns/e2/open");
    REQUIRE(r.status == 200);
    CHECK(json::parse(r.body)["state"] == "open");
    CHECK(f.admin("POST", "/api/v1/campaigns/e2/open").status == 200);  // already open: unchanged
    CHECK(alice.ballot("e2", R"({"units":["u01"]})").status == 201);
    CHECK(alice.ballot("e2", R"({"units":["u01"]})").status == 409);  // already voted

    // Voting began: units and rules are locked, texts are not.
    json body = f.admin_json("/api/v1/campaigns/e2");
    body.erase("state");
    json more_units = body;
    more_units["units"].push_back({{"id", "u09"}, {"name", "新增单位"}});
    r = f.admin("PUT", "/api/v1/campaigns/e2", more_units.dump());
    CHECK(r.status == 409);
    CHECK(error_code_of(r) == "campaign_locked");
    body["title"] = "标题更正";
    CHECK(f.admin("PUT", "/api/v1/campaigns/e2", body.dump()).status == 200);

    r = f.admin("POST", "/api/v1/campaigns/e2/close");
    REQUIRE(r.status == 200);
    CHECK(json::parse(r.body)["state"] == "closed");
    CHECK(alice.ballot("e2", R"({"units":["u02"]})").status == 403);
    r = f.admin("POST", "/api/v1/campaigns/e2/open");
    CHECK(r.status == 409);
    CHECK(error_code_of(r) == "campaign_closed");
    CHECK(f.admin("POST", "/api/v1/campaigns/e2/close").status == 200);  // already closed: unchanged

    // Extending the closing time by an edit reopens it.
    body = f.admin_json("/api/v1/campaigns/e2");
    body.erase("state");
    body["closes_at"] = later_closes;
    r = f.admin("PUT", "/api/v1/campaigns/e2", body.dump());
    REQUIRE(r.status == 200);
    CHECK(json::parse(r.body)["state"] == "open");
    CHECK(alice.ballot("e2", R"({"units":["u02"]})").status == 201);

    auto tally = f.admin_json("/api/v1/campaigns/e2/tally");
    CHECK(tally["ballots"] == 2);
    auto refused = f.admin_json("/api/v1/campaigns/e2/refusals");
    CHECK(refused["not_open"] == 2);
    CHECK(refused["already_voted"] == 1);
    CHECK(refused["rate_limited"]["ballot_voter"] == 0);
    CHECK(http_request(f.port(), "GET", "/api/v1/campaigns/e2/refusals").status == 401);

    auto actions = admin_actions(f);
    CHECK(std::count(actions.begin(), actions.end(), "campaign.open") == 1);
    CHECK(std::count(actions.begin(), actions.end(), "campaign.close") == 1);
    CHECK(std::count(actions.begin(), actions.end(), "campaign.update") == 2);
}

TEST_CASE("dashboard events: staff get the refusal counts live, the public never") {
    voting_server f;
    REQUIRE(create_campaign(f.port(), campaign_body("e3", 3, "2019-12-20T09:00:00+08:00", later_closes,
                                                    ",\"tally_visibility\":\"public\"")) == 201);
    raw_connection staff(f.port());
    REQUIRE(staff.send("GET /api/v1/campaigns/e3/events HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " + admin_token +
                       "\r\n\r\n"));
    std::string seen;
    staff.read_until("event: refusals\ndata: ", seen);
    REQUIRE(seen.find("event: refusals\ndata: ") != std::string::npos);
    CHECK(seen.find("\"already_voted\":0") != std::string::npos);

    voter bob(f.port(), "oBob");
    REQUIRE(bob.login("e3") == 302);
    CHECK(bob.ballot("e3", R"({"units":["u01"]})").status == 201);
    CHECK(bob.ballot("e3", R"({"units":["u01"]})").status == 409);
    std::string more;
    staff.read_until("\"already_voted\":1", more);
    CHECK(more.find("event: refusals\ndata: ") != std::string::npos);
    CHECK(more.find("\"already_voted\":1") != std::string::npos);

    raw_connection anon(f.port());
    REQUIRE(anon.send("GET /api/v1/campaigns/e3/events HTTP/1.1\r\nHost: x\r\n\r\n"));
    std::string public_seen;
    anon.read_until("event: tally\ndata: ", public_seen);
    CHECK(public_seen.find("event: tally\ndata: ") != std::string::npos);
    public_seen += anon.read_all(1500);
    CHECK(public_seen.find("event: refusals") == std::string::npos);
}
