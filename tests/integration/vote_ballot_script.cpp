#include <doctest/doctest.h>

#include <atomic>
#include <sstream>
#include <thread>

#include <nlohmann/json.hpp>

#include "tests/support/redis_server.hpp"
#include "vote/audit_chain.hpp"
#include "vote/ballot_script.hpp"
#include "vote/campaign_store.hpp"
#include "vote/keys.hpp"
#include "vote/log_pseudonym.hpp"
#include "vote/refusals.hpp"
#include "vote/time.hpp"

using namespace pingyi;
using namespace pingyi::vote;
using nlohmann::json;

namespace {

json read_refusals(test::sync_redis& r, const std::string& cid) {
    auto reply = r.command(refusals_command(cid));
    std::vector<std::string> flat;
    for (std::size_t i = 0; i < reply->elements; ++i) flat.emplace_back(reply->element[i]->str, reply->element[i]->len);
    return refusals_json(flat);
}

const std::int64_t opens = *parse_rfc3339("2019-12-20T09:00:00+08:00");
const std::int64_t closes = *parse_rfc3339("2019-12-27T18:00:00+08:00");
const std::int64_t during = opens + 3'600'000;

campaign make_campaign(std::string id, json rules, bool satisfaction = false) {
    json body = {{"id", std::move(id)},
                 {"title", "测试评议"},
                 {"opens_at", "2019-12-20T09:00:00+08:00"},
                 {"closes_at", "2019-12-27T18:00:00+08:00"},
                 {"units", json::array()},
                 {"rules", std::move(rules)}};
    for (int i = 0; i < 6; ++i) body["units"].push_back({{"id", "u" + std::to_string(i)}, {"name", "单位"}});
    if (satisfaction) body["scoring"] = {{"public_method", "satisfaction"}};
    auto r = campaign_from_json(body);
    REQUIRE(std::holds_alternative<campaign>(r));
    return std::get<campaign>(r);
}

ratelimit::config no_limits() {
    ratelimit::config c;
    c.global = ratelimit::mode::off;
    return c;
}

std::vector<std::string> strings(const redisReply* r) {
    std::vector<std::string> out;
    for (std::size_t i = 0; i < r->elements; ++i) out.emplace_back(r->element[i]->str, r->element[i]->len);
    return out;
}

std::vector<log_entry> read_log(test::sync_redis& r, const std::string& cid) {
    auto reply = r.command(log_range_command(cid, 1, 0, 1'000'000));
    std::vector<log_entry> entries;
    for (std::size_t i = 0; i < reply->elements; ++i) {
        const redisReply* item = reply->element[i];
        auto e = parse_log_entry(std::string_view(item->element[0]->str, item->element[0]->len),
                                 strings(item->element[1]));
        REQUIRE(e);
        entries.push_back(*e);
    }
    return entries;
}

tally_counts read_tally(test::sync_redis& r, const std::string& cid) {
    return parse_tally(strings(r.command(tally_command(cid)).get()));
}

// One ballot through EVAL of the full script source, as the server will send it.
struct voting {
    test::sync_redis& redis;
    campaign c;
    ratelimit::config limits = no_limits();

    ballot_answer cast(const std::string& voter, std::vector<std::string> units, std::int64_t now,
                       std::string idempotency_key = {}, std::vector<std::string> bands = {}) {
        static std::atomic<int> nonce_counter{0};
        ballot_request q;
        q.campaign_id = c.id;
        q.voter = voter;
        q.idempotency_key = std::move(idempotency_key);
        q.client_address = "192.0.2.7";
        q.user_agent_hash = "1f2e3d4c";
        q.nonce = "N" + std::to_string(++nonce_counter);
        q.now_ms = now;
        const ballot b{std::move(units), std::move(bands)};
        auto reply = redis.command(ballot_call(q, b, limits).eval(ballot_script()));
        if (reply->type == REDIS_REPLY_ERROR) FAIL(std::string(reply->str, reply->len));
        REQUIRE(reply->type == REDIS_REPLY_ARRAY);
        REQUIRE(reply->elements == 3);
        auto a = parse_ballot_answer(std::string_view(reply->element[0]->str, reply->element[0]->len),
                                     std::string_view(reply->element[1]->str, reply->element[1]->len),
                                     reply->element[2]->integer == 1);
        REQUIRE(a);
        return *a;
    }
};

void store(test::sync_redis& r, const campaign& c) {
    REQUIRE(r.integer(create_campaign_call(c).eval(create_campaign_script())) == 1);
}

}  // namespace

