// Staff accounts against a running pingyi-server and a real redis-server:
// login and its cookies, CSRF, logout, roles, idle expiry, the login rate
// limit, the PINGYI_ADMIN_PASSWORD bootstrap, `pingyi user add`, the staff
// pages, and the live tally over Server-Sent Events.
#include <doctest/doctest.h>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <thread>

#include <sys/wait.h>

#include <nlohmann/json.hpp>

#include "tests/support/campaigns.hpp"
#include "tests/support/http_client.hpp"
#include "tests/support/redis_server.hpp"
#include "tests/support/server_process.hpp"
#include "tests/support/staff.hpp"
#include "vote/keys.hpp"

using namespace pingyi::test;
using nlohmann::json;

namespace {

const std::string bootstrap_password = "bootstrap-password-1";
const std::map<std::string, std::string> json_type{{"Content-Type", "application/json"}};

struct fixture {
    redis_server redis;
    server_process server;
    sync_redis db{redis.port()};

    explicit fixture(env_map extra = {}) : server(settings(redis, std::move(extra))) {}

    static env_map settings(const redis_server& redis, env_map extra) {
        extra.emplace("PINGYI_REDIS_URL", redis.url());
        extra.emplace("PINGYI_ADMIN_TOKEN", admin_token);
        extra.emplace("PINGYI_ADMIN_PASSWORD", bootstrap_password);
        extra.emplace("PINGYI_PUBLIC_URL", "https://pingyi.example.cn");
        return extra;
    }

    http_result call(const std::string& method, const std::string& target, const std::string& body = {},
                     const std::map<std::string, std::string>& headers = json_type) {
        return http_request(server.port(), method, target, body, headers);
    }
};

http_result login(fixture& f, const std::string& user, const std::string& password) {
    return f.call("POST", "/admin/login", json{{"username", user}, {"password", password}}.dump());
}

// The Set-Cookie line for `name`.
std::string set_cookie_line(const http_result& r, const std::string& name) {
    auto all = r.header("set-cookie");
    std::size_t at = 0;
    while (at <= all.size()) {
        auto end = all.find('\n', at);
        auto line = all.substr(at, end == std::string::npos ? std::string::npos : end - at);
        if (line.starts_with(name + "=")) return line;
        if (end == std::string::npos) break;
        at = end + 1;
    }
    return {};
}

std::string cookie_value_of(const std::string& line) {
    auto eq = line.find('=');
    auto semi = line.find(';');
    return line.substr(eq + 1, semi == std::string::npos ? std::string::npos : semi - eq - 1);
}

struct session {
    std::string token;
    std::string csrf;

    // Headers for a call: the cookies, and on writes the CSRF header.
    std::map<std::string, std::string> headers(bool write = true) const {
        std::map<std::string, std::string> h = json_type;
        h["Cookie"] = "pingyi_staff=" + token + "; pingyi_csrf=" + csrf;
        if (write) h["X-CSRF-Token"] = csrf;
        return h;
    }
};

// Signed in as the login page does; an admin enrols TOTP on the way.
session logged_in(fixture& f, const std::string& user, const std::string& password) {
    auto s = staff_member(f.server.port(), user, password).sign_in();
    return session{s.token, s.csrf};
}

// `pingyi user add` with the password on stdin; the exit status.
int user_add(fixture& f, const std::string& name, const std::string& role, const std::string& password) {
    std::string script = "printf '%s\\n' \"$PW\" | \"$PINGYI\" user add " + name + " --role " + role +
                         " --redis-url " + f.redis.url();
    child_process p({"/bin/sh", "-c", script}, {"PW=" + password, "PINGYI=" + bin_dir() + "/pingyi"});
    int status = p.wait_exit(60000);
    REQUIRE(status != -1);
    return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

// Reads a stream until `needle` has come, or the time is up.
std::string read_until(raw_connection& c, const std::string& needle, std::string& seen, int timeout_ms = 10000) {
    auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeout_ms);
    while (seen.find(needle) == std::string::npos && std::chrono::steady_clock::now() < deadline)
        seen += c.read_all(200);
    return seen;
}

std::vector<std::string> admin_actions(fixture& f) { return admin_log_actions(f.db); }

bool contains(const std::vector<std::string>& v, const std::string& s) {
    return std::find(v.begin(), v.end(), s) != v.end();
}

}  // namespace

