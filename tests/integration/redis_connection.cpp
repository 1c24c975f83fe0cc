#include <doctest/doctest.h>

#include <chrono>
#include <exception>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/experimental/awaitable_operators.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>

#include "redis/connection.hpp"
#include "tests/support/redis_server.hpp"

namespace asio = boost::asio;
using asio::awaitable;
using pingyi::redis::connection;
using pingyi::redis::connection_options;
using pingyi::redis::error;
using pingyi::redis::reply;
using pingyi::redis::result;
using pingyi::redis::script;
using pingyi::test::redis_server;
using pingyi::test::sync_redis;
using namespace std::chrono_literals;
using namespace boost::asio::experimental::awaitable_operators;
using namespace std::string_literals;

namespace {

connection_options options_for(const redis_server& server) {
    connection_options opts;
    opts.endpoint.port = server.port();
    opts.backoff_min = 20ms;
    opts.backoff_max = 200ms;
    return opts;
}

// Runs the io_context until done() or the limit; returns done().
template <class Done>
bool drive(asio::io_context& ioc, Done done, std::chrono::milliseconds limit = 10s) {
    auto deadline = std::chrono::steady_clock::now() + limit;
    while (!done() && std::chrono::steady_clock::now() < deadline) ioc.run_one_for(50ms);
    return done();
}

bool wait_up(asio::io_context& ioc, const connection& c) {
    return drive(ioc, [&] { return c.is_up(); });
}

// Runs one coroutine to completion (the connection's loops keep running).
template <class T>
T run(asio::io_context& ioc, awaitable<T> task, std::chrono::milliseconds limit = 10s) {
    std::optional<T> out;
    std::exception_ptr failure;
    bool done = false;
    asio::co_spawn(ioc, std::move(task), [&](std::exception_ptr e, T value) {
        failure = e;
        out = std::move(value);
        done = true;
    });
    REQUIRE(drive(ioc, [&] { return done; }, limit));
    if (failure) std::rethrow_exception(failure);
    return std::move(*out);
}

awaitable<result> exec(connection& c, std::vector<std::string> args) {
    result r = co_await c.exec(std::move(args));
    co_return r;
}

// One of many concurrent callers: its own key and value, plus a shared counter.
awaitable<int> set_get_incr(connection& c, int i, std::set<long long>& counters, int& correct) {
    std::string key = "k:" + std::to_string(i);
    std::string value = "v:" + std::to_string(i * 7919);
    // Arguments built outside the co_await statements (GCC 12 miscompiles
    // string literals in a braced list inside co_await).
    std::vector<std::string> set_cmd{"SET", key, value};
    std::vector<std::string> incr_cmd{"INCR", "counter"};
    std::vector<std::string> get_cmd{"GET", key};
    result set = co_await c.exec(std::move(set_cmd));
    result incr = co_await c.exec(std::move(incr_cmd));
    result get = co_await c.exec(std::move(get_cmd));
    if (set.ok() && set.value.str() == "OK" && get.ok() && get.value.str() == value && incr.ok()) ++correct;
    counters.insert(incr.value.integer());
    co_return 0;
}

// Loops INCR until a request fails; records how it failed.
awaitable<int> incr_until_failure(connection& c, long long& done_ops, std::vector<boost::system::error_code>& errors) {
    const std::vector<std::string> incr{"INCR", "stream"};
    for (;;) {
        result r = co_await c.exec(incr);
        if (r.ec) {
            errors.push_back(r.ec);
            co_return 0;
        }
        ++done_ops;
    }
}

// Polls exec until it succeeds; returns the number of attempts.
awaitable<int> until_ok(connection& c, std::vector<std::string> args) {
    asio::steady_timer pause(co_await asio::this_coro::executor);
    for (int attempt = 1;; ++attempt) {
        result r = co_await c.exec(args);
        if (r.ok()) co_return attempt;
        pause.expires_after(20ms);
        co_await pause.async_wait(asio::use_awaitable);
    }
}

// Returns 1 if the timer won (the exec was cancelled), 0 if exec did.
awaitable<int> exec_or_give_up(connection& c, std::chrono::milliseconds patience) {
    asio::steady_timer timer(co_await asio::this_coro::executor);
    timer.expires_after(patience);
    std::vector<std::string> ping{"PING"};
    auto outcome = co_await (c.exec(std::move(ping)) || timer.async_wait(asio::use_awaitable));
    co_return static_cast<int>(outcome.index());
}

awaitable<result> eval(connection& c, const script& s, std::vector<std::string> keys, std::vector<std::string> args) {
    result r = co_await c.eval(s, std::move(keys), std::move(args));
    co_return r;
}

awaitable<std::vector<result>> exec_many(connection& c, std::vector<std::vector<std::string>> cmds) {
    std::vector<result> r = co_await c.exec_many(std::move(cmds));
    co_return r;
}

}  // namespace

