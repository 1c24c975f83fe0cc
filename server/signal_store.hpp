// Anomaly signals as the server keeps them: per worker, one analyzer per
// campaign fed from the ballot log as it grows (only the new entries are
// read, with their origins and the follow times of new voters fetched in
// pipelined batches), and the staff's reviews of signals in Redis. Origins
// (addresses, and the account pseudonyms follow times are kept under) last
// only the anomaly window: an analyzer is built again from the log once a
// bucket of origins may have expired, so that it never holds an address
// Redis no longer keeps, and without origins at all once the campaign's
// retention is over.
//
//   {c:<cid>}:signal-reviews  HASH signal id -> {"decision", "reason", "by", "at"}
//   pingyi:wx:subscribed:<pseudonym>  STRING when the voter followed (seconds), written by /wechat
#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include <boost/asio/awaitable.hpp>
#include <boost/system/error_code.hpp>

#include "vote/anomaly.hpp"
#include "vote/campaign.hpp"

namespace pingyi::redis {
class connection;
}

namespace pingyi::server {

std::string signal_reviews_key(std::string_view cid);
std::string subscribed_key(std::string_view pseudonym);

enum class review_decision { fine, fraud };

std::string_view to_string(review_decision d);
std::optional<review_decision> parse_review_decision(std::string_view text);

struct signal_review {
    review_decision decision = review_decision::fine;
    std::string reason;
    std::string by;
    std::int64_t at_ms = 0;

    bool operator==(const signal_review&) const = default;
};

std::string encode_review(const signal_review& r);
std::optional<signal_review> decode_review(std::string_view text);

// Every review of a campaign, by signal id.
boost::asio::awaitable<std::map<std::string, signal_review>> load_reviews(redis::connection& redis,
                                                                          std::string_view cid,
                                                                          boost::system::error_code& ec);
boost::asio::awaitable<void> store_review(redis::connection& redis, std::string_view cid, std::string_view id,
                                          const signal_review& r, boost::system::error_code& ec);

class signal_store {
public:
    static constexpr std::size_t page = 1000;

    signal_store(redis::connection& redis, std::int64_t window_ms, vote::anomaly_config config = {});

    struct snapshot {
        std::uint64_t analyzed = 0;  // log entries read so far
        std::vector<vote::signal> signals;
    };
    // Reads what was appended to the campaign's log since last time, then
    // answers the current signals.
    boost::asio::awaitable<snapshot> current(const vote::campaign& c, boost::system::error_code& ec);
    const vote::anomaly_config& config() const { return config_; }

private:
    struct analysis {
        vote::analyzer analyzer;
        bool with_origins = true;
        std::chrono::steady_clock::time_point built;
    };
    // The origins of these entries that Redis still keeps, by seq.
    boost::asio::awaitable<std::map<std::uint64_t, vote::ballot_origin>> origins_of(
        std::string_view cid, const std::vector<vote::log_entry>& entries, boost::system::error_code& ec);

    redis::connection& redis_;
    std::int64_t window_ms_;
    vote::anomaly_config config_;
    // Shared: a request still reading keeps the analysis it started with.
    std::unordered_map<std::string, std::shared_ptr<analysis>> analyses_;
};

}  // namespace pingyi::server
