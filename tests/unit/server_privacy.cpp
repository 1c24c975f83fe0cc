// The server side of the voters' personal data: the settings, the privacy
// notice's data, the user-agent hash, and config files that give secrets
// away by their mode.
#include <doctest/doctest.h>

#include <fstream>

#include <sys/stat.h>

#include "http/cookies.hpp"
#include "server/config.hpp"
#include "server/privacy_notice.hpp"
#include "server/voter_session.hpp"
#include "tests/support/process.hpp"
#include "vote/time.hpp"

using namespace pingyi::server;

namespace {

const std::string key32 = "0123456789abcdef0123456789abcdef";

std::string error_of(const std::map<std::string, std::string>& env, const std::string& file) {
    std::vector<std::string> warnings;
    try {
        load_config(file, env, warnings);
    } catch (const config_error& e) {
        return e.what();
    }
    return {};
}

}  // namespace

TEST_CASE("privacy settings: the anomaly window and the contact") {
    std::vector<std::string> warnings;
    auto c = load_config(std::nullopt, {{"PINGYI_DEV", "1"}}, warnings);
    CHECK(c.anomaly_window_s == 7 * 86400);
    CHECK(c.privacy_contact.empty());
    c = load_config(std::nullopt,
                    {{"PINGYI_DEV", "1"}, {"PINGYI_ANOMALY_WINDOW_S", "3600"}, {"PINGYI_PRIVACY_CONTACT", "普法办 0751-1234567"}},
                    warnings);
    CHECK(c.anomaly_window_s == 3600);
    CHECK(c.privacy_contact == "普法办 0751-1234567");
    CHECK(warnings.empty());
    CHECK_THROWS_AS(load_config(std::nullopt, {{"PINGYI_DEV", "1"}, {"PINGYI_ANOMALY_WINDOW_S", "0"}}, warnings),
                    config_error);
    CHECK_THROWS_AS(load_config(std::nullopt, {{"PINGYI_DEV", "1"}, {"PINGYI_ANOMALY_WINDOW_S", "2592001"}}, warnings),
                    config_error);
}

TEST_CASE("config files: secrets readable or writable by others are refused, outside development mode") {
    pingyi::test::temp_dir dir;
    const std::string path = dir.path() + "/pingyi.json";
    std::ofstream(path) << R"({"secret": ")" << key32 << R"(", "pseudonym_key": ")" << key32 << R"("})";
    const std::map<std::string, std::string> production;
    for (mode_t mode : {0640, 0604, 0620, 0660}) {
        chmod(path.c_str(), mode);
        auto err = error_of(production, path);
        CHECK_MESSAGE(err.find("chmod 600 " + path) != std::string::npos, "mode " << std::oct << mode << ": " << err);
        CHECK(err.find("readable or writable by group or others") != std::string::npos);
        CHECK(error_of({{"PINGYI_DEV", "1"}}, path).empty());
    }
    chmod(path.c_str(), 0600);
    CHECK(error_of(production, path).empty());
    chmod(path.c_str(), 0400);
    CHECK(error_of(production, path).empty());

    // No secrets: readable is fine, writable by others is not.
    std::ofstream(path) << R"({"threads": 2})";
    chmod(path.c_str(), 0644);
    CHECK(error_of({{"PINGYI_SECRET", key32}, {"PINGYI_PSEUDONYM_KEY", key32}}, path).empty());
    chmod(path.c_str(), 0664);
    CHECK(error_of({{"PINGYI_SECRET", key32}, {"PINGYI_PSEUDONYM_KEY", key32}}, path).find("writable by group or others") !=
          std::string::npos);

    // Development mode named in such a file does not forgive it: only the environment does.
    std::ofstream(path) << R"({"dev": true})";
    chmod(path.c_str(), 0666);
    CHECK(error_of(production, path).find("writable by group or others") != std::string::npos);
    CHECK(error_of({{"PINGYI_DEV", "1"}}, path).empty());
}

TEST_CASE("user-agent hashes are keyed, short and without spaces") {
    const std::string ua = "Mozilla/5.0 (Linux; Android 13) MicroMessenger/8.0.48";
    const pingyi::http::hmac_key key(key32);
    auto h = user_agent_hash(key, ua);
    CHECK(h.size() == 12);
    CHECK(h.find(' ') == std::string::npos);
    CHECK(h == user_agent_hash(key, ua));
    // HMAC-SHA256(key, "user-agent" NUL ua), its first 9 bytes in base64url:
    // the key set up once gives the bytes the one-shot HMAC gave before.
    CHECK(h == pingyi::http::base64url(
                   pingyi::http::hmac_sha256(key32, std::string("user-agent\0", 11) + ua).substr(0, 9)));
    CHECK(h != user_agent_hash(pingyi::http::hmac_key("another-key-another-key-another-key"), ua));
    CHECK(h != user_agent_hash(key, ua + " "));
    CHECK(user_agent_hash(key, "").size() == 12);
}

TEST_CASE("privacy notice: the contact, the window, and a campaign's deletion date") {
    config cfg;
    cfg.privacy_contact = "韶关市普法办公室 0751-1234567";
    cfg.anomaly_window_s = 86400;
    auto general = privacy_notice(cfg, nullptr, std::nullopt);
    CHECK(general["contact"] == "韶关市普法办公室 0751-1234567");
    CHECK(general["anomaly_window_s"] == 86400);
    CHECK(general["retention_days"] == 180);
    CHECK(general["campaign"].is_null());

    auto parsed = pingyi::vote::parse_campaign(R"({"id": "sg2019", "title": "2019年评议", "organizer": "普法办",
        "opens_at": "2019-12-20T09:00:00+08:00", "closes_at": "2019-12-27T18:00:00+08:00",
        "units": [{"id": "u01", "name": "市公安局"}], "privacy": {"retention_days": 30}})");
    REQUIRE(std::holds_alternative<pingyi::vote::campaign>(parsed));
    const auto& c = std::get<pingyi::vote::campaign>(parsed);
    auto one = privacy_notice(cfg, &c, std::nullopt);
    CHECK(one["campaign"]["id"] == "sg2019");
    CHECK(one["campaign"]["organizer"] == "普法办");
    CHECK(one["campaign"]["retention_days"] == 30);
    CHECK(one["campaign"]["closes_at"] == "2019-12-27T18:00:00+08:00");
    CHECK(one["campaign"]["delete_after"] == "2020-01-26T18:00:00+08:00");
    CHECK(one["campaign"]["purged_at"].is_null());
    auto purged = privacy_notice(cfg, &c, *pingyi::vote::parse_rfc3339("2020-01-26T19:00:00+08:00"));
    CHECK(purged["campaign"]["purged_at"] == "2020-01-26T19:00:00+08:00");
}
