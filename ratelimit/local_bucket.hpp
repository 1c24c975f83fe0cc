// The in-process flood guard in front of Redis: a token bucket per client
// address, kept as its theoretical arrival time (the same GCRA as the Redis
// limits, so one limit means the same thing in both places). One instance per
// worker thread, no locks. The clock is passed in.
//
// Memory stays bounded: the least recently seen address is forgotten once its
// bucket is full again (that changes no answer), and at most max_entries
// addresses are kept; when a new address arrives at the cap, the least
// recently seen one is dropped even if it was still being limited (it then
// starts afresh: the guard fails open rather than refuse newcomers, and the
// Redis limits still apply behind it).
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <list>
#include <string>
#include <string_view>
#include <unordered_map>

#include "ratelimit/answer.hpp"
#include "ratelimit/limits.hpp"

namespace pingyi::ratelimit {

class local_bucket {
public:
    using clock = std::chrono::steady_clock;

    local_bucket(const limit& l, std::size_t max_entries);
    local_bucket(const local_bucket&) = delete;  // the index points into entries_' nodes
    local_bucket& operator=(const local_bucket&) = delete;
    local_bucket(local_bucket&&) = default;  // moving a list keeps its nodes
    local_bucket& operator=(local_bucket&&) = default;

    // One request from `address` at `now`.
    answer take(std::string_view address, clock::time_point now);

    std::size_t size() const { return entries_.size(); }
    // Addresses dropped at the cap while their bucket was not yet full.
    std::uint64_t forced_evictions() const { return forced_evictions_; }

private:
    struct entry {
        std::string address;
        clock::time_point tat;
    };
    using entry_list = std::list<entry>;

    void forget_idle(clock::time_point now);

    clock::duration emission_;   // period / count
    clock::duration tolerance_;  // emission * (burst + 1)
    std::size_t max_entries_;
    std::uint64_t forced_evictions_ = 0;
    entry_list entries_;  // most recently seen first
    std::unordered_map<std::string_view, entry_list::iterator> index_;  // keys view entries_' addresses
};

}  // namespace pingyi::ratelimit
