// Proof that nothing is lost: the server or redis-server killed with
// SIGKILL in the middle of a ballot load, Redis paused. Every ballot the
// client saw acknowledged is in the log, receipt by receipt; nothing is
// counted that was not sent; retries with the same Idempotency-Key count
// each ballot exactly once.
#include <doctest/doctest.h>

#include <atomic>
#include <csignal>
#include <future>
#include <map>
#include <set>
#include <sstream>

#include <nlohmann/json.hpp>

#include "server/voter_session.hpp"
#include "tests/support/campaigns.hpp"
#include "tests/support/redis_server.hpp"
#include "tests/support/server_process.hpp"
#include "tests/support/voter.hpp"
#include "tests/support/voting_server.hpp"
#include "vote/audit_chain.hpp"
#include "vote/keys.hpp"
#include "vote/log_pseudonym.hpp"

using namespace pingyi::test;
using nlohmann::json;

namespace {

// PINGYI_DEV=1's fixed pseudonym key, so the test can name the voters the
// log should contain.
const std::string dev_pseudonym_key = "pingyi-dev-pseudonym-key-do-not-use-in-production";
const std::string appid = "wxdev0000000000000";

// Every write fsynced, so a killed Redis keeps what it acknowledged.
struct crash_fixture : voting_server {
    crash_fixture() : voting_server(env_map{{"PINGYI_RATELIMIT", "off"}}, {"--appendonly", "yes", "--appendfsync", "always"}) {}
};

struct cast {
    std::string openid;
    std::string key;
    int status = 0;
    std::string receipt;
};

// One ballot per voter, `parallel` at a time; `at_half` runs once when half
// of them have been sent.
void cast_all(std::vector<std::unique_ptr<voter>>& voters, std::vector<cast>& casts, const std::function<void()>& at_half) {
    std::atomic<std::size_t> next{0};
    std::atomic<bool> fired{false};
    auto worker = [&] {
        for (std::size_t i = next++; i < voters.size(); i = next++) {
            if (i >= voters.size() / 2 && !fired.exchange(true)) at_half();
            auto r = voters[i]->ballot("k1", R"({"units":["u01","u02"]})", casts[i].key);
            casts[i].status = r.status;
            if (r.status == 201) casts[i].receipt = json::parse(r.body).at("receipt");
        }
    };
    std::vector<std::future<void>> pool;
    for (int t = 0; t < 6; ++t) pool.push_back(std::async(std::launch::async, worker));
    for (auto& p : pool) p.get();
}

// Retries every ballot that got no answer, with its own Idempotency-Key.
void retry_unanswered(std::vector<std::unique_ptr<voter>>& voters, std::vector<cast>& casts) {
    for (std::size_t i = 0; i < voters.size(); ++i) {
        if (casts[i].status == 201) continue;
        for (int attempt = 0; attempt < 50; ++attempt) {
            auto r = voters[i]->ballot("k1", R"({"units":["u01","u02"]})", casts[i].key);
            if (r.status == 201) {
                casts[i].status = 201;
                casts[i].receipt = json::parse(r.body).at("receipt");
                break;
            }
            std::this_thread::sleep_for(std::chrono::milliseconds(100));
        }
    }
}

void check_log_matches(crash_fixture& f, const std::vector<cast>& casts, const std::set<std::string>& acknowledged_before) {
    auto log = http_request(f.server->port(), "GET", "/api/v1/campaigns/k1/audit-log", {},
                            {{"Authorization", "Bearer " + admin_token}});
    REQUIRE(log.status == 200);
    std::istringstream in(log.body);
    auto report = pingyi::vote::verify_log(in);
    REQUIRE(report.ok);
    std::set<std::string> receipts, voters_in_log;
    std::istringstream lines(log.body);
    for (std::string line; std::getline(lines, line);) {
        if (line.empty()) continue;
        auto j = json::parse(line);
        receipts.insert(j.at("receipt").get<std::string>());
        CHECK(voters_in_log.insert(j.at("voter").get<std::string>()).second);  // one ballot per voter
    }
    // The log names voters by the campaign's pseudonyms of their accounts.
    sync_redis db(f.redis.port());
    const auto log_key = db.string({"GET", pingyi::vote::keys::log_key("k1")});
    std::set<std::string> sent;
    for (const auto& c : casts)
        sent.insert(pingyi::vote::log_pseudonym(log_key, pingyi::server::voter_pseudonym(dev_pseudonym_key, appid, c.openid)));
    for (const auto& r : acknowledged_before) CHECK(receipts.count(r) == 1);
    for (const auto& c : casts) {
        CHECK(c.status == 201);
        CHECK(receipts.count(c.receipt) == 1);
    }
    for (const auto& v : voters_in_log) CHECK(sent.count(v) == 1);  // nothing counted that was not sent
    CHECK(report.count == casts.size());
    auto tally = json::parse(http_request(f.server->port(), "GET", "/api/v1/campaigns/k1/tally", {},
                                          {{"Authorization", "Bearer " + admin_token}})
                                 .body);
    CHECK(tally.at("ballots") == casts.size());
    CHECK(tally.at("voters") == casts.size());
}

std::vector<std::unique_ptr<voter>> log_in(crash_fixture& f, std::vector<cast>& casts, int n) {
    std::vector<std::unique_ptr<voter>> voters;
    for (int i = 0; i < n; ++i) {
        casts.push_back(cast{"oCrash" + std::to_string(i), "key-" + std::to_string(i), 0, {}});
        voters.push_back(std::make_unique<voter>(f.server->port(), casts.back().openid));
        REQUIRE(voters.back()->login("k1") == 302);
    }
    return voters;
}

}  // namespace

