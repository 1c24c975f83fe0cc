// wechat::api_client against the WeChat mock: each WeChat answer and each
// transport failure must come out as the right typed outcome.
#include <doctest/doctest.h>

#include <boost/asio/io_context.hpp>

#include "http/client.hpp"
#include "tests/integration/tools_support.hpp"
#include "tests/support/process.hpp"
#include "wechat/api_client.hpp"

namespace asio = boost::asio;
using pingyi::test::mock_fixture;
using pingyi::test::run;
using pingyi::wechat::api_client;
using pingyi::wechat::api_options;
using pingyi::wechat::api_result;
using pingyi::wechat::expiring_value;
using pingyi::wechat::oauth_identity;
using namespace std::chrono_literals;

namespace {

asio::awaitable<api_result<oauth_identity>> exchange(api_client& api, std::string code) {
    auto r = co_await api.exchange_code(std::move(code));
    co_return r;
}

asio::awaitable<api_result<expiring_value>> stable(api_client& api, bool force) {
    auto r = co_await api.stable_token(force);
    co_return r;
}

asio::awaitable<api_result<expiring_value>> classic(api_client& api) {
    auto r = co_await api.token();
    co_return r;
}

asio::awaitable<api_result<expiring_value>> ticket(api_client& api, std::string token) {
    auto r = co_await api.jsapi_ticket(std::move(token));
    co_return r;
}

struct api_fixture {
    mock_fixture mock;
    asio::io_context ioc;
    pingyi::http::client http{ioc.get_executor()};
    api_options options() const {
        api_options o;
        o.api_base = mock.base();
        o.appid = mock.appid();
        o.secret = mock.secret();
        o.timeout = 2s;
        return o;
    }
    api_client api{options(), http};
};

}  // namespace

TEST_CASE_FIXTURE(api_fixture, "exchange_code: success, reuse, unknown code, snapshot user") {
    auto ok = run(ioc, exchange(api, mock.code_for("oVoter42")));
    REQUIRE(ok.ok());
    CHECK(ok.value().openid == "oVoter42");
    CHECK(ok.value().scope == "snsapi_base");
    CHECK_FALSE(ok.value().is_snapshotuser);

    std::string code = mock.code_for("oVoter43");
    REQUIRE(run(ioc, exchange(api, code)).ok());
    auto reused = run(ioc, exchange(api, code));
    REQUIRE_FALSE(reused.ok());
    CHECK(reused.error().refused());
    CHECK(reused.error().errcode == 40163);

    auto unknown = run(ioc, exchange(api, "not-a-code"));
    REQUIRE_FALSE(unknown.ok());
    CHECK(unknown.error().refused());
    CHECK(unknown.error().errcode == 40029);
    CHECK(unknown.error().errmsg == "invalid code");

    auto snapshot = run(ioc, exchange(api, mock.code_for("oSnap", true)));
    REQUIRE(snapshot.ok());
    CHECK(snapshot.value().is_snapshotuser);
}

TEST_CASE_FIXTURE(api_fixture, "exchange_code: a wrong secret is a refusal") {
    auto o = options();
    o.secret = "wrong";
    api_client wrong(o, http);
    auto r = run(ioc, exchange(wrong, mock.code_for("oVoter1")));
    REQUIRE_FALSE(r.ok());
    CHECK(r.error().refused());
    CHECK(r.error().errcode == 40125);
}

TEST_CASE_FIXTURE(api_fixture, "busy, 5xx and timeouts are unavailable, not refusals") {
    mock.fail("oauth_access_token", "errcode=-1");
    auto busy = run(ioc, exchange(api, mock.code_for("oVoter1")));
    REQUIRE_FALSE(busy.ok());
    CHECK(busy.error().unavailable());
    CHECK(busy.error().busy());

    mock.fail("stable_token", "status=503");
    auto five = run(ioc, stable(api, false));
    REQUIRE_FALSE(five.ok());
    CHECK(five.error().unavailable());
    CHECK(five.error().http_status == 503);

    mock.delay(3000);
    auto slow = run(ioc, classic(api));
    mock.delay(0);
    REQUIRE_FALSE(slow.ok());
    CHECK(slow.error().unavailable());
    CHECK(slow.error().ec == asio::error::timed_out);
}

TEST_CASE("an unreachable WeChat is unavailable") {
    asio::io_context ioc;
    pingyi::http::client http(ioc.get_executor());
    api_options o;
    o.api_base = "http://127.0.0.1:" + std::to_string(pingyi::test::free_port());
    o.appid = "wxdev0000000000000";
    o.secret = "devsecret";
    api_client api(o, http);
    auto r = run(ioc, exchange(api, "any"));
    REQUIRE_FALSE(r.ok());
    CHECK(r.error().unavailable());
    CHECK(r.error().ec == asio::error::connection_refused);
}

TEST_CASE_FIXTURE(api_fixture, "tokens and the jsapi ticket") {
    auto s = run(ioc, stable(api, false));
    REQUIRE(s.ok());
    CHECK(s.value().expires_in == 7200s);
    auto same = run(ioc, stable(api, false));
    REQUIRE(same.ok());
    CHECK(same.value().value == s.value().value);
    auto forced = run(ioc, stable(api, true));
    REQUIRE(forced.ok());
    CHECK(forced.value().value != s.value().value);

    auto t = run(ioc, classic(api));
    REQUIRE(t.ok());
    auto tk = run(ioc, ticket(api, t.value().value));
    REQUIRE(tk.ok());
    CHECK_FALSE(tk.value().value.empty());
    CHECK(tk.value().expires_in > 7000s);

    auto bad = run(ioc, ticket(api, "not-a-token"));
    REQUIRE_FALSE(bad.ok());
    CHECK(bad.error().refused());
    CHECK(bad.error().invalid_token());
    CHECK(bad.error().errcode == 40001);
}
