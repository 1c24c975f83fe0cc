// Anomaly signals end to end: real voters logged in through the WeChat mock
// cast ballots through a trusted proxy naming their addresses; a burst from
// one /24 and an exceeded electorate show up with their evidence; staff
// review them, and "fraud" makes the unit's grade 较差 without touching a
// ballot or the tally.
#include <doctest/doctest.h>

#include <set>

#include <nlohmann/json.hpp>

#include "tests/support/campaigns.hpp"
#include "tests/support/redis_server.hpp"
#include "tests/support/server_process.hpp"
#include "tests/support/staff.hpp"
#include "tests/support/voter.hpp"
#include "tests/support/voting_server.hpp"

using namespace pingyi::test;
using nlohmann::json;

namespace {

const std::string staff_password = "signals-password-1";

struct signals_fixture : voting_server {
    sync_redis db{redis.port()};

    signals_fixture()
        : voting_server(env_map{{"PINGYI_ADMIN_PASSWORD", staff_password}, {"PINGYI_TRUSTED_PROXIES", "127.0.0.1"}}) {}

    // A voter logged in through OAuth casts a ballot from `address`, which
    // the trusted proxy (127.0.0.1) names in X-Forwarded-For.
    std::string vote_from(const std::string& openid, const std::string& cid, const std::string& body,
                          const std::string& address) {
        voter v(port(), openid);
        REQUIRE(v.login(cid) == 302);
        auto r = http_request(port(), "POST", "/api/v1/campaigns/" + cid + "/ballots", body,
                              {{"Content-Type", "application/json"},
                               {"Cookie", "pingyi_session=" + v.cookie("pingyi_session") +
                                              "; pingyi_csrf=" + v.cookie("pingyi_csrf")},
                               {"X-CSRF-Token", v.cookie("pingyi_csrf")},
                               {"X-Forwarded-For", address}});
        REQUIRE_MESSAGE(r.status == 201, r.body);
        return json::parse(r.body).at("receipt").get<std::string>();
    }

    json signals(const std::string& cid) {
        auto r = admin("GET", "/api/v1/campaigns/" + cid + "/signals");
        REQUIRE_MESSAGE(r.status == 200, r.body);
        return json::parse(r.body);
    }

    // Everything a ballot writes: the tally and the whole log.
    std::string ballot_state(const std::string& cid) {
        auto tally = db.command({"HGETALL", "{c:" + cid + "}:tally"});
        auto log = db.command({"XRANGE", "{c:" + cid + "}:log", "-", "+"});
        std::string out;
        for (std::size_t i = 0; i < tally->elements; ++i) out += std::string(tally->element[i]->str) + "|";
        out += "#";
        for (std::size_t i = 0; i < log->elements; ++i) {
            auto* entry = log->element[i];
            out += std::string(entry->element[0]->str) + ":";
            for (std::size_t k = 0; k < entry->element[1]->elements; ++k)
                out += std::string(entry->element[1]->element[k]->str) + ",";
        }
        return out;
    }
};

const json* find_signal(const json& list, const std::string& id) {
    for (const auto& s : list.at("signals"))
        if (s.at("id") == id) return &s;
    return nullptr;
}

std::string campaign_with_electorate(const std::string& id) {
    return R"({"id":")" + id + R"(","title":"异常信号测试","opens_at":"2019-12-20T09:00:00+08:00",
      "closes_at":"2099-12-27T18:00:00+08:00",
      "units":[{"id":"u01","name":"市公安局"},{"id":"u02","name":"市司法局","electorate":5},
               {"id":"u03","name":"市税务局"}]})";
}

}  // namespace