TEST_CASE("kill -9 of the server mid-load loses no acknowledged ballot") {
    crash_fixture f;
    REQUIRE(create_campaign(f.server->port(), campaign_body("k1", 3)) == 201);
    std::vector<cast> casts;
    auto voters = log_in(f, casts, 120);
    cast_all(voters, casts, [&] { f.server->process().signal(SIGKILL); });
    std::set<std::string> acknowledged;
    for (const auto& c : casts)
        if (c.status == 201) acknowledged.insert(c.receipt);
    CHECK(acknowledged.size() < casts.size());  // the kill did land mid-load
    f.server->restart();
    retry_unanswered(voters, casts);
    check_log_matches(f, casts, acknowledged);
}

TEST_CASE("kill -9 of redis-server with appendfsync always loses no acknowledged ballot") {
    crash_fixture f;
    REQUIRE(create_campaign(f.server->port(), campaign_body("k1", 3)) == 201);
    std::vector<cast> casts;
    auto voters = log_in(f, casts, 120);
    cast_all(voters, casts, [&] { f.redis.kill_hard(); });
    std::set<std::string> acknowledged;
    for (const auto& c : casts)
        if (c.status == 201) acknowledged.insert(c.receipt);
    CHECK(acknowledged.size() < casts.size());
    f.redis.start();
    retry_unanswered(voters, casts);
    check_log_matches(f, casts, acknowledged);
}

TEST_CASE("Redis paused: 503 within a second, healthy, and working again after SIGCONT") {
    crash_fixture f;
    REQUIRE(create_campaign(f.server->port(), campaign_body("k1", 3)) == 201);
    std::vector<cast> casts;
    auto voters = log_in(f, casts, 2);
    f.redis.pause();
    auto started = std::chrono::steady_clock::now();
    auto r = voters[0]->ballot("k1", R"({"units":["u01"]})", casts[0].key);
    auto took = std::chrono::steady_clock::now() - started;
    CHECK(r.status == 503);
    CHECK(took < std::chrono::milliseconds(1500));
    CHECK(http_request(f.server->port(), "GET", "/healthz").status == 200);
    f.redis.resume();
    int status = 0;
    for (int i = 0; i < 30 && status != 201; ++i) {
        std::this_thread::sleep_for(std::chrono::milliseconds(100));
        status = voters[0]->ballot("k1", R"({"units":["u01"]})", casts[0].key).status;
    }
    CHECK(status == 201);
}
