// pingyi's server assembled: the configuration, what the worker threads
// share (metrics, readiness), and what each worker owns (its Redis
// connection). Routes are added per worker by the routes_*.cpp files.
#pragma once

#include <atomic>
#include <memory>
#include <string>
#include <vector>

#include "http/metrics.hpp"
#include "http/server.hpp"
#include "server/config.hpp"
#include "server/counters.hpp"

namespace boost::asio {
class io_context;
}

namespace pingyi::server {

// Read-mostly state shared by every worker thread. Nothing here is locked
// on a request's way: counters are atomics, the rest is fixed at start.
struct shared_state {
    explicit shared_state(config c);

    config cfg;
    counters stats;
    std::unique_ptr<http::request_metrics> http_metrics;
    std::unique_ptr<std::atomic<bool>[]> redis_up;  // one flag per worker
    int workers = 0;
};

// One per worker thread; handlers capture a reference to theirs.
struct worker_state {
    boost::asio::io_context& ioc;
    int index;
    shared_state& shared;
};

class app {
public:
    explicit app(config c);
    ~app();
    http::server_hooks hooks();
    shared_state& shared() { return *shared_; }

private:
    std::unique_ptr<shared_state> shared_;
    std::vector<std::unique_ptr<worker_state>> workers_;
};

// Route groups, one file each.
void add_ops_routes(http::router& r, worker_state& w);

}  // namespace pingyi::server
