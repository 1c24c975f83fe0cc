// Voters' personal data deleted once a campaign's retention is over, by an
// operator (`pingyi purge`) or by the server itself: the voter records,
// idempotency keys, limit states, origins, signal reviews and the key of the
// log's pseudonyms go; the log, the tally and the results stay, and the
// export verifies with the same digest as before.
#include <doctest/doctest.h>

#include <fstream>
#include <set>
#include <sstream>
#include <thread>

#include <sys/wait.h>

#include <nlohmann/json.hpp>

#include "server/admin_log.hpp"
#include "server/campaign_cache.hpp"
#include "server/signal_store.hpp"
#include "tests/support/campaigns.hpp"
#include "tests/support/process.hpp"
#include "tests/support/voter.hpp"
#include "tests/support/voting_server.hpp"
#include "vote/audit_chain.hpp"
#include "vote/ballot_script.hpp"
#include "vote/campaign_store.hpp"
#include "vote/keys.hpp"
#include "vote/time.hpp"

using namespace pingyi::test;
namespace keys = pingyi::vote::keys;
using nlohmann::json;

namespace {

struct cli_result {
    int status = -1;
    std::string output;
};

cli_result run_pingyi(const std::vector<std::string>& args, const std::string& redis_url) {
    temp_dir dir;
    const std::string out = dir.path() + "/out.txt";
    std::vector<std::string> argv{bin_dir() + "/pingyi"};
    argv.insert(argv.end(), args.begin(), args.end());
    child_process p(argv, {"PINGYI_REDIS_URL=" + redis_url, "USER=operator1"}, out);
    int status = p.wait_exit(20000);
    std::ifstream in(out);
    return {WIFEXITED(status) ? WEXITSTATUS(status) : -1, std::string(std::istreambuf_iterator<char>(in), {})};
}

std::vector<std::string> all_keys(sync_redis& db, const std::string& cid) {
    std::vector<std::string> out;
    auto r = db.command({"KEYS", keys::pattern(cid)});
    for (std::size_t i = 0; i < r->elements; ++i) out.emplace_back(r->element[i]->str, r->element[i]->len);
    return out;
}

std::size_t personal_keys(sync_redis& db, const std::string& cid) {
    std::size_t n = 0;
    for (const auto& k : all_keys(db, cid))
        n += keys::holds_personal_data(cid, k) || k == pingyi::server::signal_reviews_key(cid);
    return n;
}

std::size_t voter_records(sync_redis& db, const std::string& cid) {
    std::size_t n = 0;
    for (const auto& k : all_keys(db, cid)) n += k.starts_with(keys::voter(cid, ""));
    return n;
}

// The staff audit trail's entries as (who, action, campaign).
std::vector<std::tuple<std::string, std::string, std::string>> trail(sync_redis& db) {
    std::vector<std::tuple<std::string, std::string, std::string>> out;
    auto r = db.command({"XRANGE", std::string(pingyi::server::admin_log_key), "-", "+"});
    for (std::size_t i = 0; i < r->elements; ++i) {
        std::map<std::string, std::string> f;
        auto* fields = r->element[i]->element[1];
        for (std::size_t j = 0; j + 1 < fields->elements; j += 2) f[fields->element[j]->str] = fields->element[j + 1]->str;
        out.emplace_back(f["who"], f["action"], f["campaign"]);
    }
    return out;
}

bool has_entry(sync_redis& db, const std::string& who, const std::string& action, const std::string& cid) {
    auto all = trail(db);
    return std::find(all.begin(), all.end(), std::tuple{who, action, cid}) != all.end();
}

std::string export_of(voting_server& f, const std::string& cid) {
    auto r = f.admin("GET", "/api/v1/campaigns/" + cid + "/audit-log");
    REQUIRE(r.status == 200);
    return r.body;
}

}  // namespace

