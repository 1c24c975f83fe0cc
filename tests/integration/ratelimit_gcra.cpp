// The GCRA Lua against a real redis-server, with the clock injected through
// now_ms. Every expected row is computed by hand from the definition
// (T = period / count, tolerance = T × (max_burst + 1); allowed iff
// new TAT - now <= tolerance; TAT = max(stored TAT, now)), not by a model of
// the code.
//
// Tables run as one script call (run_batch): Redis' clock stands still
// inside a script, so keys cannot expire between rows however slow the
// machine is, while the injected clock moves as the table says.
#include <doctest/doctest.h>

#include <string>
#include <utility>
#include <vector>

#include "ratelimit/gcra.hpp"
#include "tests/support/redis_server.hpp"

namespace {

using pingyi::ratelimit::answer;
using pingyi::ratelimit::gcra_lua_function;
using pingyi::ratelimit::gcra_script_args;
using pingyi::ratelimit::gcra_script_source;
using pingyi::ratelimit::limit;
using pingyi::test::reply_ptr;
using pingyi::test::sync_redis;

constexpr long long t0 = 1'700'000'000'000;  // an ordinary epoch time in ms

std::vector<answer> to_answers(const reply_ptr& r) {
    REQUIRE(r->type == REDIS_REPLY_ARRAY);
    REQUIRE(r->elements % 4 == 0);
    std::vector<answer> out;
    for (std::size_t i = 0; i < r->elements; i += 4) {
        for (std::size_t j = i; j < i + 4; ++j) REQUIRE(r->element[j]->type == REDIS_REPLY_INTEGER);
        out.push_back({r->element[i]->integer == 1, r->element[i + 1]->integer, r->element[i + 2]->integer,
                       r->element[i + 3]->integer});
    }
    return out;
}

// One call of the stand-alone script.
answer throttle(sync_redis& redis, const std::string& key, const limit& l, long long now_ms, long long quantity = 1) {
    const auto args = gcra_script_args(l, now_ms, quantity);
    std::vector<std::string> command{"EVAL", std::string(gcra_script_source()), "1", key};
    command.insert(command.end(), args.begin(), args.end());
    const auto answers = to_answers(redis.command(command));
    REQUIRE(answers.size() == 1);
    return answers.front();
}

// Many requests (now_ms, quantity) in one script that embeds gcra() as the
// ballot script does.
std::vector<answer> run_batch(sync_redis& redis, const std::string& key, const limit& l,
                              const std::vector<std::pair<long long, long long>>& requests) {
    const std::string script = std::string(gcra_lua_function()) + R"lua(
local out = {}
for i = 4, #ARGV, 2 do
  local limited, remaining, retry_after, reset_after =
    gcra(KEYS[1], tonumber(ARGV[i]), tonumber(ARGV[1]), tonumber(ARGV[2]), tonumber(ARGV[3]), tonumber(ARGV[i + 1]))
  table.insert(out, limited)
  table.insert(out, remaining)
  table.insert(out, retry_after)
  table.insert(out, reset_after)
end
return out
)lua";
    std::vector<std::string> command{"EVAL", script, "1", key, std::to_string(l.burst), std::to_string(l.count),
                                     std::to_string(l.period_ms)};
    for (auto [now_ms, quantity] : requests) {
        command.push_back(std::to_string(now_ms));
        command.push_back(std::to_string(quantity));
    }
    auto answers = to_answers(redis.command(command));
    REQUIRE(answers.size() == requests.size());
    return answers;
}

struct row {
    long long at_ms;  // after t0
    long long quantity;
    bool limited;
    long long remaining;
    long long retry_after_ms;
    long long reset_after_ms;
};

void check_table(sync_redis& redis, const std::string& key, const limit& l, const std::vector<row>& table) {
    std::vector<std::pair<long long, long long>> requests;
    for (const row& r : table) requests.emplace_back(t0 + r.at_ms, r.quantity);
    const auto got = run_batch(redis, key, l, requests);
    for (std::size_t i = 0; i < table.size(); ++i) {
        const row& want = table[i];
        CAPTURE(i);
        CAPTURE(want.at_ms);
        CHECK(got[i].limited == want.limited);
        CHECK(got[i].remaining == want.remaining);
        CHECK(got[i].retry_after_ms == want.retry_after_ms);
        CHECK(got[i].reset_after_ms == want.reset_after_ms);
    }
}