TEST_CASE("redis connection: replies of every type, error replies are values") {
    redis_server server;
    asio::io_context ioc;
    connection c(ioc.get_executor(), options_for(server));
    c.start();
    REQUIRE(wait_up(ioc, c));

    auto set = run(ioc, exec(c, {"SET", "s", "hello"}));
    CHECK_FALSE(set.ec);
    CHECK(set.value == reply(reply::kind::status, "OK"));
    CHECK(run(ioc, exec(c, {"GET", "s"})).value == reply(reply::kind::string, "hello"));
    CHECK(run(ioc, exec(c, {"GET", "missing"})).value.is_nil());
    CHECK(run(ioc, exec(c, {"RPUSH", "l", "a", "b"})).value.integer() == 2);
    auto range = run(ioc, exec(c, {"LRANGE", "l", "0", "-1"}));
    CHECK(range.value.to_string() == R"(["a", "b"])");

    auto wrong = run(ioc, exec(c, {"INCR", "s"}));
    CHECK_FALSE(wrong.ec);
    CHECK(wrong.value.is_error());
    CHECK_FALSE(wrong.ok());
    auto unknown = run(ioc, exec(c, {"NO-SUCH-COMMAND"}));
    CHECK(unknown.value.is_error());
    // The connection is still in step after error replies.
    CHECK(run(ioc, exec(c, {"PING"})).value.str() == "PONG");

    auto many = run(ioc, exec_many(c, {{"SET", "n", "1"}, {"INCRBY", "n", "41"}, {"HGET", "n", "f"}, {"GET", "n"}}));
    REQUIRE(many.size() == 4);
    CHECK(many[1].value.integer() == 42);
    CHECK(many[2].value.is_error());
    CHECK(many[3].value.str() == "42");
    c.stop();
}

TEST_CASE("redis connection: binary values with NUL and CRLF round-trip") {
    redis_server server;
    asio::io_context ioc;
    connection c(ioc.get_executor(), options_for(server));
    c.start();
    REQUIRE(wait_up(ioc, c));
    std::string value = "a\0b\r\nc\r\n$5\r\n*1\r\n\xff\xfe"s;
    std::string key = "key\0with\r\nbreaks"s;
    CHECK(run(ioc, exec(c, {"SET", key, value})).ok());
    CHECK(run(ioc, exec(c, {"GET", key})).value.str() == value);
    sync_redis direct(server.port());
    CHECK(direct.string({"GET", key}) == value);
    c.stop();
}

