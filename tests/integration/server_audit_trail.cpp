// The staff audit trail against a running pingyi-server and a real
// redis-server: separation of duties (an auditor reads the trail and nothing
// else), the exports and their offline check (`pingyi verify-audit`), a
// deleted entry found, the retention trim, and the retention's minimum.
#include <doctest/doctest.h>

#include <algorithm>
#include <chrono>
#include <fstream>
#include <functional>
#include <sstream>
#include <thread>

#include <sys/stat.h>
#include <sys/wait.h>

#include <boost/asio/io_context.hpp>
#include <nlohmann/json.hpp>

#include "server/admin_chain.hpp"
#include "server/admin_log.hpp"
#include "server/app.hpp"
#include "tests/support/campaigns.hpp"
#include "tests/support/http_client.hpp"
#include "tests/support/redis_server.hpp"
#include "tests/support/server_process.hpp"
#include "tests/support/staff.hpp"

using namespace pingyi::test;
using nlohmann::json;

namespace {

const std::string staff_password = "separate-duties-2024";
const std::map<std::string, std::string> json_type{{"Content-Type", "application/json"}};
const std::map<std::string, std::string> token_auth{{"Authorization", "Bearer " + admin_token},
                                                    {"Content-Type", "application/json"}};
constexpr std::int64_t day_ms = 86'400'000;

struct fixture {
    redis_server redis;
    sync_redis db{redis.port()};
    std::unique_ptr<server_process> server;

    // `seed` runs against Redis before the server starts.
    explicit fixture(env_map extra = {}, const std::function<void(sync_redis&)>& seed = {}) {
        if (seed) seed(db);
        extra.emplace("PINGYI_REDIS_URL", redis.url());
        extra.emplace("PINGYI_ADMIN_TOKEN", admin_token);
        server = std::make_unique<server_process>(extra);
    }

    int port() const { return server->port(); }

    http_result call(const std::string& method, const std::string& target,
                     const std::map<std::string, std::string>& headers = token_auth, const std::string& body = {}) {
        return http_request(port(), method, target, body, headers);
    }

    // `pingyi user add` with the password on stdin; the exit status.
    int user_add(const std::string& name, const std::string& role) {
        std::string script = "printf '%s\\n' \"$PW\" | \"$PINGYI\" user add " + name + " --role " + role +
                             " --redis-url " + redis.url();
        child_process p({"/bin/sh", "-c", script}, {"PW=" + staff_password, "PINGYI=" + bin_dir() + "/pingyi"});
        int status = p.wait_exit(60000);
        return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    }

    staff_session login(const std::string& name) { return staff_member(port(), name, staff_password).sign_in(); }

    std::vector<std::string> actions() { return admin_log_actions(db); }
};

std::vector<std::string> lines_of(const std::string& text) {
    std::vector<std::string> out;
    std::istringstream in(text);
    for (std::string line; std::getline(in, line);) out.push_back(line);
    return out;
}

pingyi::server::trail_report verify_text(const std::string& text) {
    std::istringstream in(text);
    return pingyi::server::verify_trail(in);
}

std::string code_of(const http_result& r) {
    auto j = json::parse(r.body, nullptr, false);
    return j.is_object() && j.contains("error") ? j["error"].value("code", "") : "";
}

// `pingyi verify-audit FILE`: the exit status and what it printed.
int verify_audit(const std::string& file, std::string& output) {
    temp_dir dir;
    std::string out_path = dir.path() + "/out.txt";
    child_process p({bin_dir() + "/pingyi", "verify-audit", file}, {}, out_path);
    int status = p.wait_exit(10000);
    std::ifstream in(out_path);
    output.assign(std::istreambuf_iterator<char>(in), {});
    return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

// Appends an entry as the server does, at a chosen time.
void append_at(sync_redis& db, std::int64_t time_ms, const std::string& who, const std::string& action) {
    auto r = db.command(pingyi::server::admin_append_command(time_ms, who, action, "", {{"seeded", true}}));
    REQUIRE(r);
    REQUIRE(r->type == REDIS_REPLY_INTEGER);
}

std::int64_t now_ms() {
    return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch())
        .count();
}

}  // namespace

