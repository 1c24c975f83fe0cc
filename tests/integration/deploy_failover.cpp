// The production topology on loopback: a Redis primary and two replicas,
// three sentinels, two pingyi-server instances reaching Redis through
// sentinel://, voters logged in through the real OAuth flow (WeChat mock).
// Ballots flow; the primary is SIGKILLed while they do; a replica is
// promoted; both servers accept ballots again within 30 s; and every ballot
// ever answered 201 is in the audit log afterwards.
//
// What guarantees the last point, with no WAIT in this test: the servers run
// with PINGYI_REDIS_MIN_REPLICAS=1 (the default with sentinel://), so
// durable_eval pipelines WAIT 1 after each ballot script and answers 201 only
// when a replica has confirmed the ballot's writes; Sentinel promotes the
// replica with the most replicated data (equal priority: the largest
// replication offset), so a confirmed ballot is on the new master. Redis's
// AOF/fsync settings play no part here (the primary never comes back).
//
// Why two replicas: with MIN_REPLICAS=1 a ballot needs a replica to confirm
// it, and after the failover only the second replica (now replicating from
// the promoted one) can; with a single replica pingyi answers 503 until a
// replica is back (docs/operations.zh.md, 7.2).
#include <doctest/doctest.h>

#include <atomic>
#include <chrono>
#include <memory>
#include <set>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include <nlohmann/json.hpp>

#include "tests/integration/redis_sentinel_topology.hpp"
#include "tests/support/campaigns.hpp"
#include "tests/support/server_process.hpp"
#include "tests/support/voter.hpp"
#include "tools/wechat_mock_api.hpp"

using namespace pingyi::test;
using nlohmann::json;
using namespace std::chrono_literals;

namespace {

constexpr int units = 5;  // each voter may vote for each unit once a day

std::string unit_id(int u) { return "u0" + std::to_string(u + 1); }

// A ballot for one unit: 201 with its receipt, or the status.
struct cast {
    int status = 0;
    std::string receipt;
};

cast vote_once(voter& v, const std::string& cid, int unit) {
    auto r = v.ballot(cid, "{\"units\":[\"" + unit_id(unit) + "\"]}");
    cast out{r.status, {}};
    if (r.status == 201) out.receipt = json::parse(r.body).at("receipt").get<std::string>();
    return out;
}

// The receipts in the campaign's audit log (NDJSON, one ballot a line).
std::set<std::string> logged_receipts(int port, const std::string& cid, std::size_t& lines) {
    auto r = http_request(port, "GET", "/api/v1/campaigns/" + cid + "/audit-log", {},
                          {{"Authorization", "Bearer " + admin_token}});
    REQUIRE(r.status == 200);
    std::set<std::string> out;
    std::istringstream in(r.body);
    std::string line;
    lines = 0;
    while (std::getline(in, line)) {
        if (line.empty()) continue;
        ++lines;
        out.insert(json::parse(line).at("receipt").get<std::string>());
    }
    return out;
}

}  // namespace

