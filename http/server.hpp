// The HTTP server: one io_context per thread, each with its own
// SO_REUSEPORT acceptor, so requests never cross threads. Generic: it knows
// routes and limits, nothing of pingyi.
#pragma once

#include <chrono>
#include <cstddef>
#include <functional>
#include <memory>
#include <string>
#include <string_view>

#include <boost/system/error_code.hpp>

#include "http/router.hpp"

namespace boost::asio {
class io_context;
}

namespace pingyi::http {

struct server_options {
    std::string host = "127.0.0.1";
    unsigned short port = 8080;
    int threads = 1;
    std::size_t max_connections = 10000;
    std::size_t max_connections_per_address = 1000;
    std::size_t header_limit = 8 * 1024;
    // A request head must arrive within this; a keep-alive connection may
    // idle this long between requests. Slow clients are dropped here.
    std::chrono::milliseconds read_timeout{10000};
    std::chrono::milliseconds idle_timeout{60000};
    std::chrono::milliseconds write_timeout{10000};
    // How long SIGTERM waits for requests in flight before giving up.
    std::chrono::milliseconds shutdown_grace{15000};
};

// What one answered request leaves behind, for access logs and metrics.
struct access_record {
    std::string_view method;
    std::string_view path;
    std::string_view route;  // the matched pattern, "" when none matched
    unsigned status = 0;
    std::chrono::nanoseconds duration{};
    std::string_view client_address;
    std::size_t bytes = 0;
    int worker = 0;
};

// Per-thread state made by make_worker on that thread's io_context.
struct worker_setup {
    std::shared_ptr<const router> routes;
    std::function<void()> on_stop;  // after the worker's sessions have finished
    // Whatever the routes use (connections, timers on the worker's
    // io_context): kept alive by the server and released before that
    // io_context is destroyed.
    std::shared_ptr<void> owner;
};

struct server_hooks {
    std::function<worker_setup(boost::asio::io_context&, int worker)> make_worker;
    // Fills client_address (e.g. from trusted proxies); default: the peer.
    std::function<void(request_context&)> resolve_client;
    // Last touch on every response (security headers and the like).
    std::function<void(const request_context*, response&)> decorate;
    std::function<void(const access_record&)> on_complete;
    std::function<void(std::string_view what, const boost::system::error_code&)> on_error;
};

class server {
public:
    server(server_options options, server_hooks hooks);
    ~server();
    server(const server&) = delete;
    server& operator=(const server&) = delete;

    // Binds every acceptor (throws std::system_error when it cannot) and
    // starts the worker threads.
    void start();
    // Stops accepting, lets requests in flight finish, then lets the
    // workers end. Thread-safe; returns at once.
    void shutdown();
    // Blocks until every worker thread has ended.
    void wait();
    unsigned short port() const;

private:
    struct impl;
    std::unique_ptr<impl> impl_;
};

// {"error": {"code": ..., "message": ...}} with the given status.
response json_error(status s, std::string_view code, std::string_view message, bool keep_alive = true);
// A JSON body with the given status.
response json_response(status s, std::string body, bool keep_alive = true);

}  // namespace pingyi::http
