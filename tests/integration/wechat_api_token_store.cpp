// wechat::token_store: instances sharing access_token and jsapi_ticket
// through a real Redis, against the WeChat mock.
#include <doctest/doctest.h>

#include <latch>
#include <thread>
#include <vector>

#include <boost/asio/io_context.hpp>

#include "http/client.hpp"
#include "redis/connection.hpp"
#include "tests/integration/tools_support.hpp"
#include "tests/support/redis_server.hpp"
#include "wechat/api_client.hpp"
#include "wechat/signature.hpp"
#include "wechat/token_store.hpp"

namespace asio = boost::asio;
using pingyi::test::drive;
using pingyi::test::mock_fixture;
using pingyi::test::redis_server;
using pingyi::test::run;
using pingyi::test::sync_redis;
using pingyi::wechat::api_result;
using pingyi::wechat::jssdk_config;
using pingyi::wechat::token_store;
using pingyi::wechat::token_store_options;
using namespace std::chrono_literals;

namespace {

const std::string token_key = "pingyi:{wechat:wxdev0000000000000}:access_token";
const std::string ticket_key = "pingyi:{wechat:wxdev0000000000000}:jsapi_ticket";

// One server instance: its own io_context, Redis connection, HTTP client.
struct instance {
    asio::io_context ioc;
    pingyi::redis::connection redis;
    pingyi::http::client http{ioc.get_executor()};
    pingyi::wechat::api_client api;
    token_store store;

    instance(const redis_server& server, const mock_fixture& mock, token_store_options o = {})
        : redis(ioc.get_executor(), redis_options(server)), api(api_options(mock), http), store(redis, api, o) {
        redis.start();
        REQUIRE(drive(ioc, [&] { return redis.is_up(); }));
    }

    static pingyi::redis::connection_options redis_options(const redis_server& server) {
        pingyi::redis::connection_options o;
        o.endpoint.port = server.port();
        return o;
    }
    static pingyi::wechat::api_options api_options(const mock_fixture& mock) {
        pingyi::wechat::api_options o;
        o.api_base = mock.base();
        o.appid = mock.appid();
        o.secret = mock.secret();
        return o;
    }
};

asio::awaitable<api_result<std::string>> access_token(token_store& s) {
    auto r = co_await s.access_token();
    co_return r;
}

asio::awaitable<api_result<std::string>> jsapi_ticket(token_store& s) {
    auto r = co_await s.jsapi_ticket();
    co_return r;
}

asio::awaitable<bool> invalidate(token_store& s, std::string failed) {
    bool r = co_await s.invalidate_access_token(std::move(failed));
    co_return r;
}

asio::awaitable<api_result<jssdk_config>> config(token_store& s, std::string url) {
    auto r = co_await s.make_jssdk_config(std::move(url));
    co_return r;
}

// Several concurrent callers on one instance; results in `out`.
asio::awaitable<void> caller(token_store& s, std::vector<api_result<std::string>>& out) {
    auto r = co_await s.access_token();
    out.push_back(std::move(r));
}

}  // namespace

TEST_CASE("two instances refreshing at once make exactly one stable_token call") {
    redis_server server;
    mock_fixture mock;
    instance a(server, mock), b(server, mock);
    std::vector<api_result<std::string>> results_a, results_b;
    std::latch start(2);
    auto work = [&start](instance& inst, std::vector<api_result<std::string>>& out) {
        start.arrive_and_wait();
        for (int i = 0; i < 5; ++i) asio::co_spawn(inst.ioc, caller(inst.store, out), asio::detached);
        drive(inst.ioc, [&] { return out.size() == 5; });
    };
    std::thread ta(work, std::ref(a), std::ref(results_a));
    std::thread tb(work, std::ref(b), std::ref(results_b));
    ta.join();
    tb.join();
    REQUIRE(results_a.size() == 5);
    REQUIRE(results_b.size() == 5);
    std::string token;
    for (auto* results : {&results_a, &results_b}) {
        for (const auto& r : *results) {
            REQUIRE(r.ok());
            if (token.empty()) token = r.value();
            CHECK(r.value() == token);
        }
    }
    CHECK(mock.calls("stable_token") == 1);
    sync_redis redis(server.port());
    CHECK(redis.string({"GET", token_key}) == token);
    long long ttl = redis.integer({"TTL", token_key});
    CHECK(ttl > 6000);
    CHECK(ttl <= 7200 - 120);
}

TEST_CASE("invalidation drops only the token that failed, and forces a new one") {
    redis_server server;
    mock_fixture mock;
    instance a(server, mock);
    sync_redis redis(server.port());
    auto first = run(a.ioc, access_token(a.store));
    REQUIRE(first.ok());

    CHECK_FALSE(run(a.ioc, invalidate(a.store, "some-older-token")));
    CHECK(redis.string({"GET", token_key}) == first.value());
    CHECK(run(a.ioc, access_token(a.store)).value() == first.value());
    CHECK(mock.calls("stable_token") == 1);

    CHECK(run(a.ioc, invalidate(a.store, first.value())));
    CHECK(redis.command({"GET", token_key})->type == REDIS_REPLY_NIL);
    auto second = run(a.ioc, access_token(a.store));
    REQUIRE(second.ok());
    CHECK(second.value() != first.value());
    // stable_token without force gave the failed token back; then with force.
    CHECK(mock.calls("stable_token") == 3);
}

