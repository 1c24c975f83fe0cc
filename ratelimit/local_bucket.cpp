#include "ratelimit/local_bucket.hpp"

#include <algorithm>
#include <stdexcept>

namespace pingyi::ratelimit {

namespace {

std::int64_t ceil_ms(std::chrono::steady_clock::duration d) {
    return std::chrono::ceil<std::chrono::milliseconds>(d).count();
}

std::chrono::steady_clock::duration emission_of(const limit& l) {
    if (l.count < 1 || l.period_ms < 1 || l.burst < 0)
        throw std::invalid_argument("local_bucket: bad limit " + std::string(l.name));
    const auto period = std::chrono::duration_cast<std::chrono::steady_clock::duration>(
        std::chrono::milliseconds(l.period_ms));
    if (period.count() < l.count)
        throw std::invalid_argument("local_bucket: limit " + std::string(l.name) + " is above one a nanosecond");
    return period / l.count;
}

}  // namespace

local_bucket::local_bucket(const limit& l, std::size_t max_entries)
    : emission_(emission_of(l)), tolerance_(emission_ * (l.burst + 1)), max_entries_(max_entries) {
    if (max_entries < 1) throw std::invalid_argument("local_bucket: max_entries must be at least 1");
}

void local_bucket::forget_idle(clock::time_point now) {
    // The least recently seen come last; a TAT in the past is a full bucket.
    while (!entries_.empty() && entries_.back().tat <= now) {
        index_.erase(entries_.back().address);
        entries_.pop_back();
    }
}

answer local_bucket::take(std::string_view address, clock::time_point now) {
    forget_idle(now);
    auto found = index_.find(address);
    if (found == index_.end()) {
        if (entries_.size() >= max_entries_) {
            index_.erase(entries_.back().address);
            entries_.pop_back();
            ++forced_evictions_;
        }
        entries_.push_front(entry{std::string(address), now});
        found = index_.emplace(entries_.front().address, entries_.begin()).first;
    } else {
        entries_.splice(entries_.begin(), entries_, found->second);
    }

    entry& e = *found->second;
    const clock::time_point tat = std::max(e.tat, now);
    const clock::time_point new_tat = tat + emission_;
    answer a;
    if (new_tat - now > tolerance_) {
        a.limited = true;
        a.remaining = std::max<std::int64_t>(0, (tolerance_ - (tat - now)) / emission_);
        a.retry_after_ms = ceil_ms(new_tat - tolerance_ - now);
        a.reset_after_ms = ceil_ms(tat - now);
        return a;
    }
    e.tat = new_tat;
    a.remaining = (tolerance_ - (new_tat - now)) / emission_;
    a.reset_after_ms = ceil_ms(new_tat - now);
    return a;
}

}  // namespace pingyi::ratelimit