TEST_CASE("redis connection: 10,000 concurrent callers are all answered correctly") {
    redis_server server;
    asio::io_context ioc;
    connection c(ioc.get_executor(), options_for(server));
    c.start();
    REQUIRE(wait_up(ioc, c));

    constexpr int callers = 10000;
    std::set<long long> counters;
    int correct = 0;
    int finished = 0;
    for (int i = 0; i < callers; ++i)
        asio::co_spawn(ioc, set_get_incr(c, i, counters, correct), [&](std::exception_ptr e, int) {
            CHECK_FALSE(e);
            ++finished;
        });
    REQUIRE(drive(ioc, [&] { return finished == callers; }, 60s));
    CHECK(correct == callers);
    // Every INCR got its own reply: the values 1..callers, each once.
    CHECK(counters.size() == callers);
    CHECK(*counters.begin() == 1);
    CHECK(*counters.rbegin() == callers);
    sync_redis direct(server.port());
    CHECK(direct.string({"GET", "counter"}) == std::to_string(callers));
    c.stop();
}

TEST_CASE("redis connection: scripts are loaded at connect and reloaded after SCRIPT FLUSH") {
    redis_server server;
    script add("add", "return redis.call('INCRBY', KEYS[1], ARGV[1])");
    script other("other", "return 'not registered'");
    asio::io_context ioc;
    auto opts = options_for(server);
    opts.scripts = {&add};
    connection c(ioc.get_executor(), opts);
    c.start();
    REQUIRE(wait_up(ioc, c));

    sync_redis direct(server.port());
    auto exists = direct.command({"SCRIPT", "EXISTS", add.sha(), other.sha()});
    REQUIRE(exists->elements == 2);
    CHECK(exists->element[0]->integer == 1);
    CHECK(exists->element[1]->integer == 0);

    CHECK(run(ioc, eval(c, add, {"total"}, {"5"})).value.integer() == 5);
    direct.command({"SCRIPT", "FLUSH"});
    auto after_flush = run(ioc, eval(c, add, {"total"}, {"2"}));
    CHECK_FALSE(after_flush.ec);
    CHECK(after_flush.value.integer() == 7);
    // A script never registered is loaded on first use the same way.
    CHECK(run(ioc, eval(c, other, {}, {})).value.str() == "not registered");
    auto broken = run(ioc, eval(c, script("bad", "return redis.call('INCR')"), {}, {}));
    CHECK(broken.value.is_error());
    c.stop();
}

TEST_CASE("redis connection: a killed server fails every pending request, then the connection comes back") {
    redis_server server;
    asio::io_context ioc;
    auto opts = options_for(server);
    // So long that only detecting the broken socket can end the requests in time.
    opts.command_timeout = 60s;
    connection c(ioc.get_executor(), opts);
    c.start();
    REQUIRE(wait_up(ioc, c));

    constexpr int workers = 200;
    long long done_ops = 0;
    std::vector<boost::system::error_code> errors;
    int finished = 0;
    for (int i = 0; i < workers; ++i)
        asio::co_spawn(ioc, incr_until_failure(c, done_ops, errors), [&](std::exception_ptr, int) { ++finished; });
    REQUIRE(drive(ioc, [&] { return done_ops > 5000; }));
    server.kill_hard();
    REQUIRE(drive(ioc, [&] { return finished == workers; }, 10s));
    REQUIRE(errors.size() == workers);
    for (auto ec : errors) CHECK((ec == error::connection_lost || ec == error::not_connected));
    CHECK(c.last_error() == error::connection_lost);

    // While down, requests fail at once instead of waiting.
    drive(ioc, [] { return false; }, 100ms);
    CHECK_FALSE(c.is_up());
    CHECK(run(ioc, exec(c, {"PING"}), 100ms).ec == error::not_connected);

    server.start();
    auto restarted = std::chrono::steady_clock::now();
    run(ioc, until_ok(c, {"PING"}), 5s);
    CHECK(std::chrono::steady_clock::now() - restarted < 2s);
    CHECK(run(ioc, exec(c, {"INCR", "fresh"})).value.integer() == 1);
    c.stop();
}

