// Staff sign-in security (等保 2.0 level 3) against a running pingyi-server
// and a real redis-server: an admin without TOTP may only enrol; TOTP
// enrolment and login with the code, once; the lock-out after five failures;
// recovery codes, each once; the password policy and the last-five rule; the
// weak bootstrap password that must be changed; viewers turning TOTP on and
// off; the CLI's role, passwd and totp-reset; and every event on the admin
// log without a secret in it.
#include <doctest/doctest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>

#include <sys/wait.h>

#include <nlohmann/json.hpp>

#include "tests/support/campaigns.hpp"
#include "tests/support/http_client.hpp"
#include "tests/support/redis_server.hpp"
#include "tests/support/server_process.hpp"
#include "tests/support/staff.hpp"

using namespace pingyi::test;
using nlohmann::json;

namespace {

const std::string admin_password = "Bootstrap-secret-1";
const std::string viewer_password = "Viewer-secret-2024";
const std::map<std::string, std::string> json_type{{"Content-Type", "application/json"}};
const std::map<std::string, std::string> token_auth{{"Authorization", "Bearer " + admin_token},
                                                    {"Content-Type", "application/json"}};

struct fixture {
    redis_server redis;
    temp_dir web;
    server_process server;
    sync_redis db{redis.port()};

    explicit fixture(env_map extra = {}) : server(settings(redis, web, std::move(extra))) {}

    // Every login here comes from 127.0.0.1 and many fail on purpose: the
    // login rate limits (tested in server_admin.cpp) are off, the lock-out is not.
    static env_map settings(const redis_server& redis, const temp_dir& web, env_map extra) {
        std::filesystem::create_directories(web.path() + "/admin");
        for (const auto* page : {"admin/index.html", "admin/security.html"})
            std::ofstream(web.path() + "/" + page) << "<!doctype html><title>" << page << "</title>\n";
        extra.emplace("PINGYI_REDIS_URL", redis.url());
        extra.emplace("PINGYI_ADMIN_TOKEN", admin_token);
        extra.emplace("PINGYI_ADMIN_PASSWORD", admin_password);
        extra.emplace("PINGYI_RATELIMIT", "off");
        extra.emplace("PINGYI_WEB_ROOT", web.path());
        return extra;
    }

    int port() const { return server.port(); }

    http_result call(const std::string& method, const std::string& target, const std::string& body = {},
                     const std::map<std::string, std::string>& headers = json_type) {
        return http_request(port(), method, target, body, headers);
    }

    // `pingyi user ...` with `input` on stdin; the exit status.
    int cli(const std::string& words, const std::string& input = {}) {
        std::string script = "printf '%s\\n' \"$INPUT\" | \"$PINGYI\" user " + words + " --redis-url " + redis.url();
        child_process p({"/bin/sh", "-c", script}, {"INPUT=" + input, "PINGYI=" + bin_dir() + "/pingyi", "USER=tester"});
        int status = p.wait_exit(60000);
        REQUIRE(status != -1);
        return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    }

    // The admin log, one JSON object per entry.
    std::vector<json> admin_log() { return admin_log_entries(db); }

    std::vector<json> entries(const std::string& action) {
        std::vector<json> out;
        for (auto& e : admin_log())
            if (e["action"] == action) out.push_back(json{{"who", e["who"]}, {"detail", json::parse(e["detail"].get<std::string>())}});
        return out;
    }

    // Nothing secret in the admin log or the server's log.
    void check_no_secret(const std::vector<std::string>& secrets) {
        std::string all;
        for (const auto& e : admin_log()) all += e.dump();
        auto log = server.log();
        for (const auto& s : secrets) {
            CAPTURE(s);
            CHECK(all.find(s) == std::string::npos);
            CHECK(log.find(s) == std::string::npos);
        }
    }
};

std::string code_of(const http_result& r) {
    auto j = json::parse(r.body, nullptr, false);
    return j.is_object() && j.contains("error") ? j["error"].value("code", "") : "";
}

staff_session session_of(const http_result& r) {
    REQUIRE_MESSAGE(r.status == 200, r.body);
    return {set_cookie_value(r, "pingyi_staff"), json::parse(r.body).at("csrf")};
}

bool has_reason(const std::vector<json>& failures, const std::string& reason) {
    return std::any_of(failures.begin(), failures.end(), [&](const json& e) { return e["detail"]["reason"] == reason; });
}

}  // namespace