TEST_CASE("deploy: SIGKILL of the Redis primary under load loses no acknowledged ballot, both servers recover") {
    sentinel_topology topology(2);
    pingyi::tools::mock_api mock{pingyi::tools::mock_api_options{}};
    mock.start();
    env_map env{{"PINGYI_DEV", "0"},  // production mode: real secrets, no demo data
                {"PINGYI_REDIS_URL", topology.url()},
                {"PINGYI_REDIS_MIN_REPLICAS", "1"},
                {"PINGYI_SECRET", std::string(48, 's')},  // the same on every instance, as behind nginx
                {"PINGYI_PSEUDONYM_KEY", std::string(48, 'p')},
                {"PINGYI_ADMIN_TOKEN", admin_token},
                {"PINGYI_RATELIMIT", "off"},  // every ballot comes from 127.0.0.1
                {"PINGYI_WECHAT_APPID", "wxdev0000000000000"},
                {"PINGYI_WECHAT_SECRET", "devsecret"},
                {"PINGYI_WECHAT_API_BASE", mock.base_url()},
                {"PINGYI_WECHAT_OPEN_BASE", mock.base_url()}};
    std::vector<std::unique_ptr<server_process>> servers;
    servers.push_back(std::make_unique<server_process>(env));
    servers.push_back(std::make_unique<server_process>(env));
    const std::string cid = "failover";
    REQUIRE(create_campaign(servers[0]->port(), campaign_body(cid, units)) == 201);

    // Voters log in on either instance; their sessions are good on both.
    constexpr int load_voters = 60;
    constexpr int probe_voters = 20;
    std::vector<voter> voters;
    for (int i = 0; i < load_voters + probe_voters; ++i) {
        voters.emplace_back(servers[static_cast<std::size_t>(i % 2)]->port(), "oFailover" + std::to_string(i));
        REQUIRE(voters.back().login(cid) == 302);
    }

    // Load: every (voter, unit) once, alternating voters and so servers,
    // until told to stop; every 201 receipt is kept.
    std::atomic<bool> stop{false};
    std::atomic<int> acknowledged{0};
    std::vector<std::string> receipts;
    int refused = 0;
    std::thread load([&] {
        for (int unit = 0; unit < units && !stop; ++unit) {
            for (int i = 0; i < load_voters && !stop; ++i) {
                auto c = vote_once(voters[static_cast<std::size_t>(i)], cid, unit);
                if (c.status == 201) {
                    receipts.push_back(c.receipt);
                    ++acknowledged;
                } else {
                    ++refused;
                }
                std::this_thread::sleep_for(20ms);
            }
        }
    });
    auto wait_for = [](auto done, std::chrono::seconds limit) {
        auto deadline = std::chrono::steady_clock::now() + limit;
        while (!done() && std::chrono::steady_clock::now() < deadline) std::this_thread::sleep_for(20ms);
        return done();
    };
    REQUIRE(wait_for([&] { return acknowledged >= 40; }, 30s));

    auto killed_at = std::chrono::steady_clock::now();
    topology.primary().kill_hard();
    CHECK(topology.wait_promoted(30000) != 0);

    // Both servers accept ballots again within 30 s of the kill: probe
    // voters logged in on each, one ballot each until one is accepted.
    std::vector<std::string> probe_receipts;
    for (std::size_t k = 0; k < servers.size(); ++k) {
        bool accepted = false;
        auto in_time = [&] { return std::chrono::steady_clock::now() < killed_at + 30s; };
        for (std::size_t i = load_voters + k; !accepted && i < voters.size() && in_time(); i += servers.size()) {
            for (;;) {
                auto c = vote_once(voters[i], cid, 0);
                if (c.status == 201) {
                    accepted = true;
                    probe_receipts.push_back(c.receipt);
                }
                // 503: Redis not reachable yet, try again; anything else (a
                // replication_pending ballot counted already): next voter.
                if (c.status != 503 || !in_time()) break;
                std::this_thread::sleep_for(100ms);
            }
        }
        CHECK_MESSAGE(accepted, "server " << k << " accepted no ballot within 30 s:\n" << servers[k]->log());
    }
    // Every worker of both (each has its own Redis connection) is back.
    for (auto& server : servers)
        CHECK(wait_for([&] { return http_request(server->port(), "GET", "/readyz").status == 200; }, 30s));
    auto recovered_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - killed_at).count();
    stop = true;
    load.join();
    MESSAGE(acknowledged.load() << " ballots acknowledged under load (" << refused << " refused around the failover); both servers accepting and ready "
                                << recovered_s << " s after the kill");

    // Every acknowledged ballot, before, during and after the failover, is in the log.
    std::size_t lines = 0;
    auto logged = logged_receipts(servers[1]->port(), cid, lines);
    int missing = 0;
    for (const auto& r : receipts) missing += logged.count(r) ? 0 : 1;
    for (const auto& r : probe_receipts) missing += logged.count(r) ? 0 : 1;
    CHECK(missing == 0);
    CHECK(logged.size() == lines);
    auto tally = http_request(servers[0]->port(), "GET", "/api/v1/campaigns/" + cid + "/tally", {},
                              {{"Authorization", "Bearer " + admin_token}});
    REQUIRE(tally.status == 200);
    CHECK(json::parse(tally.body).at("ballots").get<std::size_t>() == lines);
}
