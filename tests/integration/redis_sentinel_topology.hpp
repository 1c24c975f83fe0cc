// The production Redis topology on loopback, for failover tests: a primary,
// replicas and three real sentinels (redis-server --sentinel, quorum 2)
// with short timeouts, each on a free port in its own temporary directory.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "redis/sentinel.hpp"
#include "tests/support/process.hpp"
#include "tests/support/redis_server.hpp"

namespace pingyi::test {

// One sentinel process watching `master_name` at 127.0.0.1:master_port.
class sentinel_process {
public:
    sentinel_process(const std::string& master_name, int master_port, int quorum);
    ~sentinel_process();
    int port() const { return port_; }

private:
    temp_dir dir_;
    int port_;
    child_process process_;
};

class sentinel_topology {
public:
    // Starts everything and waits until the replicas are in sync and every
    // sentinel knows them and the other two sentinels.
    explicit sentinel_topology(int replicas);

    static constexpr const char* master_name = "pingyi";
    redis_server& primary() { return *primary_; }
    redis_server& replica(std::size_t i) { return *replicas_.at(i); }
    // sentinel://127.0.0.1:a,127.0.0.1:b,127.0.0.1:c/pingyi
    std::string url() const;
    redis::sentinel_options options() const;
    // The master's port as the first live sentinel names it, 0 if none does.
    int master_port() const;
    // Polls until the sentinels name one of the replicas as master and it
    // says so itself; returns its port, 0 if that did not happen in time.
    int wait_promoted(int timeout_ms) const;

private:
    std::unique_ptr<redis_server> primary_;
    std::vector<std::unique_ptr<redis_server>> replicas_;
    std::vector<std::unique_ptr<sentinel_process>> sentinels_;
};

// Polls INFO replication on a replica until its link to the master is up.
bool wait_replica_in_sync(int replica_port, int timeout_ms);

}  // namespace pingyi::test
