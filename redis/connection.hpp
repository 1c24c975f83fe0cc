// One pipelined Redis connection, multiplexing every coroutine of one
// io_context thread (the Boost.Redis model): exec() appends to a queue and
// wakes the writer, the writer sends everything waiting in one write, the
// reader hands replies back in FIFO order, and a run loop owns connect,
// handshake and reconnect.
//
// Every command must get exactly one reply: no SUBSCRIBE, MONITOR or
// CLIENT REPLY OFF on this connection.
//
// GCC 12: build the argument vector in its own statement, not as a braced
// list of string literals inside the co_await expression (miscompiles).
//
// Threading: no locks. Construct, start, stop, exec and destroy on the
// connection's executor (one connection per io_context thread; if an
// io_context ever runs on several threads, give the connection a strand).
#pragma once

#include <chrono>
#include <memory>
#include <string>
#include <vector>

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/system/error_code.hpp>

#include "redis/error.hpp"
#include "redis/reply.hpp"
#include "redis/script.hpp"
#include "redis/sentinel.hpp"
#include "redis/url.hpp"

namespace pingyi::redis {

// ec is set when the command did not get a reply (not connected, timeout,
// connection lost). A Redis error reply is not an ec: it is value.is_error(),
// except READONLY / MASTERDOWN with Sentinel, which also set ec to
// sentinel_error::not_master (the command did not run; the caller may retry).
struct result {
    boost::system::error_code ec;
    reply value;

    bool ok() const { return !ec && !value.is_error(); }
};

struct connection_options {
    // Where to connect. With Sentinel enabled only its credentials and db
    // are used: host and port come from the sentinels before each connect.
    endpoint_config endpoint;
    // With sentinels: discovery before each connect, ROLE checked at connect,
    // and a READONLY or MASTERDOWN reply (the server was demoted under us)
    // ends the session so that the next connect rediscovers.
    sentinel_options sentinel;
    std::chrono::milliseconds connect_timeout{1000};  // TCP connect plus AUTH/SELECT/SCRIPT LOAD
    std::chrono::milliseconds command_timeout{1000};  // oldest in-flight command; then the connection is broken
    std::chrono::milliseconds backoff_min{50};        // reconnect delay, doubled per failure, with jitter
    std::chrono::milliseconds backoff_max{2000};
    // Loaded at every connect; must outlive the connection. One that does not
    // compile keeps the connection down (last_error() == error::handshake).
    std::vector<const script*> scripts;
};

class connection {
public:
    connection(boost::asio::any_io_executor ex, connection_options opts);
    ~connection();  // stop()s
    connection(const connection&) = delete;
    connection& operator=(const connection&) = delete;

    // Spawns the run loop: connect, AUTH, SELECT, SCRIPT LOAD, then read and
    // write until an error, then reconnect with capped exponential backoff.
    void start();
    // Cancels everything; pending requests complete with error::stopped.
    void stop();
    bool is_up() const;
    // Why the last connection attempt or session ended (empty if none did).
    boost::system::error_code last_error() const;
    // The server of the current (or last) session: host:port, for logs and tests.
    std::string server() const;

    // One command. Fails at once with error::not_connected while down, and
    // within about command_timeout when Redis stops answering, so callers
    // never need their own timeout. A cancelled caller (e.g. `exec || timer`)
    // resumes at once with asio::error::operation_aborted; a command already
    // written still runs, and its reply is dropped.
    boost::asio::awaitable<result> exec(std::vector<std::string> args);
    // Several commands written back to back in one write (e.g. EVALSHA + WAIT
    // in one round trip); one result per command, in order.
    boost::asio::awaitable<std::vector<result>> exec_many(std::vector<std::vector<std::string>> cmds);
    // EVALSHA; on NOSCRIPT, SCRIPT LOAD and EVALSHA again in one round trip.
    boost::asio::awaitable<result> eval(const script& s, std::vector<std::string> keys,
                                        std::vector<std::string> args);

private:
    class impl;
    std::shared_ptr<impl> impl_;
};

}  // namespace pingyi::redis