TEST_CASE("separation of duties: an auditor reads the audit trail and nothing else") {
    fixture f;
    REQUIRE(create_campaign(f.port(), campaign_body("duties")) == 201);
    REQUIRE(f.user_add("auditor1", "auditor") == 0);
    REQUIRE(f.user_add("viewer1", "viewer") == 0);
    auto auditor = f.login("auditor1");

    auto me = f.call("GET", "/api/v1/admin/me", auditor.headers(false));
    CHECK(me.status == 200);
    CHECK(json::parse(me.body)["role"] == "auditor");

    const std::string c = "/api/v1/campaigns/duties";
    auto panel = json{{"scores", {{{"judge", "j1"}, {"unit", "u01"}, {"score", 90}}}}}.dump();
    struct refused_call {
        std::string method, target, body;
    };
    for (const auto& call : std::vector<refused_call>{
             {"GET", c + "/tally", ""},
             {"GET", c + "/results", ""},
             {"GET", c + "/audit-log", ""},
             {"POST", "/api/v1/campaigns", campaign_body("by-auditor")},
             {"PUT", c + "/panel-scores", panel},
             {"PUT", c + "/units/u01/status", R"({"status":"absent","reason":"x"})"},
             {"POST", c + "/results/publish", "{}"}}) {
        auto r = f.call(call.method, call.target, auditor.headers(call.method != "GET"), call.body);
        INFO(call.method << " " << call.target << " -> " << r.status << " " << r.body);
        CHECK(r.status == 403);
        CHECK(code_of(r) == "forbidden");
        CHECK(r.body.find("审计") != std::string::npos);
    }
    CHECK(f.call("GET", "/admin", auditor.headers(false)).status != 200);
    CHECK(f.call("GET", "/admin/dashboard?c=duties", auditor.headers(false)).status != 200);

    auto trail = f.call("GET", "/api/v1/admin/audit-trail", auditor.headers(false));
    CHECK(trail.status == 200);
    CHECK(trail.header("content-type").starts_with("application/x-ndjson"));
    CHECK(f.call("GET", "/api/v1/admin/audit-trail/verify", auditor.headers(false)).status == 200);
    auto page = f.call("GET", "/admin/audit", auditor.headers(false));
    CHECK(page.status == 200);
    CHECK(page.header("content-type").starts_with("text/html"));

    // A viewer reads campaigns but not the audit trail.
    auto viewer = f.login("viewer1");
    CHECK(f.call("GET", c + "/tally", viewer.headers(false)).status == 200);
    auto refused = f.call("GET", "/api/v1/admin/audit-trail", viewer.headers(false));
    CHECK(refused.status == 403);
    CHECK(code_of(refused) == "forbidden");
    CHECK(f.call("GET", "/api/v1/admin/audit-trail/verify", viewer.headers(false)).status == 403);
    CHECK(f.call("GET", "/admin/audit", viewer.headers(false)).status == 403);

    // Without a session: 401, and the page sends to the login.
    CHECK(f.call("GET", "/api/v1/admin/audit-trail", json_type).status == 401);
    auto login_page = f.call("GET", "/admin/audit", json_type);
    CHECK(login_page.status == 302);
    CHECK(login_page.header("location") == "/admin/login?next=%2Fadmin%2Faudit");

    // What the auditor was refused changed nothing; what they read is on record.
    CHECK(f.call("GET", "/api/v1/campaigns/by-auditor", token_auth).status == 404);
    auto actions = f.actions();
    CHECK(std::count(actions.begin(), actions.end(), "audit.export") == 1);
    CHECK(f.call("POST", "/admin/logout", auditor.headers(true)).status == 200);
}