TEST_CASE("an admin without TOTP may only enrol, then acts, and the bearer token is not held up") {
    fixture f;
    staff_member admin(f.port(), "admin", admin_password);
    auto first = admin.login();
    REQUIRE(first.status == 200);
    CHECK(json::parse(first.body)["restricted"] == "totp_enrolment_required");
    auto s = session_of(first);

    CHECK(f.call("GET", "/api/v1/admin/me", "", s.headers(false)).status == 200);
    REQUIRE(create_campaign(f.port(), campaign_body("c0")) == 201);
    auto write = f.call("POST", "/api/v1/campaigns", campaign_body("c1"), s.headers());
    CHECK(write.status == 403);
    CHECK(code_of(write) == "totp_enrolment_required");
    CHECK(f.call("GET", "/api/v1/campaigns/c0/tally", "", s.headers(false)).status == 403);
    auto home = f.call("GET", "/admin", "", s.headers(false));
    CHECK(home.status == 302);
    CHECK(home.header("location") == "/admin/security");
    CHECK(f.call("GET", "/admin/security", "", s.headers(false)).status == 200);
    CHECK(f.call("POST", "/api/v1/campaigns", campaign_body("by-token"), token_auth).status == 201);

    auto state = json::parse(f.call("GET", "/api/v1/admin/security", "", s.headers(false)).body);
    CHECK(state["totp"] == json{{"active", false}, {"required", true}, {"recovery_codes_left", 0}});
    CHECK(state["restricted"] == "totp_enrolment_required");

    CHECK(f.call("POST", "/api/v1/admin/totp/setup", "{}", s.headers(false)).status == 403);  // CSRF
    auto setup = f.call("POST", "/api/v1/admin/totp/setup", "{}", s.headers());
    REQUIRE_MESSAGE(setup.status == 200, setup.body);
    CHECK(setup.header("cache-control") == "no-store");
    std::string secret = json::parse(setup.body)["secret"];
    std::string uri = json::parse(setup.body)["otpauth_uri"];
    CHECK(secret.size() == 32);
    CHECK(uri.starts_with("otpauth://totp/%E9%9F%B6%E5%8F%B8%E5%9C%A8%E7%BA%BF%E8%AF%84%E8%AE%AE:admin?secret=" +
                          secret + "&"));
    // Pending, not active: login still needs no code, writes are still refused.
    CHECK(f.db.string({"HGET", "pingyi:staff:user:admin", "totp_pending"}) == secret);
    CHECK(f.db.string({"HGET", "pingyi:staff:user:admin", "totp"}).empty());

    auto wrong = f.call("POST", "/api/v1/admin/totp/confirm", json{{"code", "000000"}}.dump(), s.headers());
    CHECK(wrong.status == 400);
    CHECK(code_of(wrong) == "totp_invalid");
    CHECK(f.call("POST", "/api/v1/admin/totp/confirm", "{}", s.headers()).status == 400);

    // The helper confirms with the secret the server gave (as an app would).
    admin = staff_member(f.port(), "admin", admin_password);
    auto codes = admin.enrol_totp(s);
    CHECK(codes.size() == 10);
    CHECK(f.db.string({"HGET", "pingyi:staff:user:admin", "totp"}) == admin.totp_secret());
    CHECK(f.db.string({"HGET", "pingyi:staff:user:admin", "totp_pending"}).empty());
    CHECK(f.db.integer({"SCARD", "pingyi:staff:recovery:admin"}) == 10);
    CHECK(f.db.integer({"SISMEMBER", "pingyi:staff:recovery:admin", codes[0]}) == 0);  // digests only
    // The same session may act now.
    auto created = f.call("POST", "/api/v1/campaigns", campaign_body("c1"), s.headers());
    CHECK_MESSAGE(created.status == 201, created.body);
    CHECK(json::parse(f.call("GET", "/api/v1/admin/security", "", s.headers(false)).body)["restricted"].is_null());

    auto keep = f.call("DELETE", "/api/v1/admin/totp", json{{"password", admin_password}}.dump(), s.headers());
    CHECK(keep.status == 403);
    CHECK(code_of(keep) == "totp_required_for_admins");
    CHECK(f.db.string({"HGET", "pingyi:staff:user:admin", "totp"}) == admin.totp_secret());

    CHECK(f.entries("totp.enable").size() == 1);
    CHECK(f.entries("login").front()["detail"]["restricted"] == "totp_enrolment_required");
    auto secrets = codes;
    secrets.push_back(admin.totp_secret());
    secrets.push_back(admin_password);
    f.check_no_secret(secrets);
}

