// Redis Sentinel master discovery, as the Sentinel client guidelines ask:
// query the sentinels in order, each with a short timeout, with
// `SENTINEL get-master-addr-by-name`; the first answer wins. The connection
// then checks with ROLE that the server it reached really is a master (a
// sentinel may still name a demoted one for a moment).
#pragma once

#include <chrono>
#include <string>
#include <type_traits>
#include <vector>

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/system/error_code.hpp>

#include "redis/reply.hpp"
#include "redis/url.hpp"

namespace pingyi::redis {

enum class sentinel_error {
    unreachable = 1,  // no sentinel answered
    unknown_master,   // the sentinels answered but know no master by that name
    not_master,       // the server reached is not a master (ROLE), or answered READONLY / MASTERDOWN
};

const boost::system::error_category& sentinel_category() noexcept;
boost::system::error_code make_error_code(sentinel_error e) noexcept;

struct sentinel_options {
    std::vector<endpoint_config> sentinels;  // asked in this order; empty: no Sentinel
    std::string master_name;
    std::chrono::milliseconds timeout{300};  // per sentinel: connect, ask, answer

    bool enabled() const { return !sentinels.empty(); }
};

struct master_address {
    boost::system::error_code ec;  // sentinel_error::unreachable or unknown_master
    std::string host;
    int port = 0;
};

// Asks the sentinels in order until one names the master.
boost::asio::awaitable<master_address> discover_master(boost::asio::any_io_executor ex, const sentinel_options& opts);

// The reply to `SENTINEL get-master-addr-by-name`: ["host", "port"], or nil
// when the sentinel does not know the name.
master_address parse_master_address(const reply& r);
// The reply to ROLE: ["master", offset, replicas] on a master.
bool is_master_role(const reply& r);
// Error replies that mean "this is not (or no longer) a writable master".
bool is_not_master_error(const reply& r);

}  // namespace pingyi::redis

template <>
struct boost::system::is_error_code_enum<pingyi::redis::sentinel_error> : std::true_type {};