TEST_CASE("no route deletes or changes audit trail entries") {
    fixture f;
    REQUIRE(create_campaign(f.port(), campaign_body("kept")) == 201);
    const auto before = f.db.integer({"XLEN", "pingyi:admin-log"});
    for (const std::string target : {"/api/v1/admin/audit-trail", "/api/v1/admin/audit-trail/verify",
                                     "/api/v1/admin/audit-trail/1"}) {
        for (const std::string method : {"DELETE", "POST", "PUT", "PATCH"}) {
            auto r = f.call(method, target, token_auth, "{}");
            INFO(method << " " << target);
            CHECK((r.status == 404 || r.status == 405));
        }
    }
    CHECK(f.db.integer({"XLEN", "pingyi:admin-log"}) == before);

    // Every route the server has that names the trail only reads.
    std::map<std::string, std::string> env{{"PINGYI_DEV", "1"}, {"PINGYI_THREADS", "1"}};
    std::vector<std::string> warnings;
    boost::asio::io_context ioc;
    pingyi::server::app application(pingyi::server::load_config(std::nullopt, env, warnings));
    auto setup = application.hooks().make_worker(ioc, 0);
    int trail_routes = 0;
    for (const auto& r : setup.routes->routes()) {
        if (r.pattern.find("audit-trail") == std::string::npos && r.pattern != "/admin/audit") continue;
        ++trail_routes;
        CHECK(r.method == pingyi::http::bhttp::verb::get);
    }
    CHECK(trail_routes == 3);
    setup.on_stop();
}

TEST_CASE("audit trail: the NDJSON export verifies offline and matches the server's check") {
    fixture f;
    REQUIRE(create_campaign(f.port(), campaign_body("exp1")) == 201);
    REQUIRE(create_campaign(f.port(), campaign_body("exp2")) == 201);
    auto failed = http_request(f.port(), "POST", "/admin/login",
                               json{{"username", "nobody\nforged"}, {"password", "wrong-password-1"}}.dump(), json_type);
    CHECK(failed.status == 401);

    auto r = f.call("GET", "/api/v1/admin/audit-trail");
    REQUIRE(r.status == 200);
    CHECK(r.header("content-disposition").find("pingyi-audit-trail.ndjson") != std::string::npos);
    auto lines = lines_of(r.body);
    REQUIRE(lines.size() >= 5);  // anchor, 2 × campaign.create, login.failed, audit.export
    auto anchor = json::parse(lines[0]);
    CHECK(anchor["anchor"]["seq"] == 0);
    std::vector<std::string> actions;
    for (std::size_t i = 1; i < lines.size(); ++i) {
        auto j = json::parse(lines[i]);
        CHECK(j["seq"] == i);
        CHECK(j["time"].get<std::string>().ends_with("+08:00"));
        actions.push_back(j["action"]);
        if (j["action"] == "login.failed") CHECK(j["who"].get<std::string>().find('\n') == std::string::npos);
        if (j["action"] == "campaign.create") CHECK(j["who"] == "token");
    }
    CHECK(std::count(actions.begin(), actions.end(), "campaign.create") == 2);
    CHECK(std::count(actions.begin(), actions.end(), "login.failed") == 1);
    CHECK(actions.back() == "audit.export");  // the export itself is on record
    auto offline = verify_text(r.body);
    CHECK_MESSAGE(offline.ok, offline.problem);

    auto checked = f.call("GET", "/api/v1/admin/audit-trail/verify");
    REQUIRE(checked.status == 200);
    auto v = json::parse(checked.body);
    CHECK(v["ok"] == true);
    CHECK(v["problem"].is_null());
    CHECK(v["count"] == offline.count);
    CHECK(v["head"] == offline.head);
    CHECK(v["anchor"]["seq"] == 0);

    // `pingyi verify-audit`: the file as downloaded, then with one detail changed.
    temp_dir dir;
    std::string file = dir.path() + "/trail.ndjson";
    std::ofstream(file) << r.body;
    std::string output;
    CHECK(verify_audit(file, output) == 0);
    CHECK(output.find("一致 (OK)") != std::string::npos);
    auto tampered = lines;
    auto third = nlohmann::ordered_json::parse(tampered[3]);
    third["detail"]["changed"] = true;
    tampered[3] = third.dump();
    std::ofstream out(file, std::ios::trunc);
    for (const auto& l : tampered) out << l << "\n";
    out.close();
    CHECK(verify_audit(file, output) == 1);
    CHECK(output.find("第 4 行") != std::string::npos);
}

