// pingyi's server assembled: the configuration, what the worker threads
// share (metrics, scripts, static files), and what each worker owns (its
// Redis connection, its caches). Routes are added per worker by the
// routes_*.cpp files; handlers capture their worker_state.
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include <boost/asio/awaitable.hpp>

#include "http/client_address.hpp"
#include "http/cookies.hpp"
#include "http/metrics.hpp"
#include "http/server.hpp"
#include "http/static_files.hpp"
#include "ratelimit/limits.hpp"
#include "redis/script.hpp"
#include "server/config.hpp"
#include "server/counters.hpp"

namespace boost::asio {
class io_context;
class thread_pool;
}
namespace pingyi::redis {
class connection;
}
namespace pingyi::http {
class client;
}

namespace pingyi::server {

class campaign_cache;
class wechat_accounts;
class wechat_clients;

// The Lua scripts every worker's connection loads at connect.
struct script_set {
    script_set();
    redis::script ballot;
    redis::script create_campaign;
    redis::script replace_campaign;
    redis::script gcra;
    std::vector<const redis::script*> all() const;
};

// Read-mostly state shared by every worker thread. Nothing here is locked
// on a request's way: counters are atomics, the rest is fixed at start.
struct shared_state {
    explicit shared_state(config c);
    ~shared_state();

    config cfg;
    ratelimit::config limits;
    http::signer cookie_signer;
    http::hmac_key pseudonym_mac;  // keyed once with cfg.pseudonym_key: a ballot hashes its User-Agent with it
    http::trusted_proxies proxies;
    http::static_files web;
    script_set scripts;
    std::unique_ptr<wechat_accounts> wechat;  // the official accounts, with their keys
    counters stats;
    std::unique_ptr<http::request_metrics> http_metrics;
    std::unique_ptr<std::atomic<bool>[]> redis_up;  // one flag per worker
    std::atomic<std::uint64_t> campaign_changes{0};  // campaign_cache: every worker checks it
    std::unique_ptr<boost::asio::thread_pool> blocking;  // disk I/O (attachments): never on a worker thread
    int workers = 0;
    bool secure_cookies = false;  // PUBLIC_URL is https
};

// One per worker thread; handlers capture a reference to theirs.
struct worker_state {
    worker_state(boost::asio::io_context& ioc, int index, shared_state& shared);
    ~worker_state();

    boost::asio::io_context& ioc;
    int index;
    shared_state& shared;
    std::unique_ptr<redis::connection> redis;
    std::unique_ptr<campaign_cache> campaigns;
    std::unique_ptr<http::client> http_client;  // outbound, to WeChat
    std::unique_ptr<wechat_clients> wechat;  // each account's API client and token store

    void start();
    void stop();
    bool stopping() const;

private:
    boost::asio::awaitable<void> publish_readiness();
    struct impl;
    std::unique_ptr<impl> impl_;
};

class app {
public:
    explicit app(config c);
    ~app();
    http::server_hooks hooks();
    shared_state& shared() { return *shared_; }

private:
    std::unique_ptr<shared_state> shared_;
};

// Route groups, one file each.
void add_ops_routes(http::router& r, worker_state& w);
void add_campaign_routes(http::router& r, worker_state& w);
void add_eval_routes(http::router& r, worker_state& w);
void add_voter_routes(http::router& r, worker_state& w);
void add_static_routes(http::router& r, worker_state& w);
void add_wechat_routes(http::router& r, worker_state& w);
void add_admin_routes(http::router& r, worker_state& w);
void add_event_routes(http::router& r, worker_state& w);
void add_oauth_routes(http::router& r, worker_state& w);
void add_signal_routes(http::router& r, worker_state& w);
void add_audit_routes(http::router& r, worker_state& w);
void add_organizer_routes(http::router& r, worker_state& w);
void add_unit_routes(http::router& r, worker_state& w);
void add_filing_routes(http::router& r, worker_state& w);
void add_suggestion_routes(http::router& r, worker_state& w);

// Milliseconds and seconds since the epoch, from the system clock.
std::int64_t now_ms();
std::int64_t now_s();

}  // namespace pingyi::server