TEST_CASE("purge: pingyi purge deletes the voters' personal data, the export verifies as before, no more ballots") {
    voting_server f;
    sync_redis db(f.redis.port());
    REQUIRE(create_campaign(f.port(), campaign_body("pg1", 3, "2019-12-20T09:00:00+08:00", "2099-12-27T18:00:00+08:00",
                                                    R"(,"privacy":{"retention_days":30})")) == 201);
    voter alice(f.port(), "oAlicePurge");
    voter bob(f.port(), "oBobPurge");
    REQUIRE(alice.login("pg1") == 302);
    REQUIRE(bob.login("pg1") == 302);
    REQUIRE(alice.ballot("pg1", R"({"units":["u01","u02"]})", "alice-key-1").status == 201);
    REQUIRE(bob.ballot("pg1", R"({"units":["u02"]})").status == 201);
    db.command({"HSET", pingyi::server::signal_reviews_key("pg1"), "address_share:u01:198.51.100.7", "{}"});

    // Still open: nothing is deleted, whatever the operator asks.
    auto open = run_pingyi({"purge", "--campaign", "pg1", "--early"}, f.redis.url());
    CHECK(open.status == 1);
    CHECK(open.output.find("评议尚未结束") != std::string::npos);
    REQUIRE(f.admin("POST", "/api/v1/campaigns/pg1/close").status == 200);

    const auto before_export = export_of(f, "pg1");
    const auto digest = f.admin_json("/api/v1/campaigns/pg1/audit-log/digest");
    const auto tally = f.admin_json("/api/v1/campaigns/pg1/tally");
    // Two voter records, an idempotency key, the origins, the log key and
    // the reviews at least (limit states come and go with time).
    CHECK(personal_keys(db, "pg1") >= 6);
    CHECK(voter_records(db, "pg1") == 2);
    CHECK(db.string({"GET", keys::log_key("pg1")}).size() == 128);

    // Within the retention only with --early; unknown campaigns and bad usage are refused.
    auto early = run_pingyi({"purge", "--campaign", "pg1"}, f.redis.url());
    CHECK(early.status == 1);
    CHECK(early.output.find("--early") != std::string::npos);
    CHECK(voter_records(db, "pg1") == 2);
    CHECK(db.string({"GET", keys::log_key("pg1")}).size() == 128);
    CHECK(run_pingyi({"purge", "--campaign", "nope", "--early"}, f.redis.url()).status == 1);
    CHECK(run_pingyi({"purge"}, f.redis.url()).status == 2);
    CHECK(run_pingyi({"purge", "--campaign", "pg1", "--soon"}, f.redis.url()).status == 2);

    auto purged = run_pingyi({"purge", "--campaign", "pg1", "--early"}, f.redis.url());
    CHECK_MESSAGE(purged.status == 0, purged.output);
    CHECK(purged.output.find("已删除") != std::string::npos);
    CHECK(personal_keys(db, "pg1") == 0);
    CHECK(db.string({"GET", keys::log_key("pg1")}).empty());
    CHECK(db.integer({"EXISTS", keys::voter("pg1", alice.cookie("pingyi_session"))}) == 0);
    CHECK_FALSE(db.string({"HGET", keys::rules("pg1"), "purged_ms"}).empty());
    CHECK(has_entry(db, "cli:operator1", "campaign.purge", "pg1"));

    // What stays: the log, its digest and the tally, which still verify.
    const auto after_export = export_of(f, "pg1");
    CHECK(after_export == before_export);
    CHECK(f.admin_json("/api/v1/campaigns/pg1/audit-log/digest") == digest);
    CHECK(f.admin_json("/api/v1/campaigns/pg1/tally") == tally);
    std::istringstream in(after_export);
    auto report = pingyi::vote::verify_log(in);
    CHECK(report.ok);
    CHECK(report.count == 2);
    temp_dir dir;
    std::ofstream(dir.path() + "/log.ndjson") << after_export;
    std::ofstream(dir.path() + "/tally.json") << tally.dump();
    auto verified = run_pingyi({"verify", dir.path() + "/log.ndjson", "--tally", dir.path() + "/tally.json"}, f.redis.url());
    CHECK_MESSAGE(verified.status == 0, verified.output);

    // Once is enough; the privacy notice says when; reopened, the campaign still takes no ballot.
    auto again = run_pingyi({"purge", "--campaign", "pg1"}, f.redis.url());
    CHECK(again.status == 0);
    CHECK(again.output.find("purged before") != std::string::npos);
    auto notice = json::parse(http_request(f.port(), "GET", "/api/v1/privacy?campaign=pg1").body);
    CHECK(notice["campaign"]["purged_at"].is_string());
    json body = f.admin_json("/api/v1/campaigns/pg1");
    body.erase("state");
    body["closes_at"] = "2099-12-27T18:00:00+08:00";
    REQUIRE(f.admin("PUT", "/api/v1/campaigns/pg1", body.dump()).status == 200);
    voter carol(f.port(), "oCarolPurge");
    REQUIRE(carol.login("pg1") == 302);
    auto refused = carol.ballot("pg1", R"({"units":["u03"]})");
    CHECK(refused.status == 403);
    CHECK(refused.body.find("not_open") != std::string::npos);
    CHECK(export_of(f, "pg1") == before_export);
}