TEST_CASE("audit trail: the CSV export and the since filter") {
    fixture f;
    REQUIRE(create_campaign(f.port(), campaign_body("csv1")) == 201);
    auto csv = f.call("GET", "/api/v1/admin/audit-trail?format=csv");
    REQUIRE(csv.status == 200);
    CHECK(csv.header("content-type") == "text/csv; charset=utf-8");
    CHECK(csv.body.starts_with("\xEF\xBB\xBF序号,时间,操作人,操作,评议活动,详情,校验值\r\n"));
    CHECK(csv.body.find("\r\n1,") != std::string::npos);
    CHECK(csv.body.find(",campaign.create,csv1,") != std::string::npos);

    // since: only later entries, after an anchor line that continues the chain.
    auto future = f.call("GET", "/api/v1/admin/audit-trail?since=2099-01-01T00:00:00%2B08:00");
    REQUIRE(future.status == 200);
    auto only_anchor = lines_of(future.body);
    REQUIRE(only_anchor.size() == 1);
    CHECK(json::parse(only_anchor[0])["anchor"]["seq"] == 3);  // campaign.create and two exports before it
    auto all = lines_of(f.call("GET", "/api/v1/admin/audit-trail").body);
    auto second_time = json::parse(all[2])["time"].get<std::string>();
    // Unencoded '+' arrives as a space; the route reads it as meant.
    auto since = f.call("GET", "/api/v1/admin/audit-trail?since=" + second_time);
    REQUIRE(since.status == 200);
    auto later = lines_of(since.body);
    REQUIRE(later.size() >= 2);
    CHECK(json::parse(later[0])["anchor"]["seq"].get<int>() + 1 == json::parse(later[1])["seq"].get<int>());
    CHECK(json::parse(later[1])["time"].get<std::string>() >= second_time);
    auto r = verify_text(since.body);
    CHECK_MESSAGE(r.ok, r.problem);

    CHECK(f.call("GET", "/api/v1/admin/audit-trail?since=yesterday").status == 400);
    CHECK(f.call("GET", "/api/v1/admin/audit-trail?format=xml").status == 400);
}

TEST_CASE("audit trail: a deleted entry is found by the server's verification") {
    fixture f;
    for (auto id : {"del1", "del2", "del3", "del4"}) REQUIRE(create_campaign(f.port(), campaign_body(id)) == 201);
    auto ok = json::parse(f.call("GET", "/api/v1/admin/audit-trail/verify").body);
    CHECK(ok["ok"] == true);
    CHECK(ok["count"] == 4);

    CHECK(f.db.integer({"XDEL", "pingyi:admin-log", "2-0"}) == 1);
    auto gap = json::parse(f.call("GET", "/api/v1/admin/audit-trail/verify").body);
    CHECK(gap["ok"] == false);
    CHECK(gap["problem"].get<std::string>().find("第 2 条记录缺失") != std::string::npos);
    // The export stops before the gap, and says nothing false about it.
    auto lines = lines_of(f.call("GET", "/api/v1/admin/audit-trail").body);
    CHECK(lines.size() == 2);

    // The last entries deleted: the counter still knows there were more.
    fixture g;
    for (auto id : {"tail1", "tail2"}) REQUIRE(create_campaign(g.port(), campaign_body(id)) == 201);
    CHECK(g.db.integer({"XDEL", "pingyi:admin-log", "2-0"}) == 1);
    auto tail = json::parse(g.call("GET", "/api/v1/admin/audit-trail/verify").body);
    CHECK(tail["ok"] == false);
    CHECK(tail["problem"].get<std::string>().find("最后的记录被删除") != std::string::npos);
}