TEST_CASE("redis connection: a paused server times requests out, and they work again after it resumes") {
    redis_server server;
    asio::io_context ioc;
    auto opts = options_for(server);
    opts.command_timeout = 300ms;
    connection c(ioc.get_executor(), opts);
    c.start();
    REQUIRE(wait_up(ioc, c));
    CHECK(run(ioc, exec(c, {"PING"})).ok());

    server.pause();
    auto started = std::chrono::steady_clock::now();
    std::vector<result> timed_out;
    int finished = 0;
    for (int i = 0; i < 50; ++i)
        asio::co_spawn(ioc, exec(c, {"INCR", "paused"}), [&](std::exception_ptr, result r) {
            timed_out.push_back(std::move(r));
            ++finished;
        });
    REQUIRE(drive(ioc, [&] { return finished == 50; }, 5s));
    auto elapsed = std::chrono::steady_clock::now() - started;
    for (const auto& r : timed_out) CHECK(r.ec == error::timeout);
    CHECK(elapsed >= 250ms);
    CHECK(elapsed < 3s);

    server.resume();
    run(ioc, until_ok(c, {"PING"}), 5s);
    CHECK(c.is_up());
    c.stop();
}

TEST_CASE("redis connection: AUTH and SELECT on connect, a wrong password never comes up") {
    redis_server server({"--requirepass", "s3cret"});
    asio::io_context ioc;
    auto opts = options_for(server);
    opts.endpoint.password = "s3cret";
    opts.endpoint.db = 3;
    connection c(ioc.get_executor(), opts);
    c.start();
    REQUIRE(wait_up(ioc, c));
    CHECK(run(ioc, exec(c, {"SET", "where", "db3"})).ok());

    sync_redis direct(server.port());
    direct.command({"AUTH", "s3cret"});
    CHECK(direct.string({"GET", "where"}).empty());
    direct.command({"SELECT", "3"});
    CHECK(direct.string({"GET", "where"}) == "db3");

    opts.endpoint.password = "wrong";
    connection refused(ioc.get_executor(), opts);
    refused.start();
    CHECK(drive(ioc, [&] { return refused.last_error() == error::handshake; }));
    CHECK_FALSE(refused.is_up());
    CHECK(run(ioc, exec(refused, {"PING"})).ec == error::not_connected);
    refused.stop();
    c.stop();
}

TEST_CASE("redis connection: stop() fails pending requests with error::stopped") {
    redis_server server;
    asio::io_context ioc;
    auto opts = options_for(server);
    opts.command_timeout = 60s;
    connection c(ioc.get_executor(), opts);
    c.start();
    REQUIRE(wait_up(ioc, c));
    server.pause();  // so the request is surely still pending
    std::optional<result> pending;
    asio::co_spawn(ioc, exec(c, {"PING"}), [&](std::exception_ptr, result r) { pending = std::move(r); });
    drive(ioc, [] { return false; }, 100ms);
    CHECK_FALSE(pending);
    c.stop();
    REQUIRE(drive(ioc, [&] { return pending.has_value(); }, 2s));
    CHECK(pending->ec == error::stopped);
    CHECK_FALSE(c.is_up());
    server.resume();
}

TEST_CASE("redis connection: a cancelled exec returns at once and its late reply is dropped") {
    redis_server server;
    asio::io_context ioc;
    auto opts = options_for(server);
    opts.command_timeout = 60s;
    connection c(ioc.get_executor(), opts);
    c.start();
    REQUIRE(wait_up(ioc, c));

    server.pause();
    for (int i = 0; i < 3; ++i) CHECK(run(ioc, exec_or_give_up(c, 50ms), 2s) == 1);
    server.resume();
    // The three PONGs arrive first and go nowhere; replies stay in step.
    auto incr = run(ioc, exec(c, {"INCR", "after-cancel"}));
    CHECK_FALSE(incr.ec);
    CHECK(incr.value.integer() == 1);
    CHECK(run(ioc, exec_or_give_up(c, 5s)) == 0);
    CHECK(c.is_up());
    c.stop();
}
