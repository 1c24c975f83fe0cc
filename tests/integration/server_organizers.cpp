// Organizers (Art. 18) against a running pingyi-server and a real
// redis-server: a config file with two counties, staff accounts made with
// `pingyi user add --organizer`, and the isolation between them: a county's
// staff cannot read or change the city's campaigns through any staff route
// (they get the 404 of a missing campaign), can on their own; the city level
// sees both; the list, the organizer picker and where a new campaign goes.
#include <doctest/doctest.h>

#include <algorithm>
#include <fstream>
#include <memory>

#include <sys/stat.h>
#include <sys/wait.h>

#include <nlohmann/json.hpp>

#include "server/config.hpp"
#include "tests/support/campaigns.hpp"
#include "tests/support/http_client.hpp"
#include "tests/support/redis_server.hpp"
#include "tests/support/server_process.hpp"
#include "tests/support/server_routes.hpp"
#include "tests/support/staff.hpp"

using namespace pingyi::test;
using nlohmann::json;

namespace {

const std::string password = "Organizer-pass-2024";
const std::string upcoming = "2098-01-01T09:00:00+08:00";
const std::string far_end = "2099-12-27T18:00:00+08:00";

// `pingyi <arguments>` with `input` (a password) on stdin; its exit status.
int run_pingyi(const std::string& arguments, const std::string& input = password) {
    std::string script = "printf '%s\\n' \"$IN\" | \"$PINGYI\" " + arguments;
    child_process p({"/bin/sh", "-c", script}, {"IN=" + input, "PINGYI=" + bin_dir() + "/pingyi"});
    int status = p.wait_exit(60000);
    REQUIRE(status != -1);
    return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

std::string error_code(const http_result& r) {
    auto body = json::parse(r.body, nullptr, false);
    return body.is_object() && body.contains("error") ? body["error"].value("code", "") : "";
}

// A server whose config file (mode 0600: it holds the admin token) has two
// counties besides the city office.
struct fixture {
    temp_dir dir;
    redis_server redis;
    sync_redis db{redis.port()};
    std::unique_ptr<server_process> server;

    fixture() {
        const std::string path = dir.path() + "/pingyi.json";
        std::ofstream(path) << json{{"admin_token", admin_token},
                                    {"organizers", {{{"id", "county-a"}, {"name", "甲县普法办"}},
                                                    {{"id", "county-b"}, {"name", "乙县普法办"}}}}}
                                   .dump();
        chmod(path.c_str(), 0600);
        server = std::make_unique<server_process>(env_map{{"PINGYI_REDIS_URL", redis.url()}},
                                                  std::vector<std::string>{"--config", path});
    }

    int port() const { return server->port(); }

    // An account made by the CLI (under `organizer` unless empty), signed in.
    staff_session member(const std::string& name, const std::string& role, const std::string& organizer) {
        auto flag = organizer.empty() ? std::string() : " --organizer " + organizer;
        REQUIRE(run_pingyi("user add " + name + " --role " + role + flag + " --redis-url " + redis.url()) == 0);
        return staff_member(port(), name, password).sign_in();
    }

    http_result token(const std::string& method, const std::string& target, const std::string& body = {}) const {
        return http_request(port(), method, target, body,
                            {{"Authorization", "Bearer " + admin_token}, {"Content-Type", "application/json"}});
    }
    http_result as(const staff_session& s, const std::string& method, const std::string& target,
                   const std::string& body = {}) const {
        return http_request(port(), method, target, body, s.headers(method != "GET"));
    }

    // The admin-log entries as {who, action, campaign, detail}.
    std::vector<json> audit_entries() {
        auto out = admin_log_entries(db);
        for (auto& entry : out) entry["detail"] = json::parse(entry.value("detail", "{}"));
        return out;
    }
};

std::vector<std::string> listed(const http_result& r) {
    REQUIRE(r.status == 200);
    const auto body = json::parse(r.body);
    std::vector<std::string> ids;
    for (const auto& c : body.at("campaigns")) ids.push_back(c.at("id"));
    return ids;
}

// An edit of a campaign made by campaign_body: a new title, the rest as made.
std::string retitled(const std::string& cid, const std::string& title) {
    auto body = json::parse(campaign_body(cid, 3, upcoming, far_end));
    body["title"] = title;
    return body.dump();
}

// One staff route on a campaign: the path after /api/v1/campaigns/<cid>, a
// body, and what it answers the campaign's own organizer's admin.
struct staff_call {
    std::string method;
    std::string path;
    std::string body;
    int own_status;
};

// Every family of staff routes on a campaign, in an order its own admin can
// follow (opened before it is closed).
const std::vector<staff_call> staff_calls = {
    {"GET", "/tally", "", 200},
    {"GET", "/refusals", "", 200},
    {"GET", "/audit-log", "", 200},
    {"GET", "/results", "", 200},
    {"GET", "/results.csv", "", 200},
    {"GET", "/report", "", 200},
    {"GET", "/public-scores", "", 200},
    {"GET", "/scoring-progress", "", 200},
    {"GET", "/signals", "", 200},
    {"PUT", "/panel-scores", R"({"scores":[{"judge":"j1","unit":"u01","score":90}]})", 200},
    {"PUT", "/panel-scores/j2", R"({"scores":[{"unit":"u02","score":80}]})", 200},
    {"PUT", "/peer-scores", R"({"scores":[{"rater":"u02","unit":"u01","score":88}]})", 200},
    {"PUT", "/peer-scores/u03", R"({"scores":[{"unit":"u01","score":85}]})", 200},
    {"PUT", "/units/u01/status", R"({"status":"absent","reason":"未到场"})", 200},
    {"POST", "/scoring-links", R"({"judges":["j1"]})", 200},
    {"POST", "/signals/burst:u01:x/review", R"({"decision":"fine","reason":"正常"})", 404},  // signal_not_found
    {"POST", "/results/publish", "", 409},  // voting_not_closed: the check ran
    {"PUT", "", "edit", 200},
    {"POST", "/open", "", 200},
    {"POST", "/close", "", 200},
};

// What a staff member may learn of a campaign through the bearer token: a
// change by anyone shows here.
std::string state_of(const fixture& f, const std::string& cid) {
    std::string out;
    for (const auto* path : {"", "/scoring-progress", "/results", "/signals", "/tally"}) {
        auto r = f.token("GET", "/api/v1/campaigns/" + cid + path);
        REQUIRE(r.status == 200);
        out += r.body + "\n";
    }
    return out;
}

// The events stream's first tally frame, or what came instead.
std::string first_events(int port, const staff_session& s, const std::string& cid) {
    raw_connection c(port);
    REQUIRE(c.send("GET /api/v1/campaigns/" + cid + "/events HTTP/1.1\r\nHost: x\r\nCookie: pingyi_staff=" + s.token +
                   "\r\nAccept: text/event-stream\r\n\r\n"));
    std::string seen;
    c.read_until("event: tally\ndata: ", seen, 5000);
    return seen;
}

// A concrete target for a route pattern on campaign `cid`.
std::string target_of(std::string pattern, const std::string& cid) {
    for (auto [from, to] : std::vector<std::pair<std::string, std::string>>{
             {"{cid}", cid}, {"{uid}", "u01"}, {"{judge}", "j1"}, {"{rater}", "u02"}, {"{receipt}", "1-x"}}) {
        for (auto pos = pattern.find(from); pos != std::string::npos; pos = pattern.find(from))
            pattern.replace(pos, from.size(), to);
    }
    for (auto open = pattern.find('{'); open != std::string::npos; open = pattern.find('{'))
        pattern.replace(open, pattern.find('}', open) - open + 1, "x");
    if (pattern.ends_with("/scoring-form") || pattern.ends_with("/comments")) pattern += "?as=judge:j1";
    return pattern;
}

}  // namespace

TEST_CASE("organizer isolation: a county's staff cannot read or change the city's campaign, by any staff route") {
    fixture f;
    auto county = f.member("a.admin", "admin", "county-a");
    REQUIRE(f.token("POST", "/api/v1/campaigns", campaign_body("city1", 3, upcoming, far_end)).status == 201);
    // The county admin's campaign is theirs without saying so.
    auto created = f.as(county, "POST", "/api/v1/campaigns", campaign_body("own1", 3, upcoming, far_end));
    REQUIRE(created.status == 201);
    CHECK(json::parse(created.body).at("organizer_id") == "county-a");
    const auto city_before = state_of(f, "city1");

    for (const auto& call : staff_calls) {
        auto body = call.body == "edit" ? retitled("city1", "县里改的标题") : call.body;
        auto r = f.as(county, call.method, "/api/v1/campaigns/city1" + call.path, body);
        INFO(call.method << " city1" << call.path << " -> " << r.status << " " << r.body.substr(0, 200));
        CHECK(r.status == 404);
        CHECK(error_code(r) == "campaign_not_found");
    }
    CHECK(first_events(f.port(), county, "city1").starts_with("HTTP/1.1 404"));
    CHECK(state_of(f, "city1") == city_before);
    for (const auto& entry : f.audit_entries()) {
        CAPTURE(entry.dump());
        CHECK_FALSE((entry["who"] == "a.admin" && entry["campaign"] == "city1"));
    }

    // The same calls on their own campaign do what they do.
    for (const auto& call : staff_calls) {
        auto body = call.body == "edit" ? retitled("own1", "县里改的标题") : call.body;
        auto r = f.as(county, call.method, "/api/v1/campaigns/own1" + call.path, body);
        INFO(call.method << " own1" << call.path << " -> " << r.status << " " << r.body.substr(0, 200));
        CHECK(r.status == call.own_status);
        CHECK(error_code(r) != "campaign_not_found");
    }
    auto own = json::parse(f.token("GET", "/api/v1/campaigns/own1").body);
    CHECK(own["title"] == "县里改的标题");
    CHECK(own["state"] == "closed");
    CHECK(own["organizer_id"] == "county-a");  // the edit did not name it: it stayed
    CHECK(first_events(f.port(), county, "own1").find("event: tally\ndata: ") != std::string::npos);
    // Their changes are on record with their organizer.
    auto entries = f.audit_entries();
    auto edits = std::count_if(entries.begin(), entries.end(), [](const json& e) {
        return e["who"] == "a.admin" && e["campaign"] == "own1" && e["detail"].value("actor_organizer", "") == "county-a";
    });
    CHECK(edits >= 10);

    // The city level sees both.
    auto city = f.member("c.viewer", "viewer", "");
    for (const auto* cid : {"city1", "own1"}) {
        CAPTURE(cid);
        CHECK(f.as(city, "GET", std::string("/api/v1/campaigns/") + cid + "/tally").status == 200);
        CHECK(f.as(city, "GET", std::string("/api/v1/campaigns/") + cid + "/refusals").status == 200);
        CHECK(f.as(city, "GET", std::string("/api/v1/campaigns/") + cid + "/scoring-progress").status == 200);
    }
}

TEST_CASE("organizer isolation: every route on a campaign gives a county's staff no more than the public") {
    fixture f;
    auto county = f.member("a.admin", "admin", "county-a");
    REQUIRE(f.token("POST", "/api/v1/campaigns", campaign_body("city1", 3, upcoming, far_end)).status == 201);
    pingyi::server::config cfg;
    cfg.dev = true;
    cfg.redis_url = f.redis.url();
    cfg.secret = std::string(32, 's');
    cfg.pseudonym_key = std::string(32, 'p');
    auto routes = server_routes(cfg);
    const auto city_before = state_of(f, "city1");
    int checked = 0;
    for (const auto& route : routes) {
        if (route.pattern.find("{cid}") == std::string::npos) continue;
        auto target = target_of(route.pattern, "city1");
        auto as_county = f.as(county, route.method, target, "{}");
        auto as_public = http_request(f.port(), route.method, target, "{}", {{"Content-Type", "application/json"}});
        INFO(route.name() << ": county " << as_county.status << " " << as_county.body.substr(0, 200) << ", public "
                          << as_public.status);
        CHECK(((as_county.status == 404 && error_code(as_county) == "campaign_not_found") ||
               as_county.status == as_public.status));
        ++checked;
    }
    CHECK(checked >= 25);
    CHECK(state_of(f, "city1") == city_before);
}

TEST_CASE("organizer isolation: the list, the organizers to pick from, and where a campaign goes") {
    fixture f;
    auto county_a = f.member("a.admin", "admin", "county-a");
    auto county_b = f.member("b.viewer", "viewer", "county-b");
    auto city = f.member("c.viewer", "viewer", "");
    REQUIRE(f.token("POST", "/api/v1/campaigns", campaign_body("city1", 3, upcoming, far_end)).status == 201);
    auto placed = f.token("POST", "/api/v1/campaigns",
                          campaign_body("b1", 3, upcoming, far_end, R"(,"organizer_id":"county-b")"));
    REQUIRE(placed.status == 201);  // the city level may put a campaign under any county
    CHECK(json::parse(placed.body).at("organizer_id") == "county-b");

    // A county's staff cannot put a campaign under anyone else, named or not configured.
    auto foreign = f.as(county_a, "POST", "/api/v1/campaigns",
                        campaign_body("a1", 3, upcoming, far_end, R"(,"organizer_id":"county-b")"));
    CHECK(foreign.status == 403);
    CHECK(error_code(foreign) == "organizer_forbidden");
    CHECK(f.as(county_a, "POST", "/api/v1/campaigns",
               campaign_body("a1", 3, upcoming, far_end, R"(,"organizer_id":"county-zz")"))
              .status == 403);
    auto unknown = f.token("POST", "/api/v1/campaigns",
                           campaign_body("z1", 3, upcoming, far_end, R"(,"organizer_id":"county-zz")"));
    CHECK(unknown.status == 400);
    CHECK(error_code(unknown) == "unknown_organizer");
    CHECK(json::parse(unknown.body)["error"]["field"] == "organizer_id");
    CHECK(f.token("GET", "/api/v1/campaigns/z1").status == 404);
    REQUIRE(f.as(county_a, "POST", "/api/v1/campaigns",
                 campaign_body("a1", 3, upcoming, far_end, R"(,"organizer_id":"county-a")"))
                .status == 201);

    // Each sees their own in the list; the public and the city level see all, with their organizer.
    CHECK(listed(f.as(county_a, "GET", "/api/v1/campaigns")) == std::vector<std::string>{"a1"});
    CHECK(listed(f.as(county_b, "GET", "/api/v1/campaigns")) == std::vector<std::string>{"b1"});
    auto everything = listed(f.as(city, "GET", "/api/v1/campaigns"));
    std::sort(everything.begin(), everything.end());
    CHECK(everything == std::vector<std::string>{"a1", "b1", "city1"});
    auto anyone = listed(http_request(f.port(), "GET", "/api/v1/campaigns"));
    CHECK(anyone.size() == 3);
    const auto summaries = json::parse(f.as(city, "GET", "/api/v1/campaigns").body);
    for (const auto& c : summaries["campaigns"])
        CHECK(c["organizer_id"] == (c["id"] == "city1" ? "" : c["id"] == "a1" ? "county-a" : "county-b"));
    CHECK(f.as(county_b, "GET", "/api/v1/campaigns/a1/tally").status == 404);

    // A county's admin cannot move their campaign away; the city level can.
    auto moved_away = f.as(county_a, "PUT", "/api/v1/campaigns/a1",
                           campaign_body("a1", 3, upcoming, far_end, R"(,"organizer_id":"county-b")"));
    CHECK(moved_away.status == 403);
    CHECK(error_code(moved_away) == "organizer_forbidden");
    CHECK(json::parse(f.token("GET", "/api/v1/campaigns/a1").body)["organizer_id"] == "county-a");
    CHECK(f.token("PUT", "/api/v1/campaigns/a1",
                  campaign_body("a1", 3, upcoming, far_end, R"(,"organizer_id":"county-zz")"))
              .status == 400);
    REQUIRE(f.token("PUT", "/api/v1/campaigns/a1",
                    campaign_body("a1", 3, upcoming, far_end, R"(,"organizer_id":"county-b")"))
                .status == 200);
    // Moved: now the other county's.
    CHECK(f.as(county_a, "GET", "/api/v1/campaigns/a1/tally").status == 404);
    CHECK(f.as(county_b, "GET", "/api/v1/campaigns/a1/tally").status == 200);

    // The organizers each may pick from, and whose pages these are.
    CHECK(http_request(f.port(), "GET", "/api/v1/organizers").status == 401);
    auto own = json::parse(f.as(county_a, "GET", "/api/v1/organizers").body);
    CHECK(own == json::parse(R"({"organizers":[{"id":"county-a","name":"甲县普法办","wechat_account":false}]})"));
    auto all = json::parse(f.as(city, "GET", "/api/v1/organizers").body)["organizers"];
    REQUIRE(all.size() == 3);
    CHECK(all[0]["id"] == "");
    CHECK(all[0]["name"] == "市普法办（市级）");
    CHECK(all[1]["id"] == "county-a");
    CHECK(all[2]["name"] == "乙县普法办");
    CHECK(json::parse(f.token("GET", "/api/v1/organizers").body)["organizers"] == all);
    auto me = json::parse(f.as(county_a, "GET", "/api/v1/admin/me").body);
    CHECK(me["organizer"] == json{{"id", "county-a"}, {"name", "甲县普法办"}});
    CHECK(json::parse(f.as(city, "GET", "/api/v1/admin/me").body)["organizer"]["id"] == "");

    // The staff audit trail holds every organizer's actions: the city level reads it, a county's staff not.
    CHECK(f.as(county_a, "GET", "/api/v1/admin/audit-trail").status == 403);
    CHECK(f.token("GET", "/api/v1/admin/audit-trail").status == 200);
    auto entries = f.audit_entries();
    auto by_county = [&](const std::string& action) {
        return std::any_of(entries.begin(), entries.end(), [&](const json& e) {
            return e["who"] == "a.admin" && e["action"] == action &&
                   e["detail"].value("actor_organizer", "") == "county-a";
        });
    };
    CHECK(by_county("login"));
    CHECK(by_county("campaign.create"));
    CHECK(by_county("totp.enable"));  // the account's own events too
    CHECK(std::none_of(entries.begin(), entries.end(), [](const json& e) {
        return e["who"] == "c.viewer" && e["detail"].contains("actor_organizer");
    }));
}

TEST_CASE("pingyi user organizer: moves an account and ends its sessions, auditors stay city level") {
    fixture f;
    const auto url = " --redis-url " + f.redis.url();
    CHECK(run_pingyi("user add x1 --role viewer --organizer 'county a'" + url) == 2);
    CHECK(run_pingyi("user add x1 --role auditor --organizer county-a" + url) == 2);
    CHECK(f.db.integer({"EXISTS", "pingyi:staff:user:x1"}) == 0);
    REQUIRE(run_pingyi("user add aud1 --role auditor" + url) == 0);
    auto session = f.member("m.viewer", "viewer", "county-b");
    CHECK(f.db.string({"HGET", "pingyi:staff:user:m.viewer", "organizer"}) == "county-b");
    REQUIRE(f.token("POST", "/api/v1/campaigns",
                    campaign_body("a1", 3, upcoming, far_end, R"(,"organizer_id":"county-a")"))
                .status == 201);
    CHECK(f.as(session, "GET", "/api/v1/campaigns/a1/tally").status == 404);

    CHECK(run_pingyi("user organizer m.viewer" + url) == 2);  // neither an organizer nor --city
    CHECK(run_pingyi("user organizer m.viewer bad/id" + url) == 2);
    CHECK(run_pingyi("user organizer nobody county-a" + url) == 1);
    CHECK(run_pingyi("user organizer aud1 county-a" + url) == 2);
    REQUIRE(run_pingyi("user organizer m.viewer county-a" + url) == 0);
    CHECK(f.db.string({"HGET", "pingyi:staff:user:m.viewer", "organizer"}) == "county-a");
    CHECK(f.as(session, "GET", "/api/v1/campaigns/a1/tally").status == 401);  // its sessions ended
    auto moved = staff_member(f.port(), "m.viewer", password).sign_in();
    CHECK(f.as(moved, "GET", "/api/v1/campaigns/a1/tally").status == 200);
    CHECK(run_pingyi("user role m.viewer auditor" + url) == 2);  // an auditor must be city level first

    REQUIRE(run_pingyi("user organizer m.viewer --city" + url) == 0);
    CHECK(f.db.integer({"HEXISTS", "pingyi:staff:user:m.viewer", "organizer"}) == 0);
    auto entries = f.audit_entries();
    auto moves = std::count_if(entries.begin(), entries.end(), [](const json& e) { return e["action"] == "user.organizer"; });
    CHECK(moves == 2);
    auto last = std::find_if(entries.rbegin(), entries.rend(), [](const json& e) { return e["action"] == "user.organizer"; });
    REQUIRE(last != entries.rend());
    CHECK((*last)["detail"]["from"] == "county-a");
    CHECK((*last)["detail"]["to"] == "");
}
