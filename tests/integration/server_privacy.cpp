// Minimisation of voters' personal data against a real server: the ballot
// log holds no address and no user agent; a ballot's origin is kept beside
// it only for the anomaly window (here two seconds), and the signals that
// named its address go with it. The privacy notice's data.
#include <doctest/doctest.h>

#include <sstream>
#include <thread>

#include <nlohmann/json.hpp>

#include "tests/support/campaigns.hpp"
#include "tests/support/voter.hpp"
#include "tests/support/voting_server.hpp"
#include "vote/keys.hpp"

using namespace pingyi::test;
namespace keys = pingyi::vote::keys;
using nlohmann::json;

namespace {

const std::string crowded = "198.51.100.77";

// A voter logged in through OAuth casts a ballot from `address`, which the
// trusted proxy (127.0.0.1) names in X-Forwarded-For.
void vote_from(voting_server& f, const std::string& openid, const std::string& body, const std::string& address) {
    voter v(f.port(), openid);
    REQUIRE(v.login("w1") == 302);
    auto r = http_request(f.port(), "POST", "/api/v1/campaigns/w1/ballots", body,
                          {{"Content-Type", "application/json"},
                           {"Cookie", "pingyi_session=" + v.cookie("pingyi_session") +
                                          "; pingyi_csrf=" + v.cookie("pingyi_csrf")},
                           {"X-CSRF-Token", v.cookie("pingyi_csrf")},
                           {"X-Forwarded-For", address},
                           {"User-Agent", "Mozilla/5.0 MicroMessenger/8.0.48"}});
    REQUIRE_MESSAGE(r.status == 201, r.body);
}

std::vector<std::string> origin_keys(sync_redis& db) {
    std::vector<std::string> out;
    auto r = db.command({"KEYS", keys::origin_prefix("w1") + "*"});
    for (std::size_t i = 0; i < r->elements; ++i) out.emplace_back(r->element[i]->str);
    return out;
}

// Every field and value of the ballot log, as one text.
std::string log_text(sync_redis& db) {
    std::string out;
    auto r = db.command({"XRANGE", keys::log("w1"), "-", "+"});
    for (std::size_t i = 0; i < r->elements; ++i) {
        auto* fields = r->element[i]->element[1];
        for (std::size_t j = 0; j < fields->elements; ++j) out += "\n" + std::string(fields->element[j]->str) + "\n";
    }
    return out;
}

bool names(const json& signals, const std::string& address) { return signals.dump().find(address) != std::string::npos; }

}  // namespace

TEST_CASE("privacy: addresses are kept for the anomaly window only, never in the log, and signals forget them") {
    voting_server f(env_map{{"PINGYI_TRUSTED_PROXIES", "127.0.0.1"}, {"PINGYI_ANOMALY_WINDOW_S", "6"}});
    sync_redis db(f.redis.port());
    REQUIRE(create_campaign(f.port(), campaign_body("w1", 3)) == 201);
    // 20 of 25 votes for u01 from one address: an address_share signal.
    const auto started = std::chrono::steady_clock::now();
    for (int i = 0; i < 20; ++i) vote_from(f, "oCrowd" + std::to_string(i), R"({"units":["u01"]})", crowded);
    for (int i = 0; i < 5; ++i)
        vote_from(f, "oOther" + std::to_string(i), R"({"units":["u01"]})", "192.0.2." + std::to_string(10 + i));

    auto log = log_text(db);
    CHECK(log.find("198.51.100") == std::string::npos);
    CHECK(log.find("192.0.2.") == std::string::npos);
    // No field named ip or ua (each name or value stands on its own line).
    CHECK(log.find("\nip\n") == std::string::npos);
    CHECK(log.find("\nua\n") == std::string::npos);

    // Within the window the origins hold the address and a keyed hash of
    // the user agent, and the signal names the address.
    auto signals = f.admin_json("/api/v1/campaigns/w1/signals");
    const bool in_window = std::chrono::steady_clock::now() - started < std::chrono::seconds(6);
    std::string origins;
    for (const auto& key : origin_keys(db)) {
        auto fields = db.command({"HGETALL", key});
        for (std::size_t i = 0; i < fields->elements; ++i) origins += std::string(fields->element[i]->str) + "\n";
    }
    CHECK(origins.find("Mozilla") == std::string::npos);
    if (in_window) {
        CHECK(origins.find(crowded) != std::string::npos);
        CHECK_MESSAGE(names(signals, crowded), signals.dump());
        // Reviewed: the audit trail keeps the signal's id, the server's log does not.
        auto review = f.admin("POST", "/api/v1/campaigns/w1/signals/address_share:u01:" + crowded + "/review",
                              R"({"decision":"fine","reason":"单位食堂的公用网络"})");
        CHECK_MESSAGE(review.status == 200, review.body);
    }
    std::istringstream lines(f.server->log());
    for (std::string line; std::getline(lines, line);)
        if (line.find(crowded) != std::string::npos)
            CHECK_MESSAGE(json::parse(line).value("msg", "") == "request", line);

    // Six seconds of window plus a six-second bucket at most; then the
    // analysis, built again, has no address left to name.
    for (int i = 0; i < 150 && !origin_keys(db).empty(); ++i) std::this_thread::sleep_for(std::chrono::milliseconds(100));
    CHECK(origin_keys(db).empty());
    json later;
    for (int i = 0; i < 100; ++i) {
        later = f.admin_json("/api/v1/campaigns/w1/signals");
        if (!names(later, crowded)) break;
        std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    CHECK_FALSE(names(later, crowded));
    CHECK(later["analyzed"] == 25);
}

TEST_CASE("privacy notice: the contact, the window and a campaign's retention") {
    voting_server f(env_map{{"PINGYI_PRIVACY_CONTACT", "韶关市普法办公室 0751-8888888"}, {"PINGYI_ANOMALY_WINDOW_S", "86400"}});
    REQUIRE(create_campaign(f.port(), campaign_body("n1", 2, "2019-12-20T09:00:00+08:00", "2099-12-27T18:00:00+08:00",
                                                    R"(,"privacy":{"retention_days":90})")) == 201);
    auto general = http_request(f.port(), "GET", "/api/v1/privacy");
    REQUIRE(general.status == 200);
    auto g = json::parse(general.body);
    CHECK(g["contact"] == "韶关市普法办公室 0751-8888888");
    CHECK(g["anomaly_window_s"] == 86400);
    CHECK(g["retention_days"] == 180);
    CHECK(g["campaign"].is_null());
    auto one = json::parse(http_request(f.port(), "GET", "/api/v1/privacy?campaign=n1").body);
    CHECK(one["campaign"]["retention_days"] == 90);
    CHECK(one["campaign"]["delete_after"] == "2100-03-27T18:00:00+08:00");
    CHECK(one["campaign"]["purged_at"].is_null());
    CHECK(f.admin_json("/api/v1/campaigns/n1")["privacy"] == json{{"retention_days", 90}});
    auto unknown = http_request(f.port(), "GET", "/api/v1/privacy?campaign=nope");
    CHECK(unknown.status == 404);
    CHECK(json::parse(unknown.body)["error"]["code"] == "campaign_not_found");
}