TEST_CASE("the bootstrap admin is created at start, with an scrypt hash") {
    fixture f;
    std::string hash;
    for (int i = 0; i < 100 && hash.empty(); ++i) {
        hash = f.db.string({"HGET", "pingyi:staff:user:admin", "password"});
        if (hash.empty()) std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    CHECK(hash.starts_with("scrypt$32768$8$1$"));
    CHECK(hash.find(bootstrap_password) == std::string::npos);
    CHECK(f.db.string({"HGET", "pingyi:staff:user:admin", "role"}) == "admin");
    CHECK(contains(admin_actions(f), "user.create"));
    // A restart does not replace it.
    f.server.restart();
    CHECK(f.db.string({"HGET", "pingyi:staff:user:admin", "password"}) == hash);
}

TEST_CASE("login: the right password gets a session and cookies, wrong or unknown get the same 401") {
    fixture f;
    auto ok = login(f, "admin", bootstrap_password);
    REQUIRE_MESSAGE(ok.status == 200, ok.body);
    auto body = json::parse(ok.body);
    std::string csrf = body.at("csrf");
    CHECK(csrf.size() >= 32);

    auto staff = set_cookie_line(ok, "pingyi_staff");
    CHECK(staff.find("HttpOnly") != std::string::npos);
    CHECK(staff.find("SameSite=Strict") != std::string::npos);
    CHECK(staff.find("Secure") != std::string::npos);  // PUBLIC_URL is https
    CHECK(staff.find("Path=/") != std::string::npos);
    auto token = cookie_value_of(staff);
    CHECK(token.size() >= 32);
    auto csrf_line = set_cookie_line(ok, "pingyi_csrf");
    CHECK(cookie_value_of(csrf_line) == csrf);
    CHECK(csrf_line.find("HttpOnly") == std::string::npos);  // the page reads it
    CHECK(csrf_line.find("Path=/") != std::string::npos);

    // Stored under the token's digest, with an idle expiry.
    auto keys = f.db.command({"KEYS", "pingyi:staff:session:*"});
    REQUIRE(keys->elements == 1);
    std::string key = keys->element[0]->str;
    CHECK(key.find(token) == std::string::npos);
    auto ttl = f.db.integer({"PTTL", key});
    CHECK(ttl > 0);
    CHECK(ttl <= 1800 * 1000);

    auto wrong = login(f, "admin", "not-the-password");
    auto unknown = login(f, "nobody", bootstrap_password);
    CHECK(wrong.status == 401);
    CHECK(unknown.status == 401);
    CHECK(wrong.body == unknown.body);
    CHECK(json::parse(wrong.body)["error"]["code"] == "invalid_login");
    CHECK(wrong.header("set-cookie").empty());
    CHECK(login(f, "admin", "").status == 401);
    CHECK(f.call("POST", "/admin/login", "{\"username\": \"admin\"}").status == 400);
    CHECK(f.call("POST", "/admin/login", "not json").status == 400);

    auto actions = admin_actions(f);
    CHECK(contains(actions, "login"));
    CHECK(contains(actions, "login.failed"));
}

TEST_CASE("a session acts with its CSRF token, not without, and not after logout") {
    fixture f;
    auto s = logged_in(f, "admin", bootstrap_password);

    auto me = f.call("GET", "/api/v1/admin/me", "", s.headers(false));
    REQUIRE(me.status == 200);
    // No organizer configured: every account is city level.
    const json city_level = {{"id", ""}, {"name", "市普法办（市级）"}};
    CHECK(json::parse(me.body) == json{{"user", "admin"}, {"role", "admin"}, {"organizer", city_level}});
    CHECK(f.call("GET", "/api/v1/admin/me").status == 401);

    auto no_header = f.call("POST", "/api/v1/campaigns", campaign_body("c1"), s.headers(false));
    CHECK(no_header.status == 403);
    CHECK(json::parse(no_header.body)["error"]["code"] == "csrf");
    auto bad = s.headers();
    bad["X-CSRF-Token"] = "wrong";
    CHECK(f.call("POST", "/api/v1/campaigns", campaign_body("c1"), bad).status == 403);
    auto created = f.call("POST", "/api/v1/campaigns", campaign_body("c1"), s.headers());
    CHECK_MESSAGE(created.status == 201, created.body);

    CHECK(f.call("POST", "/admin/logout", "", s.headers(false)).status == 403);
    auto out = f.call("POST", "/admin/logout", "", s.headers());
    CHECK(out.status == 200);
    CHECK(set_cookie_line(out, "pingyi_staff").find("Max-Age=0") != std::string::npos);
    CHECK(set_cookie_line(out, "pingyi_csrf").find("Max-Age=0") != std::string::npos);
    CHECK(f.db.command({"KEYS", "pingyi:staff:session:*"})->elements == 0);
    CHECK(f.call("GET", "/api/v1/admin/me", "", s.headers(false)).status == 401);
    CHECK(f.call("POST", "/api/v1/campaigns", campaign_body("c2"), s.headers()).status == 401);
    CHECK(contains(admin_actions(f), "logout"));
}

TEST_CASE("pingyi user add: a viewer reads but changes nothing") {
    fixture f;
    REQUIRE(user_add(f, "li.wei", "viewer", "Viewer-password") == 0);
    CHECK(user_add(f, "li.wei", "admin", "Another-password") == 1);  // exists: not replaced
    CHECK(user_add(f, "zhang", "viewer", "Short-1") == 2);
    CHECK(user_add(f, "zhang", "owner", "Long-enough-1") == 2);
    CHECK(f.db.integer({"EXISTS", "pingyi:staff:user:zhang"}) == 0);
    CHECK(f.db.string({"HGET", "pingyi:staff:user:li.wei", "role"}) == "viewer");

    CHECK(login(f, "li.wei", "Another-password").status == 401);
    auto s = logged_in(f, "li.wei", "Viewer-password");
    auto me = f.call("GET", "/api/v1/admin/me", "", s.headers(false));
    const json city_level = {{"id", ""}, {"name", "市普法办（市级）"}};
    CHECK(json::parse(me.body) == json{{"user", "li.wei"}, {"role", "viewer"}, {"organizer", city_level}});

    REQUIRE(create_campaign(f.server.port(), campaign_body("c1")) == 201);
    auto refused = f.call("POST", "/api/v1/campaigns", campaign_body("c2"), s.headers());
    CHECK(refused.status == 403);
    CHECK(json::parse(refused.body)["error"]["code"] == "forbidden");
    CHECK(f.call("GET", "/api/v1/campaigns/c1/tally").status == 401);  // staff-only tally
    auto tally = f.call("GET", "/api/v1/campaigns/c1/tally", "", s.headers(false));
    CHECK(tally.status == 200);
    CHECK(json::parse(tally.body)["ballots"] == 0);
}

TEST_CASE("an idle session ends, one in use stays") {
    fixture f(env_map{{"PINGYI_STAFF_IDLE_TIMEOUT_S", "3"}});
    auto s = logged_in(f, "admin", bootstrap_password);
    std::this_thread::sleep_for(std::chrono::seconds(2));
    CHECK(f.call("GET", "/api/v1/admin/me", "", s.headers(false)).status == 200);
    std::this_thread::sleep_for(std::chrono::seconds(2));  // past the first 3 s: the use above renewed it
    CHECK(f.call("GET", "/api/v1/admin/me", "", s.headers(false)).status == 200);
    std::this_thread::sleep_for(std::chrono::seconds(4));
    CHECK(f.call("GET", "/api/v1/admin/me", "", s.headers(false)).status == 401);
}

TEST_CASE("a session past its absolute expiry is refused however recently used") {
    fixture f;
    auto s = logged_in(f, "admin", bootstrap_password);
    auto keys = f.db.command({"KEYS", "pingyi:staff:session:*"});
    REQUIRE(keys->elements == 1);
    f.db.command({"HSET", keys->element[0]->str, "expires", "1000"});
    CHECK(f.call("GET", "/api/v1/admin/me", "", s.headers(false)).status == 401);
}

TEST_CASE("five quick failures for one account, then 429") {
    fixture f;
    for (int i = 0; i < 5; ++i) CHECK(login(f, "admin", "wrong-" + std::to_string(i)).status == 401);
    auto limited = login(f, "admin", bootstrap_password);
    CHECK(limited.status == 429);
    CHECK(!limited.header("retry-after").empty());
    CHECK(limited.header("set-cookie").empty());
    // Another account from the same address is not held up (20 a minute per address).
    REQUIRE(user_add(f, "li.wei", "viewer", "Viewer-password") == 0);
    CHECK(login(f, "li.wei", "Viewer-password").status == 200);
}

TEST_CASE("staff pages need a session, the login page and the big screen do not") {
    // A web root of our own, so the test knows what each route must serve.
    temp_dir web;
    std::filesystem::create_directories(web.path() + "/admin");
    for (const auto* page : {"admin/login.html", "admin/index.html", "admin/dashboard.html", "screen.html"})
        std::ofstream(web.path() + "/" + page) << "<!doctype html><title>" << page << "</title>\n";
    fixture f(env_map{{"PINGYI_WEB_ROOT", web.path()}});

    auto index = f.call("GET", "/admin");
    CHECK(index.status == 302);
    CHECK(index.header("location") == "/admin/login?next=%2Fadmin");
    auto dashboard = f.call("GET", "/admin/dashboard?c=c1");
    CHECK(dashboard.status == 302);
    CHECK(dashboard.header("location") == "/admin/login?next=%2Fadmin%2Fdashboard%3Fc%3Dc1");

    auto s = logged_in(f, "admin", bootstrap_password);
    auto serves = [](const http_result& page, const std::string& file) {
        return page.status == 200 && page.header("content-type").starts_with("text/html") &&
               page.body.find("<title>" + file + "</title>") != std::string::npos;
    };
    CHECK(serves(f.call("GET", "/admin", "", s.headers(false)), "admin/index.html"));
    CHECK(serves(f.call("GET", "/admin/dashboard?c=c1", "", s.headers(false)), "admin/dashboard.html"));
    CHECK(serves(f.call("GET", "/admin/login"), "admin/login.html"));
    CHECK(serves(f.call("GET", "/screen/c1"), "screen.html"));
}

TEST_CASE("live updates: staff get the tally as it changes, others only what is public") {
    fixture f;
    REQUIRE(create_campaign(f.server.port(), campaign_body("c1")) == 201);
    REQUIRE(create_campaign(f.server.port(), campaign_body("pub", 3, "2019-12-20T09:00:00+08:00",
                                                          "2099-12-27T18:00:00+08:00",
                                                          ",\"tally_visibility\":\"public\"")) == 201);
    CHECK(f.call("GET", "/api/v1/campaigns/c1/events").status == 401);
    CHECK(f.call("GET", "/api/v1/campaigns/nope/events").status == 404);

    auto s = logged_in(f, "admin", bootstrap_password);
    raw_connection c(f.server.port());
    REQUIRE(c.send("GET /api/v1/campaigns/c1/events HTTP/1.1\r\nHost: x\r\nCookie: pingyi_staff=" + s.token +
                   "\r\nAccept: text/event-stream\r\n\r\n"));
    std::string seen;
    read_until(c, "event: tally\ndata: ", seen);
    CHECK(seen.starts_with("HTTP/1.1 200"));
    CHECK(seen.find("Content-Type: text/event-stream") != std::string::npos);
    CHECK(seen.find("Cache-Control: no-cache") != std::string::npos);
    CHECK(seen.find("X-Accel-Buffering: no") != std::string::npos);
    REQUIRE(seen.find("event: tally\ndata: ") != std::string::npos);
    CHECK(seen.find("\"ballots\":0") != std::string::npos);
    CHECK(seen.find("event: results\ndata: ") != std::string::npos);  // staff see the results before publication

    // A vote lands (written as the ballot script would count it): the next frame says so.
    auto key = pingyi::vote::keys::tally("c1");
    f.db.command({"HINCRBY", key, "u01", "1"});
    f.db.command({"HINCRBY", key, "#ballots", "1"});
    f.db.command({"HINCRBY", key, "#voters", "1"});
    std::string more;
    read_until(c, "\"ballots\":1", more);
    CHECK(more.find("event: tally\ndata: ") != std::string::npos);
    CHECK(more.find("\"ballots\":1") != std::string::npos);

    // Anyone may follow a public tally, but gets no unpublished results.
    raw_connection anon(f.server.port());
    REQUIRE(anon.send("GET /api/v1/campaigns/pub/events HTTP/1.1\r\nHost: x\r\n\r\n"));
    std::string public_seen;
    read_until(anon, "event: tally\ndata: ", public_seen);
    CHECK(public_seen.starts_with("HTTP/1.1 200"));
    CHECK(public_seen.find("event: tally\ndata: ") != std::string::npos);
    public_seen += anon.read_all(1500);
    CHECK(public_seen.find("event: results") == std::string::npos);
}
