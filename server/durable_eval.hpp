// A script call acknowledged only once PINGYI_REDIS_MIN_REPLICAS replicas
// have its writes (DESIGN.md "Durability"): EVALSHA and WAIT pipelined in
// one round trip, so a failover (Sentinel promoting a replica) cannot lose
// a ballot the voter was told is counted.
#pragma once

#include <string>
#include <type_traits>
#include <vector>

#include <boost/asio/awaitable.hpp>
#include <boost/system/error_code.hpp>

#include "http/server.hpp"
#include "redis/connection.hpp"

namespace pingyi::server {

struct worker_state;

enum class durability_error {
    // The script ran and its writes are on the master, but fewer replicas
    // than required confirmed them in time: counted, not yet failover-safe.
    replication_pending = 1,
    // The master refused the write (min-replicas-to-write, -NOREPLICAS):
    // nothing was written; the caller may retry.
    no_replicas,
};

const boost::system::error_category& durability_category() noexcept;
boost::system::error_code make_error_code(durability_error e) noexcept;

// With redis_min_replicas == 0 this is w.redis->eval. Otherwise the result
// is the script's reply, with ec = replication_pending when WAIT counted
// fewer replicas (the reply is kept: the write did happen), no_replicas when
// the master refused to write, or the connection's ec.
boost::asio::awaitable<redis::result> durable_eval(worker_state& w, const redis::script& s,
                                                   std::vector<std::string> keys, std::vector<std::string> args);

// 503 replication_pending: the voter's ballot is recorded, nothing to redo.
http::response replication_pending();

}  // namespace pingyi::server

template <>
struct boost::system::is_error_code_enum<pingyi::server::durability_error> : std::true_type {};
