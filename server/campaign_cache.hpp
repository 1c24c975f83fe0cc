// A worker's view of the campaigns: parsed once, kept for a second, so a
// ballot's body check needs no extra Redis round trip. What must be exact
// (the window, the rules) the ballot script reads from Redis itself. A
// change made through this process drops every worker's copies at once
// (the shared generation); another server process's change shows within
// the second.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include <boost/asio/awaitable.hpp>
#include <boost/system/error_code.hpp>

#include "vote/campaign.hpp"

namespace pingyi::redis {
class connection;
}

namespace pingyi::server {

using campaign_ptr = std::shared_ptr<const vote::campaign>;
// Counts the campaign changes this process made.
using campaign_generation = std::atomic<std::uint64_t>;

class campaign_cache {
public:
    // The sorted set of every campaign id (score: opens_at), for listings.
    static constexpr std::string_view index_key = "pingyi:campaigns";
    static constexpr std::chrono::milliseconds fresh_for{1000};

    campaign_cache(redis::connection& redis, campaign_generation& changes);

    // nullptr and no ec: no such campaign. ec: Redis did not answer.
    boost::asio::awaitable<campaign_ptr> get(std::string cid, boost::system::error_code& ec);
    // Every campaign, in opens_at order.
    boost::asio::awaitable<std::vector<campaign_ptr>> all(boost::system::error_code& ec);
    // After this worker changed a campaign: every worker forgets its copies.
    void invalidate();

private:
    struct entry {
        campaign_ptr value;
        std::chrono::steady_clock::time_point loaded;
        std::uint64_t generation = 0;
    };
    bool fresh(std::chrono::steady_clock::time_point loaded, std::uint64_t generation,
               std::chrono::steady_clock::time_point now) const;

    redis::connection& redis_;
    campaign_generation& changes_;
    std::unordered_map<std::string, entry> entries_;
    std::vector<std::string> index_;
    std::chrono::steady_clock::time_point index_loaded_{};
    std::uint64_t index_generation_ = 0;
};

}  // namespace pingyi::server