TEST_CASE("signals: a burst from one /24 and an exceeded electorate, with evidence, ordinary voters are not flagged") {
    signals_fixture f;
    REQUIRE(create_campaign(f.port(), campaign_with_electorate("s1")) == 201);
    std::vector<std::string> burst_receipts;
    for (int i = 0; i < 32; ++i)
        burst_receipts.push_back(
            f.vote_from("oBurst" + std::to_string(i), "s1", R"({"units":["u01"]})", "203.0.113." + std::to_string(10 + i)));
    for (int i = 0; i < 7; ++i)
        f.vote_from("oCitizen" + std::to_string(i), "s1", R"({"units":["u02","u03"]})",
                    std::to_string(30 + i * 11) + ".20." + std::to_string(i) + ".5");

    auto unauthenticated = http_request(f.port(), "GET", "/api/v1/campaigns/s1/signals");
    CHECK(unauthenticated.status == 401);
    CHECK(f.admin("GET", "/api/v1/campaigns/nope/signals").status == 404);

    auto got = f.signals("s1");
    CHECK(got.at("analyzed") == 39);
    CHECK(got.at("thresholds").at("network_share") == 0.4);
    std::set<std::string> ids;
    for (const auto& s : got.at("signals")) ids.insert(s.at("id").get<std::string>());
    CHECK(ids == std::set<std::string>{"network_share:u01:203.0.113.0_24", "electorate:u02:total"});

    const auto* network = find_signal(got, "network_share:u01:203.0.113.0_24");
    REQUIRE(network != nullptr);
    CHECK(network->at("kind") == "network_share");
    CHECK(network->at("unit") == "u01");
    CHECK(network->at("subject") == "203.0.113.0/24");
    CHECK(network->at("review").is_null());
    const auto& evidence = network->at("evidence");
    CHECK(evidence.at("votes") == 32);
    CHECK(evidence.at("unit_votes") == 32);
    CHECK(evidence.at("share") == 1.0);
    CHECK(evidence.at("network") == "203.0.113.0/24");
    // Samples from the network's second vote on.
    CHECK(evidence.at("samples") == json(std::vector<std::string>(burst_receipts.begin() + 1, burst_receipts.begin() + 6)));
    CHECK(evidence.at("from").get<std::string>().ends_with("+08:00"));
    CHECK(network->at("summary").get<std::string>().find("203.0.113.0/24") != std::string::npos);

    const auto* electorate = find_signal(got, "electorate:u02:total");
    REQUIRE(electorate != nullptr);
    CHECK(electorate->at("evidence").at("electorate") == 5);
    CHECK(electorate->at("evidence").at("votes") == 7);
    CHECK(electorate->at("evidence").at("samples").size() == 2);

    // Computed incrementally: one more ballot is read, nothing else changes.
    f.vote_from("oLate", "s1", R"({"units":["u03"]})", "100.64.1.1");
    auto again = f.signals("s1");
    CHECK(again.at("analyzed") == 40);
    CHECK(again.at("signals").size() == 2);
}

