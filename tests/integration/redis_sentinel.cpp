// Sentinel support of the Redis client: discovery in order, the ROLE check,
// rediscovery on READONLY, and a real failover with three sentinels.
#include <doctest/doctest.h>

#include <atomic>
#include <chrono>
#include <exception>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>

#include "redis/connection.hpp"
#include "redis/sentinel.hpp"
#include "tests/integration/redis_sentinel_topology.hpp"
#include "tests/support/redis_server.hpp"

namespace asio = boost::asio;
using asio::awaitable;
using pingyi::redis::connection;
using pingyi::redis::connection_options;
using pingyi::redis::master_address;
using pingyi::redis::reply;
using pingyi::redis::result;
using pingyi::redis::script;
using pingyi::redis::sentinel_error;
using pingyi::redis::sentinel_options;
using pingyi::test::redis_server;
using pingyi::test::sentinel_topology;
using pingyi::test::sync_redis;
using namespace std::chrono_literals;

namespace {

// A stand-in sentinel that names whatever master the test tells it to (0:
// none), so the client's reactions can be provoked without a failover.
class fake_sentinel {
public:
    explicit fake_sentinel(int master_port) : master_port_(master_port) {
        fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
        sockaddr_in addr{};
        addr.sin_family = AF_INET;
        addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        REQUIRE(::bind(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0);
        socklen_t len = sizeof addr;
        ::getsockname(fd_, reinterpret_cast<sockaddr*>(&addr), &len);
        port_ = ntohs(addr.sin_port);
        REQUIRE(::listen(fd_, 16) == 0);
        thread_ = std::thread([this] { serve(); });
    }
    ~fake_sentinel() {
        ::shutdown(fd_, SHUT_RDWR);  // wakes accept()
        thread_.join();
        ::close(fd_);
    }
    int port() const { return port_; }
    void name_master(int port) { master_port_ = port; }
    int questions() const { return questions_; }

private:
    void serve() {
        for (;;) {
            int client = ::accept(fd_, nullptr, nullptr);
            if (client < 0) return;
            char buf[512];
            if (::read(client, buf, sizeof buf) > 0) {
                ++questions_;
                std::string port = std::to_string(master_port_.load());
                std::string answer = master_port_ == 0 ? "*-1\r\n"
                                                       : "*2\r\n$9\r\n127.0.0.1\r\n$" + std::to_string(port.size()) +
                                                             "\r\n" + port + "\r\n";
                [[maybe_unused]] auto n = ::write(client, answer.data(), answer.size());
            }
            ::close(client);
        }
    }

    int fd_ = -1;
    int port_ = 0;
    std::atomic<int> master_port_;
    std::atomic<int> questions_{0};
    std::thread thread_;
};

pingyi::redis::endpoint_config local(int port) {
    pingyi::redis::endpoint_config ep;
    ep.port = port;
    return ep;
}

sentinel_options sentinels_at(std::vector<int> ports) {
    sentinel_options o;
    for (int p : ports) o.sentinels.push_back(local(p));
    o.master_name = "pingyi";
    return o;
}

connection_options with_sentinels(sentinel_options s) {
    connection_options o;
    o.sentinel = std::move(s);
    o.backoff_min = 20ms;
    o.backoff_max = 200ms;
    return o;
}

template <class Done>
bool drive(asio::io_context& ioc, Done done, std::chrono::milliseconds limit = 10s) {
    auto deadline = std::chrono::steady_clock::now() + limit;
    while (!done() && std::chrono::steady_clock::now() < deadline) ioc.run_one_for(50ms);
    return done();
}

template <class T>
T run(asio::io_context& ioc, awaitable<T> task) {
    std::optional<T> out;
    std::exception_ptr failure;
    ioc.restart();  // a run without a connection may have run out of work, which stops the io_context
    asio::co_spawn(ioc, std::move(task), [&](std::exception_ptr e, T value) {
        failure = e;
        out = std::move(value);
    });
    REQUIRE(drive(ioc, [&] { return out.has_value(); }));
    if (failure) std::rethrow_exception(failure);
    return std::move(*out);
}

awaitable<result> exec(connection& c, std::vector<std::string> args) {
    result r = co_await c.exec(std::move(args));
    co_return r;
}

awaitable<master_address> discover(sentinel_options o) {
    auto ex = co_await asio::this_coro::executor;
    master_address found = co_await pingyi::redis::discover_master(ex, o);
    co_return found;
}

// Retries the script until it succeeds; returns its reply.
awaitable<result> eval_until_ok(connection& c, const script& s, std::string key) {
    asio::steady_timer pause(co_await asio::this_coro::executor);
    for (;;) {
        std::vector<std::string> keys{key};
        result r = co_await c.eval(s, std::move(keys), {});
        if (r.ok()) co_return r;
        pause.expires_after(20ms);
        co_await pause.async_wait(asio::use_awaitable);
    }
}

std::string local_address(int port) { return "127.0.0.1:" + std::to_string(port); }

}  // namespace

TEST_CASE("redis sentinel: replies to get-master-addr-by-name, ROLE and demotion errors") {
    using k = reply::kind;
    auto found = pingyi::redis::parse_master_address(reply(std::vector<reply>{reply(k::string, "10.0.0.5"), reply(k::string, "6380")}));
    CHECK_FALSE(found.ec);
    CHECK(found.host == "10.0.0.5");
    CHECK(found.port == 6380);
    CHECK(pingyi::redis::parse_master_address(reply()).ec == sentinel_error::unknown_master);
    CHECK(pingyi::redis::parse_master_address(reply(k::error, "ERR unknown command")).ec == sentinel_error::unreachable);
    CHECK(pingyi::redis::parse_master_address(reply(std::vector<reply>{reply(k::string, "h"), reply(k::string, "0")})).ec ==
          sentinel_error::unreachable);

    CHECK(pingyi::redis::is_master_role(reply(std::vector<reply>{reply(k::string, "master"), reply(0LL), reply(std::vector<reply>{})})));
    CHECK_FALSE(pingyi::redis::is_master_role(reply(std::vector<reply>{reply(k::string, "slave"), reply(k::string, "127.0.0.1")})));
    CHECK_FALSE(pingyi::redis::is_master_role(reply(k::error, "NOPERM")));

    CHECK(pingyi::redis::is_not_master_error(reply(k::error, "READONLY You can't write against a read only replica.")));
    CHECK(pingyi::redis::is_not_master_error(reply(k::error, "MASTERDOWN Link with MASTER is down")));
    CHECK_FALSE(pingyi::redis::is_not_master_error(reply(k::error, "ERR wrong number of arguments")));
    CHECK_FALSE(pingyi::redis::is_not_master_error(reply(k::string, "READONLY")));
}

TEST_CASE("redis sentinel: discovery asks the sentinels in order and skips dead ones") {
    redis_server master;
    fake_sentinel first(master.port());
    fake_sentinel second(12345);
    int dead = pingyi::test::free_port();
    asio::io_context ioc;

    auto found = run(ioc, discover(sentinels_at({dead, first.port(), second.port()})));
    CHECK_FALSE(found.ec);
    CHECK(found.port == master.port());
    CHECK(first.questions() == 1);
    CHECK(second.questions() == 0);

    first.name_master(0);
    auto unknown = run(ioc, discover(sentinels_at({first.port(), dead})));
    CHECK(unknown.ec == sentinel_error::unknown_master);
    auto nobody = run(ioc, discover(sentinels_at({dead})));
    CHECK(nobody.ec == sentinel_error::unreachable);
}

TEST_CASE("redis sentinel: a server that is not a master is refused until the sentinels name the master") {
    redis_server master;
    redis_server replica({"--replicaof", "127.0.0.1", std::to_string(master.port())});
    fake_sentinel sentinel(replica.port());
    asio::io_context ioc;
    connection c(ioc.get_executor(), with_sentinels(sentinels_at({sentinel.port()})));
    c.start();
    REQUIRE(drive(ioc, [&] { return c.last_error() == sentinel_error::not_master; }));
    CHECK_FALSE(c.is_up());

    sentinel.name_master(master.port());
    REQUIRE(drive(ioc, [&] { return c.is_up(); }));
    CHECK(c.server() == local_address(master.port()));
    c.stop();
}

TEST_CASE("redis sentinel: READONLY from a demoted master fails the command and leads to the new master") {
    redis_server old_master;
    redis_server new_master;
    fake_sentinel sentinel(old_master.port());
    asio::io_context ioc;
    connection c(ioc.get_executor(), with_sentinels(sentinels_at({sentinel.port()})));
    c.start();
    REQUIRE(drive(ioc, [&] { return c.is_up(); }));
    CHECK(run(ioc, exec(c, {"SET", "before", "1"})).ok());

    // The old master becomes a replica under our open connection, as after
    // a failover when it comes back.
    sync_redis(old_master.port()).command({"REPLICAOF", "127.0.0.1", std::to_string(new_master.port())});
    sentinel.name_master(new_master.port());
    auto refused = run(ioc, exec(c, {"SET", "after", "1"}));
    CHECK(refused.ec == sentinel_error::not_master);
    CHECK(refused.value.str().starts_with("READONLY"));

    REQUIRE(drive(ioc, [&] { return c.is_up() && c.server() == local_address(new_master.port()); }));
    CHECK(run(ioc, exec(c, {"SET", "after", "2"})).ok());
    CHECK(sync_redis(new_master.port()).string({"GET", "after"}) == "2");
    c.stop();
}

TEST_CASE("redis sentinel: after SIGKILL of the primary the client follows the promoted replica, scripts loaded") {
    sentinel_topology topology(1);
    script counter("counter", "return redis.call('INCR', KEYS[1])");
    asio::io_context ioc;
    auto opts = with_sentinels(topology.options());
    opts.scripts = {&counter};
    connection c(ioc.get_executor(), opts);
    c.start();
    REQUIRE(drive(ioc, [&] { return c.is_up(); }));
    CHECK(c.server() == local_address(topology.primary().port()));
    for (int i = 0; i < 5; ++i) run(ioc, eval_until_ok(c, counter, "n"));
    // This test is about the client, not durability: make sure the replica
    // has the writes before the crash (deploy_failover.cpp does without).
    CHECK(run(ioc, exec(c, {"WAIT", "1", "5000"})).value.integer() == 1);
    // Redis 7 does not replicate SCRIPT LOAD: the new master's cache is empty
    // until the client loads the script at connect.
    sync_redis replica(topology.replica(0).port());
    CHECK(replica.command({"SCRIPT", "EXISTS", counter.sha()})->element[0]->integer == 0);

    auto killed_at = std::chrono::steady_clock::now();
    topology.primary().kill_hard();
    REQUIRE(drive(ioc, [&] { return c.is_up() && c.server() == local_address(topology.replica(0).port()); }, 30s));
    auto seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - killed_at).count();
    MESSAGE("client on the new master " << seconds << " s after the kill");
    CHECK(topology.master_port() == topology.replica(0).port());
    // A new connection: Sentinel kills the promoted server's clients.
    sync_redis promoted(topology.replica(0).port());
    CHECK(promoted.command({"SCRIPT", "EXISTS", counter.sha()})->element[0]->integer == 1);
    CHECK(run(ioc, eval_until_ok(c, counter, "n")).value.integer() == 6);
    c.stop();
}
