// http::client against the WeChat mock over loopback (the mock lives in
// tools/, hence the file's name), and against `openssl s_server` for TLS.
#include <doctest/doctest.h>

#include <fstream>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ssl/error.hpp>

#include "http/client.hpp"
#include "tests/integration/tools_support.hpp"
#include "tests/support/process.hpp"

namespace asio = boost::asio;
using pingyi::http::client;
using pingyi::http::client_error;
using pingyi::http::client_options;
using pingyi::http::client_response;
using pingyi::test::mock_fixture;
using pingyi::test::run;
using verb = boost::beast::http::verb;
using namespace std::chrono_literals;

namespace {

asio::awaitable<client_response> get(client& c, std::string url, std::chrono::milliseconds timeout = 5s) {
    auto r = co_await c.request(verb::get, std::move(url), {}, {}, timeout);
    co_return r;
}

}  // namespace

TEST_CASE("parse_url and the loopback rule") {
    auto u = pingyi::http::parse_url("https://api.weixin.qq.com/cgi-bin/token?a=1#frag");
    REQUIRE(u);
    CHECK(u->tls);
    CHECK(u->host == "api.weixin.qq.com");
    CHECK(u->port == "443");
    CHECK(u->target == "/cgi-bin/token?a=1");
    auto v6 = pingyi::http::parse_url("http://[::1]:8090");
    REQUIRE(v6);
    CHECK(v6->host == "::1");
    CHECK(v6->port == "8090");
    CHECK(v6->target == "/");
    CHECK_FALSE(pingyi::http::parse_url("ftp://x/"));
    CHECK_FALSE(pingyi::http::parse_url("http://user@host/"));
    CHECK_FALSE(pingyi::http::parse_url("http://host:99999/"));
    CHECK_FALSE(pingyi::http::parse_url("http:///x"));
    CHECK(pingyi::http::is_loopback_host("localhost"));
    CHECK(pingyi::http::is_loopback_host("127.8.9.10"));
    CHECK(pingyi::http::is_loopback_host("::1"));
    CHECK_FALSE(pingyi::http::is_loopback_host("128.0.0.1"));
    CHECK_FALSE(pingyi::http::is_loopback_host("localhost.example.com"));
}

TEST_CASE("http client: keep-alive reuse, timeout, refusals") {
    mock_fixture mock;
    asio::io_context ioc;
    client c(ioc.get_executor());

    SUBCASE("two requests share one connection") {
        auto a = run(ioc, get(c, mock.base() + "/__mock/stats"));
        REQUIRE_FALSE(a.ec);
        CHECK(a.status == 200);
        CHECK(a.header("content-type").find("application/json") != std::string::npos);
        auto b = run(ioc, get(c, mock.base() + "/__mock/stats"));
        REQUIRE_FALSE(b.ec);
        CHECK(b.status == 200);
        CHECK(c.connections_opened() == 1);
    }
    SUBCASE("a slow server hits the deadline") {
        mock.delay(2000);
        auto r = run(ioc, get(c, mock.base() + "/cgi-bin/token?grant_type=client_credential", 200ms));
        CHECK(r.ec == asio::error::timed_out);
        mock.delay(0);
    }
    SUBCASE("http:// to a non-loopback host is refused before any lookup or connection") {
        // An unresolvable name and an unroutable address: either would fail
        // differently (DNS error, timeout) if the client had tried.
        auto a = run(ioc, get(c, "http://wechat.invalid/cgi-bin/token"));
        CHECK(a.ec == make_error_code(client_error::insecure_scheme));
        auto b = run(ioc, get(c, "http://203.0.113.9/cgi-bin/token", 10s));
        CHECK(b.ec == make_error_code(client_error::insecure_scheme));
        CHECK(c.connections_opened() == 0);
    }
    SUBCASE("a malformed URL") {
        auto r = run(ioc, get(c, "api.weixin.qq.com/x"));
        CHECK(r.ec == make_error_code(client_error::bad_url));
    }
    SUBCASE("a closed port") {
        int port = pingyi::test::free_port();
        auto r = run(ioc, get(c, "http://127.0.0.1:" + std::to_string(port) + "/"));
        CHECK(r.ec == asio::error::connection_refused);
    }
}

TEST_CASE("http client: the response body cap") {
    mock_fixture mock;
    asio::io_context ioc;
    client_options o;
    o.body_limit = 100;
    client c(ioc.get_executor(), o);
    // The authorize page is a few KiB of HTML.
    auto r = run(ioc, get(c, mock.base() + "/connect/oauth2/authorize?appid=" + mock.appid() +
                                 "&redirect_uri=http%3A%2F%2Fx%2F&response_type=code&scope=snsapi_base&state=a"));
    CHECK(r.ec == make_error_code(client_error::body_too_large));
}

// A real TLS server: openssl s_server with a self-signed certificate for
// "localhost" (CN and subjectAltName), answering any request with -www.
TEST_CASE("https client: certificate and host-name verification") {
    pingyi::test::temp_dir dir;
    std::string cert = dir.path() + "/cert.pem";
    std::string key = dir.path() + "/key.pem";
    pingyi::test::child_process gen({"openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", key,
                                     "-out", cert, "-days", "1", "-subj", "/CN=localhost", "-addext",
                                     "subjectAltName=DNS:localhost"},
                                    {}, dir.path() + "/gen.log");
    int status = gen.wait_exit(30000);
    REQUIRE(WIFEXITED(status));
    REQUIRE(WEXITSTATUS(status) == 0);
    int port = pingyi::test::free_port();
    pingyi::test::child_process server({"openssl", "s_server", "-accept", std::to_string(port), "-cert", cert, "-key",
                                        key, "-www", "-quiet"},
                                       {}, dir.path() + "/server.log");
    REQUIRE(pingyi::test::wait_for_port(port, 10000));
    std::string url = "https://localhost:" + std::to_string(port) + "/";
    asio::io_context ioc;

    SUBCASE("an unknown CA is refused by default") {
        client c(ioc.get_executor());
        auto r = run(ioc, get(c, url));
        REQUIRE(r.ec);
        CHECK(r.ec.category() == asio::error::get_ssl_category());
    }
    SUBCASE("a trusted CA and the right name succeed") {
        client_options o;
        o.ca_file = cert;
        client c(ioc.get_executor(), o);
        auto r = run(ioc, get(c, url));
        REQUIRE_FALSE(r.ec);
        CHECK(r.status == 200);
    }
    SUBCASE("a trusted CA but another name is refused") {
        client_options o;
        o.ca_file = cert;
        client c(ioc.get_executor(), o);
        auto r = run(ioc, get(c, "https://127.0.0.1:" + std::to_string(port) + "/"));
        REQUIRE(r.ec);
        CHECK(r.ec.category() == asio::error::get_ssl_category());
    }
}