TEST_CASE("signals: reviews are recorded and audit-logged, fraud grades the unit 较差 and leaves the ballots alone") {
    signals_fixture f;
    REQUIRE(create_campaign(f.port(), campaign_with_electorate("s2")) == 201);
    for (int i = 0; i < 31; ++i)
        f.vote_from("oBrush" + std::to_string(i), "s2", R"({"units":["u01"]})", "198.51.100." + std::to_string(i + 1));
    for (int i = 0; i < 6; ++i)
        f.vote_from("oPeople" + std::to_string(i), "s2", R"({"units":["u02"]})", "100.70." + std::to_string(i) + ".9");
    const std::string network_id = "network_share:u01:198.51.100.0_24";
    const std::string base = "/api/v1/campaigns/s2/signals/";
    REQUIRE(find_signal(f.signals("s2"), network_id) != nullptr);
    auto before = f.ballot_state("s2");

    // Complete score sheets, so that every unit has a total and a grade.
    REQUIRE(f.admin("PUT", "/api/v1/campaigns/s2/panel-scores",
                    R"({"scores":[{"judge":"j1","unit":"u01","score":95},{"judge":"j1","unit":"u02","score":90},
                                  {"judge":"j1","unit":"u03","score":85}]})")
                .status == 200);
    REQUIRE(f.admin("PUT", "/api/v1/campaigns/s2/peer-scores",
                    R"({"scores":[{"rater":"u02","unit":"u01","score":95},{"rater":"u01","unit":"u02","score":90},
                                  {"rater":"u01","unit":"u03","score":85}]})")
                .status == 200);

    SUBCASE("refusals") {
        CHECK(http_request(f.port(), "POST", base + network_id + "/review", R"({"decision":"fine","reason":"x"})")
                  .status == 401);
        CHECK(f.admin("POST", base + network_id + "/review", R"({"decision":"fine"})").status == 400);
        CHECK(f.admin("POST", base + network_id + "/review", R"({"decision":"fine","reason":"  "})").status == 400);
        CHECK(f.admin("POST", base + network_id + "/review", R"({"decision":"maybe","reason":"x"})").status == 400);
        CHECK(f.admin("POST", base + network_id + "/review", R"({"decision":"fine","reason":"x","extra":1})").status ==
              400);
        CHECK(f.admin("POST", base + network_id + "/review", "not json").status == 400);
        auto unknown = f.admin("POST", base + "burst:u01:20191220T0900/review", R"({"decision":"fine","reason":"x"})");
        CHECK(unknown.status == 404);
        CHECK(json::parse(unknown.body).at("error").at("code") == "signal_not_found");
        // A staff session needs its CSRF token to write.
        auto session = staff_member(f.port(), "admin", staff_password).sign_in();
        auto h = session.headers(false);
        CHECK(http_request(f.port(), "POST", base + network_id + "/review", R"({"decision":"fine","reason":"x"})", h)
                  .status == 403);
        h["X-CSRF-Token"] = session.csrf;
        auto ok = http_request(f.port(), "POST", base + network_id + "/review",
                               R"({"decision":"fine","reason":"同一单位的职工在单位网络投票"})", h);
        CHECK(ok.status == 200);
        CHECK(json::parse(ok.body).at("review").at("by") == "admin");
        CHECK(f.db.integer({"HLEN", "{c:s2}:signal-reviews"}) == 1);
    }

    SUBCASE("fine, then fraud") {
        auto fine = f.admin("POST", base + "electorate:u02:total/review",
                            R"({"decision":"fine","reason":"该局实际服务对象远多于设定人数"})");
        REQUIRE_MESSAGE(fine.status == 200, fine.body);
        auto results = json::parse(f.admin("GET", "/api/v1/campaigns/s2/results").body);
        for (const auto& u : results.at("units")) CHECK(u.at("status") == "present");

        auto fraud = f.admin("POST", base + network_id + "/review",
                             R"({"decision":"fraud","reason":"同一网段在三分钟内注册并投票，经核实为刷票"})");
        REQUIRE_MESSAGE(fraud.status == 200, fraud.body);
        auto answer = json::parse(fraud.body);
        CHECK(answer.at("unit") == json{{"id", "u01"}, {"status", "fraud"}});
        CHECK(answer.at("review").at("decision") == "fraud");
        CHECK(answer.at("review").at("by") == "token");

        // Shown with the signals.
        auto got = f.signals("s2");
        const auto* network = find_signal(got, network_id);
        REQUIRE(network != nullptr);
        CHECK(network->at("review").at("decision") == "fraud");
        CHECK(network->at("review").at("reason") == "同一网段在三分钟内注册并投票，经核实为刷票");
        CHECK(find_signal(got, "electorate:u02:total")->at("review").at("decision") == "fine");

        // Stored as the data model says.
        auto stored = json::parse(f.db.string({"HGET", "{c:s2}:signal-reviews", network_id}));
        CHECK(stored.at("decision") == "fraud");
        CHECK(stored.at("by") == "token");
        CHECK(stored.at("at").is_number_integer());

        // Art. 15: the unit is graded 较差 whatever its total.
        results = json::parse(f.admin("GET", "/api/v1/campaigns/s2/results").body);
        bool seen = false;
        for (const auto& u : results.at("units")) {
            if (u.at("id") != "u01") continue;
            seen = true;
            CHECK(u.at("status") == "fraud");
            CHECK(u.at("grade") == "较差");
            CHECK(u.at("total").get<double>() > 60.0);
        }
        CHECK(seen);

        // Every decision is in the staff audit trail.
        auto trail = f.db.command({"XRANGE", "pingyi:admin-log", "-", "+"});
        int reviews = 0;
        for (std::size_t i = 0; i < trail->elements; ++i) {
            std::string fields;
            auto* entry = trail->element[i]->element[1];
            for (std::size_t k = 0; k < entry->elements; ++k) fields += std::string(entry->element[k]->str) + "\n";
            if (fields.find("signal.review") != std::string::npos) ++reviews;
        }
        CHECK(reviews == 2);
    }

    // No review touches a ballot or the tally.
    CHECK(f.ballot_state("s2") == before);
}

TEST_CASE("signals: a fraud decision on a signal spanning units names the unit") {
    signals_fixture f;
    REQUIRE(create_campaign(f.port(), campaign_with_electorate("s3")) == 201);
    // 50 voters behind one address: the default threshold of address_voters.
    for (int i = 0; i < 50; ++i)
        f.vote_from("oShared" + std::to_string(i), "s3", i % 2 ? R"({"units":["u01"]})" : R"({"units":["u03"]})",
                    "192.0.2.77");
    auto got = f.signals("s3");
    const auto* shared = find_signal(got, "address_voters:*:192.0.2.77");
    REQUIRE(shared != nullptr);
    CHECK(shared->at("evidence").at("voters") == 50);
    CHECK(shared->at("evidence").at("units") == json::parse(R"([{"id":"u01","votes":25},{"id":"u03","votes":25}])"));
    // The review route takes the id as it is: '*' and ':' need no escaping.
    const std::string target = "/api/v1/campaigns/s3/signals/address_voters:*:192.0.2.77/review";
    CHECK(f.admin("POST", target, R"({"decision":"fraud","reason":"网吧"})").status == 400);
    CHECK(f.admin("POST", target, R"({"decision":"fraud","reason":"网吧","unit":"u02"})").status == 400);
    auto ok = f.admin("POST", target, R"({"decision":"fraud","reason":"同一地址批量投票","unit":"u03"})");
    REQUIRE_MESSAGE(ok.status == 200, ok.body);
    auto status = json::parse(f.db.string({"HGET", "{c:s3}:status", "u03"}));
    CHECK(status.at("status") == "fraud");
    CHECK(f.db.integer({"HEXISTS", "{c:s3}:status", "u01"}) == 0);
}