TEST_CASE("login with TOTP: the code is asked for, checked, and good once") {
    fixture f;
    staff_member admin(f.port(), "admin", admin_password);
    auto s = admin.sign_in();
    REQUIRE(f.call("POST", "/admin/logout", "", s.headers()).status == 200);

    auto asked = admin.login();
    CHECK(asked.status == 401);
    CHECK(code_of(asked) == "totp_required");
    CHECK(asked.header("set-cookie").empty());
    auto stale = admin.login({{"totp", admin.stale_code()}});
    CHECK(stale.status == 401);
    CHECK(code_of(stale) == "totp_invalid");
    CHECK(stale.header("set-cookie").empty());
    CHECK(f.db.string({"GET", "pingyi:staff:failures:admin"}) == "1");  // a wrong code counts

    // As the app shows it, with a space.
    auto code = admin.next_code();
    auto ok = admin.login({{"totp", code.substr(0, 3) + " " + code.substr(3)}});
    REQUIRE_MESSAGE(ok.status == 200, ok.body);
    CHECK_FALSE(json::parse(ok.body).contains("restricted"));
    CHECK(f.db.integer({"EXISTS", "pingyi:staff:failures:admin"}) == 0);  // a success clears the count
    auto replayed = admin.login({{"totp", code}});
    CHECK(replayed.status == 401);
    CHECK(code_of(replayed) == "totp_invalid");
    CHECK(f.call("GET", "/api/v1/admin/me", "", session_of(ok).headers(false)).status == 200);
    CHECK(f.call("POST", "/admin/login", R"({"username":"admin","password":"x","totp":123456})").status == 400);

    auto failures = f.entries("login.failed");
    CHECK(failures.size() == 2);
    CHECK(has_reason(failures, "totp_invalid"));
    for (const auto& e : failures) CHECK(e["detail"]["second_factor"] == "totp");
    f.check_no_secret({code, admin.totp_secret(), admin_password});
}

