#include <doctest/doctest.h>

#include <chrono>
#include <string>
#include <vector>

#include "ratelimit/local_bucket.hpp"

using namespace std::chrono_literals;
using pingyi::ratelimit::answer;
using pingyi::ratelimit::limit;
using pingyi::ratelimit::local_bucket;

namespace {

const local_bucket::clock::time_point t0 = local_bucket::clock::time_point{} + 1000h;

struct row {
    std::chrono::microseconds at;
    bool limited;
    std::int64_t remaining;
    std::int64_t retry_after_ms;
    std::int64_t reset_after_ms;
};

void check_table(local_bucket& bucket, std::string_view address, const std::vector<row>& table) {
    for (std::size_t i = 0; i < table.size(); ++i) {
        CAPTURE(i);
        const answer got = bucket.take(address, t0 + table[i].at);
        CHECK(got.limited == table[i].limited);
        CHECK(got.remaining == table[i].remaining);
        CHECK(got.retry_after_ms == table[i].retry_after_ms);
        CHECK(got.reset_after_ms == table[i].reset_after_ms);
    }
}

}  // namespace

TEST_CASE("local_bucket: burst, refill and retry_after by hand") {
    // 2 a second (T = 500 ms), burst 2: three at once, tolerance 1500 ms.
    local_bucket bucket(limit{"t", 2, 1'000, 2}, 100);
    check_table(bucket, "203.0.113.7",
                {
                    {0ms, false, 2, -1, 500},
                    {0ms, false, 1, -1, 1000},
                    {0ms, false, 0, -1, 1500},
                    {0ms, true, 0, 500, 1500},
                    {499'999us, true, 0, 1, 1001},  // 1 us short, rounded up to a whole ms
                    {500ms, false, 0, -1, 1500},    // TAT 2000 ms
                    {1250ms, false, 0, -1, 1250},   // TAT 2500 ms
                    {2000ms, false, 1, -1, 1000},   // TAT 3000 ms
                    {5000ms, false, 2, -1, 500},    // idle: full again
                });
}

TEST_CASE("local_bucket: addresses are independent") {
    local_bucket bucket(limit{"t", 1, 1'000, 0}, 100);
    CHECK_FALSE(bucket.take("192.0.2.1", t0).limited);
    CHECK(bucket.take("192.0.2.1", t0).limited);
    CHECK_FALSE(bucket.take("192.0.2.2", t0).limited);
    CHECK_FALSE(bucket.take("2001:db8::1", t0).limited);
    CHECK(bucket.take("2001:db8::1", t0 + 999ms).limited);
    CHECK_FALSE(bucket.take("2001:db8::1", t0 + 1000ms).limited);
}

TEST_CASE("local_bucket: a steady rate at the limit passes, twice the rate half") {
    local_bucket bucket(limit{"t", 10, 1'000, 0}, 100);  // T = 100 ms
    int limited = 0;
    for (int k = 0; k < 100; ++k) limited += bucket.take("steady", t0 + k * 100ms).limited ? 1 : 0;
    CHECK(limited == 0);
    for (int k = 0; k < 100; ++k) {
        const answer a = bucket.take("double", t0 + k * 50ms);
        CHECK(a.limited == (k % 2 == 1));
        limited += a.limited ? 1 : 0;
    }
    CHECK(limited == 50);
}

TEST_CASE("local_bucket: idle addresses are forgotten") {
    local_bucket bucket(limit{"t", 1, 1'000, 1}, 100);  // tolerance 2 s
    bucket.take("a", t0);
    bucket.take("a", t0);  // TAT t0 + 2 s
    bucket.take("b", t0 + 500ms);  // TAT t0 + 1.5 s
    CHECK(bucket.size() == 2);
    bucket.take("c", t0 + 1999ms);  // "a" is the least recently seen but not full yet
    CHECK(bucket.size() == 3);
    bucket.take("c", t0 + 2000ms);  // "a" full: forgotten; then "b" full too
    CHECK(bucket.size() == 1);
    CHECK(bucket.take("a", t0 + 2000ms).remaining == 1);  // afresh, as if remembered
    CHECK(bucket.forced_evictions() == 0);
}

TEST_CASE("local_bucket: a flood of new addresses cannot grow it past the cap") {
    local_bucket bucket(limit{"t", 1, 60'000, 0}, 3);
    for (int i = 0; i < 1000; ++i) {
        CHECK_FALSE(bucket.take("10.0." + std::to_string(i / 256) + "." + std::to_string(i % 256), t0).limited);
        CHECK(bucket.size() <= 3);
    }
    CHECK(bucket.size() == 3);
    CHECK(bucket.forced_evictions() == 997);
}

TEST_CASE("local_bucket: at the cap the least recently seen goes first") {
    local_bucket bucket(limit{"t", 1, 60'000, 0}, 2);
    bucket.take("old", t0);
    bucket.take("kept", t0);
    CHECK(bucket.take("old", t0 + 1ms).limited);  // seen again: now the most recent
    bucket.take("new", t0 + 2ms);                 // drops "kept"
    CHECK(bucket.take("old", t0 + 3ms).limited);  // still remembered
    CHECK(bucket.size() == 2);                    // "old" and "new"
    CHECK(bucket.forced_evictions() == 1);
    CHECK_FALSE(bucket.take("kept", t0 + 4ms).limited);  // forgotten: starts afresh (fails open)
}

TEST_CASE("local_bucket: a sub-millisecond emission interval") {
    local_bucket bucket(limit{"t", 20'000, 1'000, 1}, 10);  // T = 50 us, two at once
    CHECK_FALSE(bucket.take("x", t0).limited);
    CHECK_FALSE(bucket.take("x", t0).limited);
    const answer a = bucket.take("x", t0);
    CHECK(a.limited);
    CHECK(a.retry_after_ms == 1);  // 50 us, rounded up
    CHECK_FALSE(bucket.take("x", t0 + 50us).limited);
}

TEST_CASE("local_bucket: a limit it cannot keep is refused") {
    CHECK_THROWS_AS(local_bucket(limit{"t", 0, 1'000, 0}, 10), std::invalid_argument);
    CHECK_THROWS_AS(local_bucket(limit{"t", 1, 1'000, 0}, 0), std::invalid_argument);
}

TEST_CASE("local_bucket: one per worker thread, so it moves into a container") {
    std::vector<local_bucket> per_thread;
    local_bucket first(limit{"t", 1, 1'000, 0}, 10);
    first.take("a", t0);
    per_thread.push_back(std::move(first));
    per_thread.emplace_back(limit{"t", 1, 1'000, 0}, 10);
    CHECK(per_thread[0].take("a", t0).limited);  // remembered across the move
    CHECK_FALSE(per_thread[1].take("a", t0).limited);
    per_thread[0].take("b", t0 + 2s);  // the moved index still finds and forgets entries
    CHECK(per_thread[0].size() == 1);
}