TEST_CASE("purge: the server deletes a campaign's personal data by itself once its retention is over") {
    redis_server redis;
    sync_redis db(redis.port());
    // A campaign that closed in 2019 and keeps personal data 1 day, with two
    // ballots cast back then (the script's injected clock).
    auto parsed = pingyi::vote::parse_campaign(R"({"id":"old1","title":"早已结束的评议",
        "opens_at":"2019-12-20T09:00:00+08:00","closes_at":"2019-12-27T18:00:00+08:00",
        "units":[{"id":"u1","name":"市公安局"},{"id":"u2","name":"市司法局"}],"privacy":{"retention_days":1}})");
    REQUIRE(std::holds_alternative<pingyi::vote::campaign>(parsed));
    const auto& c = std::get<pingyi::vote::campaign>(parsed);
    REQUIRE(db.integer(pingyi::vote::create_campaign_call(c).eval(pingyi::vote::create_campaign_script())) == 1);
    db.command({"ZADD", std::string(pingyi::server::campaign_cache::index_key), std::to_string(c.opens_ms), c.id});
    pingyi::ratelimit::config limits;
    limits.global = pingyi::ratelimit::mode::off;
    for (int i = 0; i < 2; ++i) {
        pingyi::vote::ballot_request q;
        q.campaign_id = c.id;
        q.voter = "Account" + std::to_string(i) + "AAAAAAAAAAAAAA";
        q.client_address = "203.0.113." + std::to_string(i + 1);
        q.user_agent_hash = "uaHashAAAAAA";
        q.nonce = "n" + std::to_string(i);
        q.now_ms = *pingyi::vote::parse_rfc3339("2019-12-22T10:00:00+08:00") + i * 1000;
        auto reply = db.command(pingyi::vote::ballot_call(q, {{"u1"}, {}}, limits).eval(pingyi::vote::ballot_script()));
        REQUIRE(reply->type == REDIS_REPLY_ARRAY);
    }
    const auto log_before = db.command({"XLEN", keys::log(c.id)})->integer;
    REQUIRE(log_before == 2);
    REQUIRE(personal_keys(db, c.id) >= 3);  // voter records, origins, the log key

    server_process server(env_map{{"PINGYI_REDIS_URL", redis.url()}});
    for (int i = 0; i < 100 && db.string({"HGET", keys::rules(c.id), "purged_ms"}).empty(); ++i)
        std::this_thread::sleep_for(std::chrono::milliseconds(100));
    CHECK_FALSE(db.string({"HGET", keys::rules(c.id), "purged_ms"}).empty());
    CHECK(personal_keys(db, c.id) == 0);
    CHECK(db.command({"XLEN", keys::log(c.id)})->integer == 2);
    CHECK(db.string({"HGET", keys::tally(c.id), "u1"}) == "2");
    CHECK(has_entry(db, "system", "campaign.purge", c.id));
    CHECK(server.log().find("personal data purged") != std::string::npos);
}