TEST_CASE("vote script: a campaign is stored once, the same id again is refused") {
    test::redis_server srv;
    test::sync_redis r(srv.port());
    const campaign c = make_campaign("sg2019", {{"per_day", 3}});
    CHECK(r.integer(create_campaign_call(c).eval(create_campaign_script())) == 1);
    const campaign other = make_campaign("sg2019", {{"per_day", 9}});
    CHECK(r.integer(create_campaign_call(other).evalsha(create_campaign_script())) == 0);
    CHECK(r.string({"HGET", keys::rules("sg2019"), "per_day"}) == "3");
    CHECK(r.string({"HGET", keys::rules("sg2019"), "mode"}) == "units");
    auto back = parse_campaign(r.string(get_campaign_command("sg2019")));
    REQUIRE(std::holds_alternative<campaign>(back));
    CHECK(std::get<campaign>(back).to_json() == c.to_json());
    CHECK(r.string(get_campaign_command("nope")).empty());
}

TEST_CASE("vote script: an accepted ballot counts, logs and gives a receipt") {
    test::redis_server srv;
    test::sync_redis r(srv.port());
    voting v{r, make_campaign("c1", json::object())};
    store(r, v.c);
    const ballot_answer a = v.cast("voterAAAAAAAAAAAAAAAAA", {"u1", "u3"}, during);
    CHECK(a.result == ballot_result::accepted);
    CHECK_FALSE(a.replayed);
    CHECK(a.shadow_limited.empty());
    CHECK(a.receipt.rfind("1-N", 0) == 0);
    CHECK(a.units == std::vector<std::string>{"u1", "u3"});
    CHECK(a.remaining_today == 3);
    CHECK_FALSE(a.message().empty());

    const tally_counts t = read_tally(r, "c1");
    CHECK(t.ballots == 1);
    CHECK(t.voters == 1);
    CHECK(t.counts == std::map<std::string, std::int64_t>{{"u1", 1}, {"u3", 1}});
    CHECK(tally_json(t, v.c)["units"][1] == json{{"id", "u1"}, {"votes", 1}});

    const auto log = read_log(r, "c1");
    REQUIRE(log.size() == 1);
    CHECK(log[0].seq == 1);
    CHECK(log[0].receipt() == a.receipt);
    CHECK(log[0].time_ms == during);
    CHECK(log[0].units == "u1,u3");
    // The log names the voter by the campaign's pseudonym, under the key the
    // script kept, and says nothing of where the ballot came from...
    const std::string log_key = r.string({"GET", keys::log_key("c1")});
    REQUIRE(log_key.size() == log_key_size);
    CHECK(log[0].voter == log_pseudonym(log_key, "voterAAAAAAAAAAAAAAAAA"));
    CHECK(log[0].voter.size() == 32);
    CHECK(log[0].address.empty());
    // ...which is kept apart, in a bucket expiring with the anomaly window.
    const auto bucket = origin_bucket(during, default_anomaly_window_ms);
    const auto origin = parse_origin(r.string({"HGET", keys::origin("c1", bucket), "1"}));
    REQUIRE(origin);
    CHECK(origin->address == "192.0.2.7");
    CHECK(origin->user_agent_hash == "1f2e3d4c");
    CHECK(origin->account == "voterAAAAAAAAAAAAAAAAA");
    const auto origin_ttl = r.integer({"PTTL", keys::origin("c1", bucket)});
    const auto origin_until = bucket + origin_bucket_width(default_anomaly_window_ms) + default_anomaly_window_ms;
    CHECK(origin_ttl > origin_until - during - 60'000);
    CHECK(origin_ttl <= origin_until - during);

    auto ref = parse_receipt(a.receipt);
    REQUIRE(ref);
    auto found = r.command(receipt_lookup_command("c1", *ref));
    REQUIRE(found->elements == 1);
    auto e = parse_log_entry(found->element[0]->element[0]->str, strings(found->element[0]->element[1]));
    REQUIRE(e);
    CHECK(receipt_matches(*ref, *e));
    CHECK(r.command(receipt_lookup_command("c1", {2, ref->nonce}))->elements == 0);

    // The de-dup record lives until a day after closing.
    const auto ttl = r.integer({"PTTL", keys::voter("c1", "voterAAAAAAAAAAAAAAAAA")});
    CHECK(ttl > closes + day_ms - during - 60'000);
    CHECK(ttl <= closes + day_ms - during);
}

TEST_CASE("vote script: 200 identical ballots from one voter count once") {
    test::redis_server srv;
    test::sync_redis r(srv.port());
    voting v{r, make_campaign("c2", json::object())};
    store(r, v.c);

    SUBCASE("in a row") {
        int accepted = 0, already = 0;
        for (int i = 0; i < 200; ++i) {
            const auto a = v.cast("same-voter", {"u2"}, during);
            accepted += a.result == ballot_result::accepted;
            already += a.result == ballot_result::already_voted && a.unit == "u2";
        }
        CHECK(accepted == 1);
        CHECK(already == 199);
    }
    SUBCASE("interleaved over four connections") {
        std::atomic<int> accepted{0}, already{0}, other{0};
        std::vector<std::thread> threads;
        for (int t = 0; t < 4; ++t) {
            threads.emplace_back([&] {
                test::sync_redis mine(srv.port());
                voting w{mine, v.c};
                for (int i = 0; i < 50; ++i) {
                    const auto a = w.cast("same-voter", {"u2"}, during);
                    if (a.result == ballot_result::accepted)
                        ++accepted;
                    else if (a.result == ballot_result::already_voted)
                        ++already;
                    else
                        ++other;
                }
            });
        }
        for (auto& t : threads) t.join();
        CHECK(accepted == 1);
        CHECK(already == 199);
        CHECK(other == 0);
    }
    const tally_counts t = read_tally(r, "c2");
    CHECK(t.counts == std::map<std::string, std::int64_t>{{"u2", 1}});
    CHECK(t.ballots == 1);
    CHECK(t.voters == 1);
    CHECK(read_log(r, "c2").size() == 1);
}

TEST_CASE("vote script: 50 voters x 10 ballots in parallel give exact tallies, log, chain and recount") {
    test::redis_server srv;
    test::sync_redis r(srv.port());
    voting v{r, make_campaign("c3", {{"per_unit_per_day", 1}, {"per_day", 5}})};
    store(r, v.c);
    // Each voter casts u0..u5 then u0..u3: u0..u4 pass, u5 hits per_day,
    // the repeats hit per_unit_per_day first.
    std::atomic<int> accepted{0}, daily{0}, already{0};
    std::vector<std::thread> threads;
    for (int t = 0; t < 5; ++t) {
        threads.emplace_back([&, t] {
            test::sync_redis mine(srv.port());
            voting w{mine, v.c};
            for (int i = 0; i < 10; ++i) {
                for (int k = 0; k < 10; ++k) {
                    const auto a = w.cast("voter" + std::to_string(t * 10 + k), {"u" + std::to_string(i % 6)}, during);
                    accepted += a.result == ballot_result::accepted;
                    daily += a.result == ballot_result::daily_limit;
                    already += a.result == ballot_result::already_voted;
                }
            }
        });
    }
    for (auto& t : threads) t.join();
    CHECK(accepted == 250);
    CHECK(daily == 50);
    CHECK(already == 200);

    const tally_counts t = read_tally(r, "c3");
    CHECK(t.ballots == 250);
    CHECK(t.voters == 50);
    CHECK(t.counts ==
          std::map<std::string, std::int64_t>{{"u0", 50}, {"u1", 50}, {"u2", 50}, {"u3", 50}, {"u4", 50}});

    const auto entries = read_log(r, "c3");
    REQUIRE(entries.size() == 250);
    log_chain chain;
    std::string ndjson;
    for (const auto& e : entries) ndjson += chain.append(e) + "\n";
    CHECK(ndjson.find("192.0.2.7") == std::string::npos);
    std::istringstream in(ndjson);
    const verify_report report = verify_log(in);
    CHECK(report.ok);
    CHECK(report.count == 250);
    CHECK(report.head == chain.head());
    CHECK(report.tally == t);
    CHECK_FALSE(compare_tally(report.tally, *tally_from_json(tally_json(t, v.c))));
}

TEST_CASE("vote script: every refusal, and nothing of a refused ballot counts") {
    test::redis_server srv;
    test::sync_redis r(srv.port());
    voting v{r, make_campaign("c4", {{"per_unit_per_day", 1}, {"per_day", 3}})};
    store(r, v.c);

    auto a = v.cast("v1", {"u1"}, opens - 1);
    CHECK(a.result == ballot_result::not_open);
    CHECK(a.state == "upcoming");
    a = v.cast("v1", {"u1"}, closes);
    CHECK(a.result == ballot_result::not_open);
    CHECK(a.state == "closed");
    CHECK(a.message() == "投票已经结束");
    CHECK(v.cast("v1", {"u1"}, opens).result == ballot_result::accepted);

    a = v.cast("v1", {"u2", "u1"}, during);
    CHECK(a.result == ballot_result::already_voted);
    CHECK(a.unit == "u1");
    a = v.cast("v1", {"u2", "u3", "u4"}, during);
    CHECK(a.result == ballot_result::daily_limit);
    CHECK(a.remaining_today == 2);
    a = v.cast("v1", {"u2", "u3"}, during);
    CHECK(a.result == ballot_result::accepted);
    CHECK(a.remaining_today == 0);

    // A newcomer's refused first ballot leaves no record and is no voter.
    CHECK(v.cast("v2", {"u1", "u2", "u3", "u4"}, during).result == ballot_result::daily_limit);
    CHECK(r.integer({"EXISTS", keys::voter("c4", "v2")}) == 0);

    const tally_counts t = read_tally(r, "c4");
    CHECK(t.counts == std::map<std::string, std::int64_t>{{"u1", 1}, {"u2", 1}, {"u3", 1}});
    CHECK(t.ballots == 2);
    CHECK(t.voters == 1);
    CHECK(read_log(r, "c4").size() == 2);
    // Counted for the dashboard: 2 not open, 1 already voted, 2 over the day.
    const json refused = read_refusals(r, "c4");
    CHECK(refused["not_open"] == 2);
    CHECK(refused["already_voted"] == 1);
    CHECK(refused["daily_limit"] == 2);
    CHECK(refused["rate_limited"]["ballot_voter"] == 0);

    voting unknown{r, make_campaign("nosuch", json::object())};
    CHECK(unknown.cast("v1", {"u1"}, during).result == ballot_result::unknown_campaign);
}

TEST_CASE("vote script: a new Shanghai day at 16:00 UTC resets the daily limits") {
    test::redis_server srv;
    test::sync_redis r(srv.port());
    voting v{r, make_campaign("c5", {{"per_unit_per_day", 1}, {"per_day", 2}})};
    store(r, v.c);
    const std::int64_t last_ms = *parse_rfc3339("2019-12-21T15:59:59.999Z");
    const std::int64_t midnight = *parse_rfc3339("2019-12-21T16:00:00Z");
    CHECK(v.cast("v", {"u1", "u2"}, last_ms - 1000).result == ballot_result::accepted);
    CHECK(v.cast("v", {"u3"}, last_ms).result == ballot_result::daily_limit);
    CHECK(v.cast("v", {"u1"}, last_ms).result == ballot_result::already_voted);
    auto a = v.cast("v", {"u1"}, midnight);
    CHECK(a.result == ballot_result::accepted);
    CHECK(a.remaining_today == 1);
    CHECK(v.cast("v", {"u1"}, midnight + 1).result == ballot_result::already_voted);
    CHECK(v.cast("v", {"u3"}, midnight + 2).result == ballot_result::accepted);
    CHECK(v.cast("v", {"u4"}, midnight + 3).result == ballot_result::daily_limit);

    const tally_counts t = read_tally(r, "c5");
    CHECK(t.voters == 1);
    CHECK(t.ballots == 3);
    CHECK(t.counts == std::map<std::string, std::int64_t>{{"u1", 2}, {"u2", 1}, {"u3", 1}});
    // Yesterday's counts are gone from the record, and its expiry is kept.
    CHECK(r.integer({"HLEN", keys::voter("c5", "v")}) == 4);
    const auto ttl = r.integer({"PTTL", keys::voter("c5", "v")});
    CHECK(ttl > closes + day_ms - midnight - 60'000);
    CHECK(ttl <= closes + day_ms - midnight);
}

TEST_CASE("vote script: an Idempotency-Key replays the first answer byte for byte, per voter") {
    test::redis_server srv;
    test::sync_redis r(srv.port());
    voting v{r, make_campaign("c6", json::object())};
    store(r, v.c);

    const auto first = v.cast("v1", {"u1"}, during, "key-1");
    CHECK(first.result == ballot_result::accepted);
    const auto again = v.cast("v1", {"u1"}, during + 10, "key-1");
    CHECK(again.replayed);
    CHECK(again.json == first.json);
    const auto different = v.cast("v1", {"u2", "u3"}, during + 20, "key-1");  // the key decides, not the body
    CHECK(different.json == first.json);
    CHECK(read_tally(r, "c6").ballots == 1);

    const auto other_voter = v.cast("v2", {"u1"}, during, "key-1");
    CHECK_FALSE(other_voter.replayed);
    CHECK(other_voter.result == ballot_result::accepted);
    CHECK(other_voter.receipt != first.receipt);

    const auto refused = v.cast("v1", {"u1"}, during, "key-2");
    CHECK(refused.result == ballot_result::already_voted);
    CHECK(v.cast("v1", {"u1"}, during, "key-2").json == refused.json);
    const auto early = v.cast("v3", {"u1"}, opens - 5, "key-3");
    CHECK(early.result == ballot_result::not_open);
    CHECK(v.cast("v3", {"u1"}, during, "key-3").json == early.json);

    const auto ttl = r.integer({"PTTL", keys::idempotency("c6", "v1", "key-1")});
    CHECK(ttl > idempotency_ttl_ms - 60'000);
    CHECK(ttl <= idempotency_ttl_ms);
    CHECK(read_tally(r, "c6").ballots == 2);
    CHECK(read_log(r, "c6").size() == 2);

    CHECK(valid_idempotency_key("550e8400-e29b-41d4-a716-446655440000"));
    CHECK_FALSE(valid_idempotency_key(""));
    CHECK_FALSE(valid_idempotency_key("a b"));
    CHECK_FALSE(valid_idempotency_key(std::string(129, 'k')));
}

TEST_CASE("vote script: rate limits enforce, shadow or stay off") {
    test::redis_server srv;
    test::sync_redis r(srv.port());
    voting v{r, make_campaign("c7", {{"per_unit_per_day", 100}, {"per_day", 100}})};
    store(r, v.c);
    v.limits = ratelimit::config{};
    v.limits.global = ratelimit::mode::enforce;
    v.limits.ballot_voter.count = 2;        // 2 a minute, 2 at once
    v.limits.ballot_voter.period_ms = 60'000;
    v.limits.ballot_voter.burst = 1;

    SUBCASE("enforce") {
        CHECK(v.cast("v", {"u1"}, during).result == ballot_result::accepted);
        CHECK(v.cast("v", {"u1"}, during).result == ballot_result::accepted);
        auto a = v.cast("v", {"u1"}, during, "k");
        CHECK(a.result == ballot_result::rate_limited);
        CHECK(a.limit == "ballot_voter");
        CHECK(a.retry_after_ms > 0);
        CHECK(a.retry_after_ms <= 30'000);
        // Not stored under the key: after the wait the same key passes.
        CHECK(r.integer({"EXISTS", keys::idempotency("c7", "v", "k")}) == 0);
        CHECK(v.cast("v", {"u1"}, during + a.retry_after_ms, "k").result == ballot_result::accepted);
        CHECK(v.cast("other", {"u1"}, during + a.retry_after_ms).result == ballot_result::accepted);
        CHECK(read_tally(r, "c7").ballots == 4);
        CHECK(read_refusals(r, "c7")["rate_limited"]["ballot_voter"] == 1);
    }
    SUBCASE("shadow") {
        v.limits.ballot_voter.shadow = true;
        for (int i = 0; i < 2; ++i) CHECK(v.cast("v", {"u1"}, during).shadow_limited.empty());
        for (int i = 0; i < 3; ++i) {
            auto a = v.cast("v", {"u1"}, during);
            CHECK(a.result == ballot_result::accepted);
            CHECK(a.shadow_limited == std::vector<std::string>{"ballot_voter"});
        }
        v.limits.global = ratelimit::mode::shadow;
        v.limits.ballot_voter.shadow = false;
        CHECK(v.cast("v", {"u1"}, during).shadow_limited == std::vector<std::string>{"ballot_voter"});
        CHECK(read_tally(r, "c7").ballots == 6);
        const json refused = read_refusals(r, "c7");
        CHECK(refused["shadow_limited"]["ballot_voter"] == 4);
        CHECK(refused["rate_limited"]["ballot_voter"] == 0);
        CHECK(r.integer({"HLEN", keys::refusals("c7")}) == 1);  // "|ballot_voter": one field, one count a ballot
    }
    SUBCASE("off") {
        v.limits.global = ratelimit::mode::off;
        for (int i = 0; i < 10; ++i) CHECK(v.cast("v", {"u1"}, during).result == ballot_result::accepted);
        CHECK(r.integer({"EXISTS", keys::limit_voter("c7", "v")}) == 0);
    }
    SUBCASE("address and campaign limits") {
        v.limits.ballot_voter.count = 1000;
        v.limits.ballot_address.count = 1;
        v.limits.ballot_address.burst = 0;
        CHECK(v.cast("a", {"u1"}, during).result == ballot_result::accepted);
        auto a = v.cast("b", {"u1"}, during);
        CHECK(a.result == ballot_result::rate_limited);
        CHECK(a.limit == "ballot_address");
        v.limits.ballot_address.count = 1000;
        v.limits.ballot_address.burst = 200;
        v.limits.campaign.count = 1;
        v.limits.campaign.burst = 0;
        a = v.cast("c", {"u1"}, during + 60'000);
        CHECK(a.result == ballot_result::accepted);
        a = v.cast("d", {"u1"}, during + 60'000);
        CHECK(a.result == ballot_result::rate_limited);
        CHECK(a.limit == "campaign");
        // Refused by the campaign's limit, the ballot used none of the
        // voter's or the address's allowance: only what passed is stored.
        CHECK(r.integer({"EXISTS", keys::limit_voter("c7", "d")}) == 0);
    }
}

TEST_CASE("vote script: satisfaction ballots count per band") {
    test::redis_server srv;
    test::sync_redis r(srv.port());
    voting v{r, make_campaign("c8", {{"per_day", 10}}, true)};
    store(r, v.c);
    CHECK(r.string({"HGET", keys::rules("c8"), "mode"}) == "ratings");

    auto a = v.cast("v1", {"u1", "u2"}, during, {}, {"满意", "不满意"});
    CHECK(a.result == ballot_result::accepted);
    CHECK(a.units == std::vector<std::string>{"u1", "u2"});
    CHECK(a.bands == std::vector<std::string>{"满意", "不满意"});
    CHECK(v.cast("v2", {"u1"}, during, {}, {"基本满意"}).result == ballot_result::accepted);
    CHECK(v.cast("v2", {"u1"}, during, {}, {"满意"}).result == ballot_result::already_voted);

    const tally_counts t = read_tally(r, "c8");
    CHECK(t.counts == std::map<std::string, std::int64_t>{{"u1:基本满意", 1}, {"u1:满意", 1}, {"u2:不满意", 1}});
    const json j = tally_json(t, v.c);
    CHECK(j["units"][1] == json::parse(R"({"id": "u1", "votes": 2, "ratings": {"满意": 1, "基本满意": 1, "不满意": 0}})"));

    const auto entries = read_log(r, "c8");
    REQUIRE(entries.size() == 2);
    CHECK(entries[0].units == "u1:满意,u2:不满意");
    log_chain chain;
    std::string ndjson;
    for (const auto& e : entries) ndjson += chain.append(e) + "\n";
    std::istringstream in(ndjson);
    const verify_report report = verify_log(in);
    CHECK(report.ok);
    CHECK(report.tally == t);
}

TEST_CASE("vote script: production passes now 0 and Redis's clock decides") {
    test::redis_server srv;
    test::sync_redis r(srv.port());
    json rules = json::object();
    voting v{r, make_campaign("c9", rules)};
    store(r, v.c);
    // The campaign closed in 2019: by the server's clock it is over.
    const auto a = v.cast("v", {"u1"}, 0);
    CHECK(a.result == ballot_result::not_open);
    CHECK(a.state == "closed");
}
