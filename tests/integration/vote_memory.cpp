// Redis memory per counted unit-vote (de-dup record + tally + audit log),
// every ballot from a different voter (the worst case for de-dup records).
// CI runs 30,000 unit-votes; PINGYI_VOTE_MEMORY_FULL=1 runs the 1,000,000 of
// docs/data-model.md ("Memory").
#include <doctest/doctest.h>

#include <cstdio>
#include <cstdlib>
#include <stdexcept>

#include <nlohmann/json.hpp>

#include "tests/support/redis_server.hpp"
#include "vote/ballot_script.hpp"
#include "vote/campaign_store.hpp"
#include "vote/tally.hpp"
#include "vote/time.hpp"

using namespace pingyi;
using namespace pingyi::vote;

namespace {

long long used_memory(test::sync_redis& r) {
    const std::string info = r.string({"INFO", "memory"});
    const auto at = info.find("used_memory:");
    if (at == std::string::npos) throw std::runtime_error("no used_memory in INFO");
    return std::atoll(info.c_str() + at + 12);
}

// 22 characters, like the server's base64url pseudonyms.
std::string pseudonym(long long i) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "Pz%020llx", i * 2654435761LL);
    return buf;
}

struct measurement {
    double bytes_per_unit_vote;
    long long ballots;
    long long unit_votes;
};

measurement measure(int units_per_ballot, long long unit_votes, bool idempotency_keys) {
    test::redis_server srv;
    test::sync_redis r(srv.port());
    nlohmann::json body = {{"id", "mem"},
                           {"title", "内存测量"},
                           {"opens_at", "2019-12-20T09:00:00+08:00"},
                           {"closes_at", "2019-12-27T18:00:00+08:00"},
                           {"units", nlohmann::json::array()},
                           {"rules", {{"per_day", 10}, {"max_choices", 5}}}};
    for (int i = 0; i < 20; ++i) body["units"].push_back({{"id", "u" + std::to_string(i)}, {"name", "单位"}});
    const campaign c = std::get<campaign>(campaign_from_json(body));
    REQUIRE(r.integer(create_campaign_call(c).eval(create_campaign_script())) == 1);
    REQUIRE(r.string({"SCRIPT", "LOAD", std::string(ballot_script_source())}) == ballot_script().sha1);
    ratelimit::config limits;
    limits.global = ratelimit::mode::off;

    // A raw context of our own: sync_redis does not pipeline.
    std::unique_ptr<redisContext, void (*)(redisContext*)> ctx(redisConnect("127.0.0.1", srv.port()), redisFree);
    REQUIRE((ctx && !ctx->err));
    const long long before = used_memory(r);
    const long long ballots = unit_votes / units_per_ballot;
    const std::int64_t now = c.opens_ms + 3'600'000;
    constexpr long long batch = 1000;
    long long accepted = 0;
    for (long long start = 0; start < ballots; start += batch) {
        const long long end = std::min(ballots, start + batch);
        for (long long i = start; i < end; ++i) {
            ballot_request q;
            q.campaign_id = "mem";
            q.voter = pseudonym(i);
            q.client_address = "10." + std::to_string(i >> 16 & 255) + "." + std::to_string(i >> 8 & 255) + "." +
                               std::to_string(i & 255);
            q.user_agent_hash = "9a3f6c1e";
            q.nonce = pseudonym(i + 7).substr(11);
            if (idempotency_keys) q.idempotency_key = "k" + std::to_string(i) + "-5f0c2a9b-41d4-a716";
            q.now_ms = now;
            ballot b;
            for (int u = 0; u < units_per_ballot; ++u) b.units.push_back("u" + std::to_string((i + u * 7) % 20));
            const auto words = ballot_call(q, b, limits).evalsha(ballot_script());
            std::vector<const char*> argv;
            std::vector<size_t> lens;
            for (const auto& w : words) {
                argv.push_back(w.data());
                lens.push_back(w.size());
            }
            redisAppendCommandArgv(ctx.get(), static_cast<int>(argv.size()), argv.data(), lens.data());
        }
        for (long long i = start; i < end; ++i) {
            void* raw = nullptr;
            REQUIRE(redisGetReply(ctx.get(), &raw) == REDIS_OK);
            test::reply_ptr reply(static_cast<redisReply*>(raw));
            REQUIRE(reply->type == REDIS_REPLY_ARRAY);
            auto a = parse_ballot_answer(reply->element[0]->str, reply->element[1]->str, false);
            accepted += a && a->result == ballot_result::accepted;
        }
    }
    const long long after = used_memory(r);
    CHECK(accepted == ballots);
    auto reply = r.command(tally_command("mem"));
    std::vector<std::string> flat;
    for (std::size_t i = 0; i < reply->elements; ++i) flat.emplace_back(reply->element[i]->str);
    CHECK(parse_tally(flat).ballots == ballots);
    return {static_cast<double>(after - before) / static_cast<double>(ballots * units_per_ballot), ballots,
            ballots * units_per_ballot};
}

}  // namespace

TEST_CASE("vote memory: bytes per counted unit-vote stay under 200 for 3-unit ballots") {
    const bool full = std::getenv("PINGYI_VOTE_MEMORY_FULL") != nullptr;
    const long long unit_votes = full ? 1'000'000 : 30'000;
    const measurement three = measure(3, unit_votes, false);
    MESSAGE("3-unit ballots: " << three.unit_votes << " unit-votes, " << three.bytes_per_unit_vote
                               << " bytes per unit-vote");
    CHECK(three.bytes_per_unit_vote <= 200.0);
    CHECK(three.bytes_per_unit_vote > 0.0);
    const measurement single = measure(1, unit_votes, false);
    MESSAGE("1-unit ballots: " << single.unit_votes << " unit-votes, " << single.bytes_per_unit_vote
                               << " bytes per unit-vote");
    CHECK(single.bytes_per_unit_vote > three.bytes_per_unit_vote);
    const measurement keyed = measure(3, unit_votes, true);
    MESSAGE("3-unit ballots with Idempotency-Keys (for 24 h): " << keyed.bytes_per_unit_vote
                                                                << " bytes per unit-vote");
    CHECK(keyed.bytes_per_unit_vote > three.bytes_per_unit_vote);
}
