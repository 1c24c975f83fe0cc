// Secrets: a config file that others may read stops the server outside
// development mode; and a server run through a voter's login and ballot and
// a staff login writes none of the secrets, tokens, passwords, openids or
// pseudonyms to its log, and the voter's address only in access lines.
#include <doctest/doctest.h>

#include <fstream>
#include <sstream>

#include <sys/stat.h>

#include <nlohmann/json.hpp>

#include "server/voter_session.hpp"
#include "tests/support/campaigns.hpp"
#include "tests/support/staff.hpp"
#include "tests/support/voter.hpp"
#include "tests/support/voting_server.hpp"

using namespace pingyi::test;
using nlohmann::json;

namespace {

const std::string secret = "S3cret-cookie-key-that-must-not-leak-0002";
const std::string pseudonym_key = "Pseudonym-key-that-must-not-leak-00000002";

}  // namespace

TEST_CASE("config file: secrets others may read stop the server, unless PINGYI_DEV=1") {
    temp_dir dir;
    const std::string path = dir.path() + "/pingyi.json";
    std::ofstream(path) << json{{"secret", secret}, {"pseudonym_key", pseudonym_key}}.dump();
    chmod(path.c_str(), 0644);
    std::string out;
    CHECK(run_server_expecting_exit({{"PINGYI_DEV", "0"}}, {"--config", path}, out) == 2);
    CHECK(out.find("配置错误，无法启动") != std::string::npos);
    CHECK(out.find("chmod 600 " + path) != std::string::npos);
    CHECK(out.find("readable or writable by group or others") != std::string::npos);
    CHECK(out.find(secret) == std::string::npos);

    chmod(path.c_str(), 0600);
    server_process owner_only(env_map{{"PINGYI_DEV", "0"}}, {"--config", path});
    CHECK(http_request(owner_only.port(), "GET", "/healthz").status == 200);

    chmod(path.c_str(), 0644);
    server_process development(env_map{{"PINGYI_DEV", "1"}}, {"--config", path});
    CHECK(http_request(development.port(), "GET", "/healthz").status == 200);
}

TEST_CASE("logs: a login, a ballot and a staff login leave no secret, token, password, openid or pseudonym") {
    const std::string staff_password = "Staff-password-not-in-logs-1";
    const std::string address = "198.51.100.23";
    const std::string openid = "oPrivateOpenid77";
    voting_server f(env_map{{"PINGYI_DEV", "0"},
                            {"PINGYI_SECRET", secret},
                            {"PINGYI_PSEUDONYM_KEY", pseudonym_key},
                            {"PINGYI_ADMIN_PASSWORD", staff_password},
                            {"PINGYI_TRUSTED_PROXIES", "127.0.0.1"},
                            {"PINGYI_LOG_LEVEL", "debug"}});
    REQUIRE(create_campaign(f.port(), campaign_body("l1")) == 201);
    voter v(f.port(), openid);
    REQUIRE(v.login("l1") == 302);
    auto ballot = http_request(f.port(), "POST", "/api/v1/campaigns/l1/ballots", R"({"units":["u01"]})",
                               {{"Content-Type", "application/json"},
                                {"Cookie", "pingyi_session=" + v.cookie("pingyi_session") +
                                               "; pingyi_csrf=" + v.cookie("pingyi_csrf")},
                                {"X-CSRF-Token", v.cookie("pingyi_csrf")},
                                {"Idempotency-Key", "private-idempotency-key-1"},
                                {"X-Forwarded-For", address}});
    REQUIRE(ballot.status == 201);
    const auto receipt = json::parse(ballot.body).at("receipt").get<std::string>();
    staff_member admin(f.port(), "admin", staff_password);
    auto staff = admin.sign_in();
    REQUIRE(http_request(f.port(), "GET", "/api/v1/campaigns/l1/tally", {}, staff.headers(false)).status == 200);

    const auto log = f.server->log();
    REQUIRE(log.find("\"msg\":\"request\"") != std::string::npos);
    const std::string account = pingyi::server::voter_pseudonym(pseudonym_key, "wxdev0000000000000", openid);
    const std::map<std::string, std::string> never{
        {"PINGYI_SECRET", secret},
        {"PINGYI_PSEUDONYM_KEY", pseudonym_key},
        {"PINGYI_ADMIN_TOKEN", admin_token},
        {"PINGYI_WECHAT_SECRET", "devsecret"},
        {"the staff password", staff_password},
        {"the openid", openid},
        {"the account pseudonym", account},
        {"the voter session", v.cookie("pingyi_session")},
        {"the voter's CSRF token", v.cookie("pingyi_csrf")},
        {"the Idempotency-Key", "private-idempotency-key-1"},
        {"the receipt", receipt},
        {"the staff session", staff.token},
        {"the staff CSRF token", staff.csrf},
        {"the TOTP secret", admin.totp_secret()},
    };
    for (const auto& [what, value] : never) {
        REQUIRE_FALSE(value.empty());
        CHECK_MESSAGE(log.find(value) == std::string::npos, what << " is in the log");
    }
    // The address only where the access log needs it (network logs, 网络安全法 art. 21).
    std::istringstream lines(log);
    int access_lines = 0;
    for (std::string line; std::getline(lines, line);) {
        if (line.find(address) == std::string::npos) continue;
        auto j = json::parse(line, nullptr, false);
        CHECK_MESSAGE((j.is_object() && j.value("msg", "") == "request"), line);
        ++access_lines;
    }
    CHECK(access_lines >= 1);
}
