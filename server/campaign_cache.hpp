// A worker's view of the campaigns: parsed once, kept for a second, so a
// ballot's body check needs no extra Redis round trip. What must be exact
// (the window, the rules) the ballot script reads from Redis itself.
#pragma once

#include <chrono>
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

class campaign_cache {
public:
    // The sorted set of every campaign id (score: opens_at), for listings.
    static constexpr std::string_view index_key = "pingyi:campaigns";
    static constexpr std::chrono::milliseconds fresh_for{1000};

    explicit campaign_cache(redis::connection& redis);

    // nullptr and no ec: no such campaign. ec: Redis did not answer.
    boost::asio::awaitable<campaign_ptr> get(std::string cid, boost::system::error_code& ec);
    // Every campaign, in opens_at order.
    boost::asio::awaitable<std::vector<campaign_ptr>> all(boost::system::error_code& ec);
    // Forget a campaign after this worker changed it.
    void invalidate(const std::string& cid);

private:
    struct entry {
        campaign_ptr value;
        std::chrono::steady_clock::time_point loaded;
    };
    redis::connection& redis_;
    std::unordered_map<std::string, entry> entries_;
    std::vector<std::string> index_;
    std::chrono::steady_clock::time_point index_loaded_{};
};

}  // namespace pingyi::server