TEST_CASE("jsapi_ticket: cached, and retried once after an invalid token") {
    redis_server server;
    mock_fixture mock;
    instance a(server, mock);
    sync_redis redis(server.port());

    auto t1 = run(a.ioc, jsapi_ticket(a.store));
    REQUIRE(t1.ok());
    CHECK(run(a.ioc, jsapi_ticket(a.store)).value() == t1.value());
    CHECK(mock.calls("getticket") == 1);
    std::string token = redis.string({"GET", token_key});

    SUBCASE("one 40001: the token is replaced and the call retried") {
        redis.command({"DEL", ticket_key, ticket_key + ":fresh"});
        mock.fail("getticket", "errcode=40001");
        auto t2 = run(a.ioc, jsapi_ticket(a.store));
        REQUIRE(t2.ok());
        CHECK(mock.calls("getticket") == 3);
        CHECK(redis.string({"GET", token_key}) != token);
    }
    SUBCASE("40001 twice: a refusal after exactly one retry") {
        redis.command({"DEL", ticket_key, ticket_key + ":fresh"});
        mock.fail("getticket", "errcode=40001", 2);
        auto t2 = run(a.ioc, jsapi_ticket(a.store));
        REQUIRE_FALSE(t2.ok());
        CHECK(t2.error().refused());
        CHECK(t2.error().errcode == 40001);
        CHECK(mock.calls("getticket") == 3);
    }
    SUBCASE("jssdk_config signs with the stored ticket, without the fragment") {
        auto c = run(a.ioc, config(a.store, "http://127.0.0.1:8080/h5/c/sg2019?x=1#top"));
        REQUIRE(c.ok());
        CHECK(c.value().app_id == mock.appid());
        CHECK(c.value().nonce_str.size() == 16);
        CHECK(c.value().signature == pingyi::wechat::jssdk_signature(t1.value(), c.value().nonce_str,
                                                                      c.value().timestamp,
                                                                      "http://127.0.0.1:8080/h5/c/sg2019?x=1"));
    }
}

TEST_CASE("refresh ahead: the stored value is served while another instance refreshes") {
    redis_server server;
    mock_fixture mock;
    instance a(server, mock);
    sync_redis redis(server.port());
    auto first = run(a.ioc, access_token(a.store));
    REQUIRE(first.ok());

    // Due for refresh, but someone else holds the lock: no wait, no call.
    redis.command({"DEL", token_key + ":fresh"});
    redis.command({"SET", token_key + ":lock", "another-instance", "PX", "5000"});
    CHECK(run(a.ioc, access_token(a.store)).value() == first.value());
    CHECK(mock.calls("stable_token") == 1);

    // Lock free: this instance refreshes (stable_token gives the same token).
    redis.command({"DEL", token_key + ":lock"});
    CHECK(run(a.ioc, access_token(a.store)).value() == first.value());
    CHECK(mock.calls("stable_token") == 2);
    CHECK(redis.integer({"EXISTS", token_key + ":fresh"}) == 1);
    CHECK(redis.integer({"EXISTS", token_key + ":lock"}) == 0);
}

TEST_CASE("WeChat busy (-1): every instance backs off") {
    redis_server server;
    mock_fixture mock;
    token_store_options o;
    o.busy_backoff = 300ms;
    instance a(server, mock, o), b(server, mock, o);
    mock.fail("stable_token", "errcode=-1");
    auto busy = run(a.ioc, access_token(a.store));
    REQUIRE_FALSE(busy.ok());
    CHECK(busy.error().busy());
    auto other = run(b.ioc, access_token(b.store));
    REQUIRE_FALSE(other.ok());
    CHECK(other.error().busy());
    CHECK(mock.calls("stable_token") == 1);
    std::this_thread::sleep_for(400ms);
    CHECK(run(b.ioc, access_token(b.store)).ok());
    CHECK(mock.calls("stable_token") == 2);
}

TEST_CASE("a waiting instance gives up when nobody stores a value") {
    redis_server server;
    mock_fixture mock;
    token_store_options o;
    o.wait_max = 300ms;
    instance a(server, mock, o);
    sync_redis redis(server.port());
    redis.command({"SET", token_key + ":lock", "a-stuck-instance", "PX", "10000"});
    auto r = run(a.ioc, access_token(a.store));
    REQUIRE_FALSE(r.ok());
    CHECK(r.error().unavailable());
    CHECK(mock.calls("stable_token") == 0);
}
