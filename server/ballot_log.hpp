// Reading the ballot log from Redis, and a worker's running hash chain over
// it: the digest (count and head) and any entry's hash without rehashing
// the whole log each time (a checkpoint every 1,000 entries).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include <boost/asio/awaitable.hpp>
#include <boost/system/error_code.hpp>

#include "vote/audit_chain.hpp"
#include "vote/audit_log.hpp"

namespace pingyi::redis {
class connection;
}

namespace pingyi::server {

// Entries first_seq..last_seq (0: to the end), at most `count`.
boost::asio::awaitable<std::vector<vote::log_entry>> read_log(redis::connection& redis, const std::string& cid,
                                                              std::uint64_t first_seq, std::uint64_t last_seq,
                                                              std::size_t count, boost::system::error_code& ec);

class chain_cache {
public:
    static constexpr std::uint64_t checkpoint_every = 1000;

    explicit chain_cache(redis::connection& redis);

    struct digest {
        std::uint64_t count = 0;
        std::string head;
    };
    // Hashes whatever was appended since last time.
    boost::asio::awaitable<digest> extend(const std::string& cid, boost::system::error_code& ec);
    // The hash of entry seq; nullopt when the log has no such entry.
    boost::asio::awaitable<std::optional<std::string>> hash_of(const std::string& cid, std::uint64_t seq,
                                                               boost::system::error_code& ec);

private:
    struct chain {
        vote::log_chain running;
        std::vector<std::string> checkpoints{std::string(vote::genesis_hash)};  // [k]: head after k*1000 entries
    };
    redis::connection& redis_;
    std::unordered_map<std::string, chain> chains_;
};

}  // namespace pingyi::server