TEST_CASE("audit trail: the retention trim keeps the newest entries and the chain verifiable") {
    const auto now = now_ms();
    std::vector<pingyi::server::admin_entry> seeded;
    fixture f({}, [&](sync_redis& db) {
        for (int i = 0; i < 3; ++i) append_at(db, now - 200 * day_ms + i, "old", "seeded.old");
        append_at(db, now - 179 * day_ms, "recent", "seeded.recent");
        append_at(db, now - 1000, "recent", "seeded.recent");
        auto r = db.command({"XRANGE", "pingyi:admin-log", "-", "+"});
        for (std::size_t i = 0; i < r->elements; ++i) {
            std::vector<std::string> fields;
            auto* kv = r->element[i]->element[1];
            for (std::size_t k = 0; k < kv->elements; ++k) fields.emplace_back(kv->element[k]->str);
            seeded.push_back(*pingyi::server::parse_admin_entry(r->element[i]->element[0]->str, fields));
        }
    });
    REQUIRE(seeded.size() == 5);

    // The server trims at start.
    json v;
    for (int i = 0; i < 100; ++i) {
        v = json::parse(f.call("GET", "/api/v1/admin/audit-trail/verify").body);
        if (v["anchor"]["seq"] != 0) break;
        std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    CHECK(v["ok"] == true);
    CHECK(v["anchor"]["seq"] == 3);
    pingyi::server::trail_checker whole;
    for (const auto& e : seeded) whole.add(e);
    pingyi::server::trail_checker first_three;
    for (int i = 0; i < 3; ++i) first_three.add(seeded[static_cast<std::size_t>(i)]);
    CHECK(v["anchor"]["hash"] == first_three.report().head);

    auto r = f.call("GET", "/api/v1/admin/audit-trail");
    auto lines = lines_of(r.body);
    REQUIRE(lines.size() >= 4);
    CHECK(json::parse(lines[0])["anchor"]["seq"] == 3);
    CHECK(json::parse(lines[1])["seq"] == 4);
    CHECK(json::parse(lines[1])["action"] == "seeded.recent");  // 179 days old: kept
    CHECK(json::parse(lines[2])["hash"] == whole.report().head);
    auto trim = json::parse(lines[3]);
    CHECK(trim["action"] == "audit.trim");
    CHECK(trim["who"] == "system");
    CHECK(trim["detail"]["entries"] == 3);
    auto offline = verify_text(r.body);
    CHECK_MESSAGE(offline.ok, offline.problem);
    auto actions = f.actions();
    CHECK(std::count(actions.begin(), actions.end(), "seeded.old") == 0);
}

TEST_CASE("audit trail: a retention below 180 days is refused at start") {
    std::string out;
    int code = run_server_expecting_exit({{"PINGYI_DEV", "1"}, {"PINGYI_AUDIT_RETENTION_DAYS", "179"}}, {}, out);
    CHECK(code == 2);
    CHECK(out.find("PINGYI_AUDIT_RETENTION_DAYS 不能少于 180 天") != std::string::npos);

    temp_dir dir;
    std::string file = dir.path() + "/pingyi.json";
    std::ofstream(file) << R"({"audit_retention_days": 90})";
    ::chmod(file.c_str(), 0600);
    code = run_server_expecting_exit({{"PINGYI_DEV", "1"}}, {"--config", file}, out);
    CHECK(code == 2);
    CHECK(out.find("不能少于 180 天") != std::string::npos);
}

TEST_CASE("audit trail: a trail from before the sequence numbers is kept aside, not lost") {
    fixture f({}, [](sync_redis& db) {
        db.command({"XADD", "pingyi:admin-log", "*", "time", "1", "who", "admin", "action", "login", "campaign", "",
                    "detail", "{}"});
    });
    REQUIRE(create_campaign(f.port(), campaign_body("after")) == 201);
    CHECK(f.db.integer({"XLEN", "{pingyi:admin-log}:before-chain"}) == 1);
    auto first = f.db.command({"XRANGE", "pingyi:admin-log", "-", "+", "COUNT", "1"});
    REQUIRE(first->elements == 1);
    CHECK(std::string(first->element[0]->element[0]->str) == "1-0");
    auto v = json::parse(f.call("GET", "/api/v1/admin/audit-trail/verify").body);
    CHECK(v["ok"] == true);
}