std::string error_of(sync_redis& redis, const std::vector<std::string>& args) {
    std::vector<std::string> command{"EVAL", std::string(gcra_script_source()), "1", "k"};
    command.insert(command.end(), args.begin(), args.end());
    auto r = redis.command(command);
    REQUIRE(r->type == REDIS_REPLY_ERROR);
    return std::string(r->str, r->len);
}

}  // namespace

TEST_CASE("gcra: a burst of max_burst + 1 passes, the next request is limited") {
    pingyi::test::redis_server server;
    sync_redis redis(server.port());
    // ballot_voter's default: 20 a minute (T = 3000 ms), max_burst 10, tolerance 33000 ms.
    const limit l{"ballot_voter", 20, 60'000, 10};
    check_table(redis, "rl:voter", l,
                {
                    {0, 1, false, 10, -1, 3000},
                    {0, 1, false, 9, -1, 6000},
                    {0, 1, false, 8, -1, 9000},
                    {0, 1, false, 7, -1, 12000},
                    {0, 1, false, 6, -1, 15000},
                    {0, 1, false, 5, -1, 18000},
                    {0, 1, false, 4, -1, 21000},
                    {0, 1, false, 3, -1, 24000},
                    {0, 1, false, 2, -1, 27000},
                    {0, 1, false, 1, -1, 30000},
                    {0, 1, false, 0, -1, 33000},  // the 11th = max_burst + 1: TAT t0 + 33000
                    {0, 1, true, 0, 3000, 33000},
                    {2999, 1, true, 0, 1, 30001},
                    {3000, 1, false, 0, -1, 33000},   // TAT t0 + 36000
                    {3000, 1, true, 0, 3000, 33000},
                    {10500, 1, false, 1, -1, 28500},  // TAT t0 + 39000: 1.5 × T to spare
                    {100'000, 1, false, 10, -1, 3000},  // long idle: full again
                });

    // The same through the stand-alone script, one round trip each.
    for (int i = 0; i < 11; ++i) {
        CAPTURE(i);
        const answer a = throttle(redis, "rl:voter:script", l, t0);
        CHECK_FALSE(a.limited);
        CHECK(a.remaining == 10 - i);
        CHECK(a.reset_after_ms == 3000 * (i + 1));
    }
    const answer over = throttle(redis, "rl:voter:script", l, t0 + 1);
    CHECK(over.limited);
    CHECK(over.remaining == 0);
    CHECK(over.retry_after_ms == 2999);
    CHECK(over.reset_after_ms == 32999);
}

TEST_CASE("gcra: a steady rate at the limit is never limited") {
    pingyi::test::redis_server server;
    sync_redis redis(server.port());
    const limit l{"steady", 10, 1'000, 2};  // T = 100 ms
    std::vector<row> table;
    for (long long k = 0; k < 200; ++k) table.push_back({100 * k, 1, false, 2, -1, 100});
    check_table(redis, "rl:steady", l, table);
}

TEST_CASE("gcra: at twice the rate half is limited") {
    pingyi::test::redis_server server;
    sync_redis redis(server.port());

    SUBCASE("without burst, every other request, each told to wait 50 ms") {
        const limit l{"double", 10, 1'000, 0};  // T = 100 ms, one at a time
        std::vector<row> table;
        for (long long k = 0; k < 100; ++k) {
            if (k % 2 == 0)
                table.push_back({50 * k, 1, false, 0, -1, 100});
            else
                table.push_back({50 * k, 1, true, 0, 50, 50});
        }
        check_table(redis, "rl:double", l, table);
    }
    SUBCASE("with max_burst 3 the burst is spent first, then every other one") {
        // Requests every 50 ms: TAT - now grows by 50 per allowed request,
        // 100 (k = 0) ... 400 (k = 6); k = 7 would make it 450 > 400.
        const limit l{"double", 10, 1'000, 3};
        std::vector<std::pair<long long, long long>> requests;
        for (long long k = 0; k < 200; ++k) requests.emplace_back(t0 + 50 * k, 1);
        const auto answers = run_batch(redis, "rl:double3", l, requests);
        int limited = 0;
        for (std::size_t k = 0; k < answers.size(); ++k) {
            CAPTURE(k);
            CHECK(answers[k].limited == (k >= 7 && k % 2 == 1));
            limited += answers[k].limited ? 1 : 0;
        }
        CHECK(limited == 97);
    }
}

TEST_CASE("gcra: retry_after is exact to the millisecond, also when T is not whole") {
    pingyi::test::redis_server server;
    sync_redis redis(server.port());
    // 3 a second: T = 333333.33 us, the TAT moves by 333333 us; max_burst 0.
    const limit l{"thirds", 3, 1'000, 0};
    check_table(redis, "rl:thirds", l,
                {
                    {0, 1, false, 0, -1, 334},    // TAT t0 + 333333 us
                    {0, 1, true, 0, 334, 334},    // 666666 - 333333.33 us = 333.33 ms short
                    {333, 1, true, 0, 1, 1},      // 333666 - 333333.33 us = 0.33 ms short
                    {334, 1, false, 0, -1, 334},  // the TAT is past: TAT t0 + 334000 + 333333 us
                    {334, 1, true, 0, 334, 334},
                    {667, 1, true, 0, 1, 1},      // 1000666 - 667000 - 333333.33 = 0.33 ms short
                    {668, 1, false, 0, -1, 334},
                });
    CHECK(redis.string({"GET", "rl:thirds"}) == std::to_string((t0 + 668) * 1000 + 333333));

    // 20,000 a second: T = 50 us. With a millisecond clock and max_burst 0
    // only one request a millisecond passes: what the campaign burst is for.
    check_table(redis, "rl:fast", limit{"fast", 20'000, 1'000, 0},
                {
                    {0, 1, false, 0, -1, 1},
                    {0, 1, true, 0, 1, 1},
                    {1, 1, false, 0, -1, 1},
                });
    // The campaign default: max_burst 10000, so 10001 at once.
    std::vector<std::pair<long long, long long>> requests(10'002, {t0, 1});
    requests.emplace_back(t0 + 1, 1);
    const auto answers = run_batch(redis, "rl:campaign", limit{"campaign", 20'000, 1'000, 10'000}, requests);
    for (std::size_t i = 0; i < 10'001; ++i) REQUIRE_FALSE(answers[i].limited);
    CHECK(answers[10'000].remaining == 0);
    CHECK(answers[10'000].reset_after_ms == 501);  // 10001 × 50 us = 500.05 ms
    CHECK(answers[10'001].limited);
    CHECK(answers[10'001].retry_after_ms == 1);    // 50 us short, rounded up
    CHECK(answers[10'001].reset_after_ms == 501);
    CHECK_FALSE(answers[10'002].limited);          // 1 ms = 20 more
    CHECK(answers[10'002].remaining == 19);
}

TEST_CASE("gcra: quantity above 1, and quantity 0 only looks") {
    pingyi::test::redis_server server;
    sync_redis redis(server.port());
    const limit l{"bulk", 1, 1'000, 4};  // T = 1000 ms, 5 at once
    check_table(redis, "rl:bulk", l,
                {
                    {0, 3, false, 2, -1, 3000},
                    {0, 3, true, 2, 1000, 3000},  // 6000 > 5000: 1000 ms short
                    {0, 2, false, 0, -1, 5000},
                    {0, 0, false, 0, -1, 5000},
                    {2000, 0, false, 2, -1, 3000},
                    {2000, 3, true, 2, 1000, 3000},
                    {2000, 2, false, 0, -1, 5000},
                });
    check_table(redis, "rl:too-much", l, {{0, 6, true, 5, -1, 0}});  // can never pass
    CHECK(redis.integer({"EXISTS", "rl:too-much"}) == 0);
    check_table(redis, "rl:peek", l, {{0, 0, false, 5, -1, 0}});
    CHECK(redis.integer({"EXISTS", "rl:peek"}) == 0);
}

TEST_CASE("gcra: a request stamped in the past (two servers' clocks apart) meets the stored TAT") {
    pingyi::test::redis_server server;
    sync_redis redis(server.port());
    const limit l{"skew", 1, 1'000, 0};  // T = tolerance = 1000 ms
    check_table(redis, "rl:skew", l,
                {
                    {0, 1, false, 0, -1, 1000},    // TAT t0 + 1000
                    {-5000, 1, true, 0, 6000, 6000},  // 7000 ahead, 1000 allowed; remaining floors at 0
                    {1000, 1, false, 0, -1, 1000},
                });
}

TEST_CASE("gcra: the key holds the TAT in microseconds and expires with reset_after") {
    pingyi::test::redis_server server;
    sync_redis redis(server.port());
    const limit l{"login_account", 5, 60'000, 4};  // T = 12 s
    const answer first = throttle(redis, "rl:login", l, t0);
    CHECK(first.reset_after_ms == 12'000);
    CHECK(redis.string({"GET", "rl:login"}) == std::to_string((t0 + 12'000) * 1000));
    const long long pttl = redis.integer({"PTTL", "rl:login"});
    CHECK(pttl <= 12'000);
    CHECK(pttl > 6'000);  // Redis' own clock ran meanwhile; 6 s is far more than a call takes

    for (int i = 0; i < 4; ++i) throttle(redis, "rl:login", l, t0);
    const std::string full = redis.string({"GET", "rl:login"});
    const answer refused = throttle(redis, "rl:login", l, t0);
    CHECK(refused.limited);
    CHECK(refused.retry_after_ms == 12'000);
    CHECK(redis.string({"GET", "rl:login"}) == full);  // a refusal writes nothing
    CHECK(redis.integer({"PTTL", "rl:login"}) > 30'000);
}

TEST_CASE("gcra: the function embeds in another script, called by name") {
    pingyi::test::redis_server server;
    sync_redis redis(server.port());
    // As the ballot script does: two limits in one round trip, numbers as arguments.
    const std::string script = std::string(gcra_lua_function()) + R"lua(
local now = tonumber(ARGV[1])
local a = {gcra(KEYS[1], now, 0, 1, 1000, 1)}
local b = {gcra(KEYS[2], now, 1, 1, 1000, 1)}
return {a[1], a[2], a[3], a[4], b[1], b[2], b[3], b[4]}
)lua";
    auto run = [&](long long now) {
        auto r = redis.command({"EVAL", script, "2", "rl:a", "rl:b", std::to_string(now)});
        REQUIRE(r->type == REDIS_REPLY_ARRAY);
        REQUIRE(r->elements == 8);
        std::vector<long long> out;
        for (std::size_t i = 0; i < r->elements; ++i) out.push_back(r->element[i]->integer);
        return out;
    };
    CHECK(run(t0) == std::vector<long long>{0, 0, -1, 1000, 0, 1, -1, 1000});
    CHECK(run(t0) == std::vector<long long>{1, 0, 1000, 1000, 0, 0, -1, 2000});
    CHECK(run(t0 + 500) == std::vector<long long>{1, 0, 500, 500, 1, 0, 500, 1500});
}

TEST_CASE("gcra: an empty or zero now_ms uses the Redis server's clock") {
    pingyi::test::redis_server server;
    sync_redis redis(server.port());
    const limit l{"clock", 1, 60'000, 1};
    for (const char* now : {"", "0"}) {
        CAPTURE(now);
        auto args = gcra_script_args(l, 0);
        args[0] = now;
        std::vector<std::string> command{"EVAL", std::string(gcra_script_source()), "1", std::string("rl:clock:") + now};
        command.insert(command.end(), args.begin(), args.end());
        const auto answers = to_answers(redis.command(command));
        REQUIRE(answers.size() == 1);
        const answer& a = answers.front();
        CHECK_FALSE(a.limited);
        CHECK(a.remaining == 1);
        CHECK(a.reset_after_ms == 60'000);
        const long long tat_us = std::stoll(redis.string({"GET", std::string("rl:clock:") + now}));
        const long long time_s = std::stoll(redis.command({"TIME"})->element[0]->str);
        CHECK(tat_us / 1'000'000 - 60 <= time_s);
        CHECK(tat_us / 1'000'000 - 60 >= time_s - 5);
    }
}

TEST_CASE("gcra: bad arguments are refused before anything is written") {
    pingyi::test::redis_server server;
    sync_redis redis(server.port());
    CHECK(error_of(redis, {"abc", "1", "1", "1000", "1"}).starts_with("ERR gcra:"));
    CHECK(error_of(redis, {"1000", "1.5", "1", "1000", "1"}).starts_with("ERR gcra:"));
    CHECK(error_of(redis, {"1000", "-1", "1", "1000", "1"}).starts_with("ERR gcra:"));
    CHECK(error_of(redis, {"1000", "1", "0", "1000", "1"}).starts_with("ERR gcra:"));
    CHECK(error_of(redis, {"1000", "1", "1", "0", "1"}).starts_with("ERR gcra:"));
    CHECK(error_of(redis, {"1000", "1", "1", "1000", "-1"}).starts_with("ERR gcra:"));
    CHECK(error_of(redis, {"1000", "1", "1000001", "1000", "1"}).starts_with("ERR gcra:"));  // above 1/us
    CHECK(error_of(redis, {"1000", "10000000", "1", "86400000", "1"}).starts_with("ERR gcra:"));  // beyond 2^53
    CHECK(redis.integer({"EXISTS", "k"}) == 0);
    redis.command({"SET", "k", "not a time"});
    CHECK(error_of(redis, {"1000", "1", "1", "1000", "1"}).starts_with("ERR gcra: k does not hold a TAT"));
}