TEST_CASE("five failures in a row lock the account for 15 minutes, wrong codes included") {
    fixture f;
    staff_member admin(f.port(), "admin", admin_password);
    admin.sign_in();
    staff_member wrong(f.port(), "admin", "Not-the-password-1");
    for (int i = 0; i < 4; ++i) CHECK(wrong.login().status == 401);
    CHECK(admin.login({{"totp", admin.stale_code()}}).status == 401);  // the fifth: still its own answer

    auto locked = admin.login();  // the right password: refused before it is even checked
    CHECK(locked.status == 423);
    CHECK(code_of(locked) == "account_locked");
    CHECK(json::parse(locked.body)["error"]["message"].get<std::string>().find("15 分钟") != std::string::npos);
    auto retry = std::stoi(locked.header("retry-after"));
    CHECK(retry > 800);
    CHECK(retry <= 900);
    CHECK(locked.header("set-cookie").empty());
    auto ttl = f.db.integer({"PTTL", "pingyi:staff:locked:admin"});
    CHECK(ttl > 800'000);
    CHECK(ttl <= 900'000);
    // Another account is not held up by this one's lock.
    REQUIRE(f.cli("add li.wei --role viewer", viewer_password) == 0);
    CHECK(staff_member(f.port(), "li.wei", viewer_password).login().status == 200);

    auto failures = f.entries("login.failed");
    CHECK(has_reason(failures, "invalid_password"));
    CHECK(has_reason(failures, "totp_invalid"));
    CHECK(has_reason(failures, "account_locked"));
    REQUIRE(f.entries("account.locked").size() == 1);
    CHECK(f.entries("account.locked").front()["who"] == "admin");

    // When the lock is over (its key expires), the right login works again.
    f.db.command({"DEL", "pingyi:staff:locked:admin"});
    CHECK(admin.login({{"totp", admin.next_code()}}).status == 200);

    // A success in between starts the count again: 4 + 4 failures lock nothing.
    staff_member viewer(f.port(), "li.wei", viewer_password);
    staff_member guess(f.port(), "li.wei", "Wrong-guess-2024");
    for (int i = 0; i < 4; ++i) CHECK(guess.login().status == 401);
    CHECK(viewer.login().status == 200);
    for (int i = 0; i < 4; ++i) CHECK(guess.login().status == 401);
    CHECK(viewer.login().status == 200);
    // Unknown names are counted and locked alike: a lock says nothing about who exists.
    staff_member nobody(f.port(), "nobody", viewer_password);
    for (int i = 0; i < 5; ++i) CHECK(nobody.login().status == 401);
    CHECK(nobody.login().status == 423);
}

TEST_CASE("a recovery code signs in once, however it is typed") {
    fixture f;
    staff_member admin(f.port(), "admin", admin_password);
    auto s = session_of(admin.login());
    auto codes = admin.enrol_totp(s);
    REQUIRE(codes.size() == 10);

    std::string typed;
    for (char c : codes[3]) typed += c == '-' ? ' ' : static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    auto in = admin.login({{"recovery_code", typed}});
    REQUIRE_MESSAGE(in.status == 200, in.body);
    CHECK(f.db.integer({"SCARD", "pingyi:staff:recovery:admin"}) == 9);
    auto again = admin.login({{"recovery_code", codes[3]}});
    CHECK(again.status == 401);
    CHECK(code_of(again) == "totp_invalid");
    CHECK(admin.login({{"recovery_code", "aaaa-bbbb-cccc-dddd"}}).status == 401);
    CHECK(admin.login({{"recovery_code", codes[4]}}).status == 200);

    auto used = f.entries("totp.recovery_used");
    REQUIRE(used.size() == 2);
    CHECK(used[0]["detail"]["left"] == 9);
    CHECK(used[1]["detail"]["left"] == 8);
    CHECK(has_reason(f.entries("login.failed"), "recovery_code_invalid"));
    auto state = json::parse(f.call("GET", "/api/v1/admin/security", "", session_of(in).headers(false)).body);
    CHECK(state["totp"]["recovery_codes_left"] == 8);
    f.check_no_secret(codes);
}

TEST_CASE("password change: the current password, the policy, and none of the last five") {
    fixture f;
    REQUIRE(f.cli("add li.wei --role viewer", viewer_password) == 0);
    staff_member viewer(f.port(), "li.wei", viewer_password);
    auto s = viewer.sign_in();
    auto elsewhere = viewer.sign_in();  // the same account on another computer
    CHECK(f.call("GET", "/api/v1/admin/me", {}, elsewhere.headers(false)).status == 200);
    auto change = [&](const std::string& current, const std::string& wanted) {
        return f.call("POST", "/api/v1/admin/password", json{{"current", current}, {"new", wanted}}.dump(), s.headers());
    };

    auto bad_current = change("Not-my-password-1", "Brand-new-secret-1");
    CHECK(bad_current.status == 403);
    CHECK(code_of(bad_current) == "invalid_password");
    CHECK(code_of(change(viewer_password, "Short-1")) == "password_too_short");
    CHECK(code_of(change(viewer_password, "alllowercaseletters")) == "password_too_simple");
    CHECK(code_of(change(viewer_password, "LI.WEI")) == "password_too_short");
    CHECK(code_of(change(viewer_password, viewer_password)) == "password_reused");
    CHECK(f.call("POST", "/api/v1/admin/password", "{}", s.headers()).status == 400);
    CHECK(f.call("POST", "/api/v1/admin/password", json{{"current", viewer_password}, {"new", "Brand-new-secret-1"}}.dump(),
                 s.headers(false))
              .status == 403);  // CSRF

    std::vector<std::string> passwords{viewer_password};
    for (int i = 1; i <= 5; ++i) {
        passwords.push_back("Rotated-secret-" + std::to_string(i));
        auto r = change(passwords[passwords.size() - 2], passwords.back());
        REQUIRE_MESSAGE(r.status == 200, r.body);
    }
    // The change ended the other session, not the one that made it.
    CHECK(f.call("GET", "/api/v1/admin/me", {}, elsewhere.headers(false)).status == 401);
    CHECK(f.call("GET", "/api/v1/admin/me", {}, s.headers(false)).status == 200);
    CHECK(f.entries("password.change").front()["detail"]["other_sessions_ended"] == 1);
    // The current one and the four before it are refused; the sixth back is fine again.
    for (int i = 1; i <= 5; ++i) {
        CAPTURE(i);
        CHECK(code_of(change(passwords.back(), passwords[static_cast<std::size_t>(i)])) == "password_reused");
    }
    CHECK(change(passwords.back(), passwords.front()).status == 200);

    CHECK(staff_member(f.port(), "li.wei", passwords.back()).login().status == 401);
    CHECK(staff_member(f.port(), "li.wei", passwords.front()).login().status == 200);
    CHECK(f.entries("password.change").size() == 6);
    f.check_no_secret(passwords);
}

TEST_CASE("a bootstrap password below the policy is taken, but changed before anything else") {
    fixture f(env_map{{"PINGYI_ADMIN_PASSWORD", "admin123456"}});
    staff_member admin(f.port(), "admin", "admin123456");
    auto first = admin.login();
    REQUIRE(first.status == 200);
    CHECK(json::parse(first.body)["restricted"] == "password_change_required");
    CHECK(f.db.string({"HGET", "pingyi:staff:user:admin", "must_change"}) == "1");
    auto s = session_of(first);
    auto refused = f.call("POST", "/api/v1/campaigns", campaign_body("c1"), s.headers());
    CHECK(refused.status == 403);
    CHECK(code_of(refused) == "password_change_required");

    auto changed = f.call("POST", "/api/v1/admin/password",
                          json{{"current", "admin123456"}, {"new", "Stronger-secret-1"}}.dump(), s.headers());
    REQUIRE_MESSAGE(changed.status == 200, changed.body);
    CHECK(json::parse(changed.body)["restricted"] == "totp_enrolment_required");
    CHECK(f.db.integer({"HEXISTS", "pingyi:staff:user:admin", "must_change"}) == 0);
    refused = f.call("POST", "/api/v1/campaigns", campaign_body("c1"), s.headers());
    CHECK(code_of(refused) == "totp_enrolment_required");
    staff_member(f.port(), "admin", "Stronger-secret-1").enrol_totp(s);
    CHECK(f.call("POST", "/api/v1/campaigns", campaign_body("c1"), s.headers()).status == 201);
    CHECK(f.entries("user.create").front()["detail"]["must_change_password"] == true);
    CHECK(f.server.log().find("below the password policy") != std::string::npos);
    f.check_no_secret({"admin123456", "Stronger-secret-1"});
}

TEST_CASE("a viewer may turn TOTP on, is asked for it then, and may turn it off with the password") {
    fixture f;
    REQUIRE(f.cli("add li.wei --role viewer", viewer_password) == 0);
    staff_member viewer(f.port(), "li.wei", viewer_password);
    auto first = viewer.login();
    CHECK_FALSE(json::parse(first.body).contains("restricted"));  // optional for viewers
    auto s = session_of(first);
    auto state = json::parse(f.call("GET", "/api/v1/admin/security", "", s.headers(false)).body);
    CHECK(state["totp"]["required"] == false);
    viewer.enrol_totp(s);

    CHECK(code_of(viewer.login()) == "totp_required");
    auto in = viewer.login({{"totp", viewer.next_code()}});
    REQUIRE(in.status == 200);
    s = session_of(in);
    // Setting up anew, with TOTP on, asks for the password.
    CHECK(code_of(f.call("POST", "/api/v1/admin/totp/setup", "{}", s.headers())) == "invalid_password");
    CHECK(f.call("POST", "/api/v1/admin/totp/setup", json{{"password", viewer_password}}.dump(), s.headers()).status ==
          200);

    auto refused = f.call("DELETE", "/api/v1/admin/totp", json{{"password", "Not-my-password-1"}}.dump(), s.headers());
    CHECK(refused.status == 403);
    CHECK(code_of(refused) == "invalid_password");
    auto off = f.call("DELETE", "/api/v1/admin/totp", json{{"password", viewer_password}}.dump(), s.headers());
    CHECK_MESSAGE(off.status == 200, off.body);
    CHECK(f.db.integer({"HEXISTS", "pingyi:staff:user:li.wei", "totp"}) == 0);
    CHECK(f.db.integer({"EXISTS", "pingyi:staff:recovery:li.wei"}) == 0);
    CHECK(viewer.login().status == 200);
    CHECK(f.entries("totp.disable").size() == 1);
}

TEST_CASE("the CLI: role changes, passwords and TOTP resets are logged and end the sessions") {
    fixture f;
    REQUIRE(f.cli("add li.wei --role viewer", viewer_password) == 0);
    CHECK(f.cli("add zhang --role viewer", "zhang-is-short") == 2);  // the policy applies
    CHECK(f.db.integer({"EXISTS", "pingyi:staff:user:zhang"}) == 0);
    staff_member viewer(f.port(), "li.wei", viewer_password);
    auto s = viewer.sign_in();

    CHECK(f.cli("role li.wei admin") == 0);
    CHECK(f.call("GET", "/api/v1/admin/me", "", s.headers(false)).status == 401);  // the session ended
    auto role = f.entries("user.role");
    REQUIRE(role.size() == 1);
    CHECK(role.front()["who"] == "cli:tester");
    CHECK(role.front()["detail"]["from"] == "viewer");
    CHECK(role.front()["detail"]["to"] == "admin");
    CHECK(json::parse(viewer.login().body)["restricted"] == "totp_enrolment_required");  // now an admin
    CHECK(f.cli("role nobody admin") == 1);
    CHECK(f.cli("role li.wei owner") == 2);
    CHECK(f.cli("role li.wei") == 2);

    // A locked-out admin gets a new password from the operator.
    staff_member guess(f.port(), "li.wei", "Wrong-guess-2024");
    for (int i = 0; i < 5; ++i) CHECK(guess.login().status == 401);
    CHECK(viewer.login().status == 423);
    CHECK(f.cli("passwd li.wei", "too-simple") == 2);
    CHECK(f.cli("passwd li.wei", viewer_password) == 2);  // reused
    CHECK(f.cli("passwd nobody", "Operator-set-secret-1") == 1);
    CHECK(f.cli("passwd li.wei", "Operator-set-secret-1") == 0);
    staff_member renewed(f.port(), "li.wei", "Operator-set-secret-1");
    auto s2 = renewed.sign_in();  // no longer locked; enrols TOTP as the admin it now is
    CHECK(f.entries("password.change").front()["detail"]["via"] == "pingyi user passwd");

    // A lost phone: the operator removes TOTP, the admin enrols again.
    CHECK(f.cli("totp-reset li.wei") == 0);
    CHECK(f.call("GET", "/api/v1/admin/me", "", s2.headers(false)).status == 401);
    CHECK(f.db.integer({"HEXISTS", "pingyi:staff:user:li.wei", "totp"}) == 0);
    CHECK(f.db.integer({"EXISTS", "pingyi:staff:recovery:li.wei"}) == 0);
    CHECK(json::parse(renewed.login().body)["restricted"] == "totp_enrolment_required");
    CHECK(f.entries("totp.reset").size() == 1);
    f.check_no_secret({viewer_password, "Operator-set-secret-1", renewed.totp_secret()});
}
