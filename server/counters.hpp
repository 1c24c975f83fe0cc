// pingyi's own Prometheus counters, beside the HTTP ones: fixed label
// sets, relaxed atomics, rendered on /metrics.
#pragma once

#include <array>
#include <atomic>
#include <string>
#include <string_view>

namespace pingyi::server {

class counters {
public:
    // Ballot outcomes, as CONTRACT.md's error codes.
    static constexpr std::array<std::string_view, 11> ballot_results = {
        "accepted",   "replayed",       "already_voted", "daily_limit", "not_open",          "rate_limited",
        "invalid_ballot", "no_session", "csrf",          "redis_unavailable", "replication_pending"};
    static constexpr std::array<std::string_view, 6> limit_names = {
        "ballot_voter", "ballot_address", "campaign", "wechat_address", "login_account", "login_address"};

    void ballot(std::string_view result);
    void limit_allowed(std::string_view limit);
    void limit_limited(std::string_view limit);
    void render(std::string& out) const;

private:
    std::array<std::atomic<unsigned long long>, ballot_results.size()> ballots_{};
    std::array<std::atomic<unsigned long long>, limit_names.size()> allowed_{};
    std::array<std::atomic<unsigned long long>, limit_names.size()> limited_{};
};

}  // namespace pingyi::server
