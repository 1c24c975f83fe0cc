#include <doctest/doctest.h>

#include "http/router.hpp"

using namespace pingyi::http;

namespace {

handler noop() {
    return [](request_context&) -> boost::asio::awaitable<reply> { co_return response{}; };
}

}  // namespace

TEST_CASE("router matches literal paths and captures") {
    router r;
    r.add(verb::get, "/healthz", noop());
    r.add(verb::get, "/api/v1/campaigns/{cid}", noop());
    r.add(verb::post, "/api/v1/campaigns/{cid}/ballots", noop(), {.body_limit = 4096});
    r.add(verb::get, "/static/{*path}", noop());

    auto m = r.match(verb::get, "/healthz");
    REQUIRE(m.matched);
    CHECK(m.matched->pattern == "/healthz");

    m = r.match(verb::get, "/api/v1/campaigns/sg2019");
    REQUIRE(m.matched);
    REQUIRE(m.params.size() == 1);
    CHECK(m.params[0].first == "cid");
    CHECK(m.params[0].second == "sg2019");

    m = r.match(verb::post, "/api/v1/campaigns/a%20b/ballots");
    REQUIRE(m.matched);
    CHECK(m.matched->options.body_limit == 4096);
    CHECK(m.params[0].second == "a b");

    m = r.match(verb::get, "/static/css/app.css");
    REQUIRE(m.matched);
    CHECK(m.params[0].second == "css/app.css");
}

TEST_CASE("router tells 404 from 405 and lists allowed methods") {
    router r;
    r.add(verb::get, "/a/{x}", noop());
    r.add(verb::put, "/a/{x}", noop());
    auto m = r.match(verb::delete_, "/a/1");
    CHECK_FALSE(m.matched);
    CHECK(m.path_known);
    CHECK(r.allowed_methods("/a/1") == "GET, PUT");
    m = r.match(verb::get, "/b");
    CHECK_FALSE(m.matched);
    CHECK_FALSE(m.path_known);
    // HEAD is served by the GET route.
    CHECK(r.match(verb::head, "/a/1").matched);
    // An empty capture or an extra segment does not match.
    CHECK_FALSE(r.match(verb::get, "/a/").matched);
    CHECK_FALSE(r.match(verb::get, "/a/1/2").matched);
}

TEST_CASE("router refuses malformed patterns and bad escapes") {
    router r;
    CHECK_THROWS(r.add(verb::get, "no-slash", noop()));
    CHECK_THROWS(r.add(verb::get, "/x/{*rest}/y", noop()));
    r.add(verb::get, "/a/{x}", noop());
    CHECK_FALSE(r.match(verb::get, "/a/%zz").matched);
    CHECK_FALSE(r.match(verb::get, "/a/%4").matched);
}

TEST_CASE("percent_decode") {
    CHECK(percent_decode("a%2Fb").value() == "a/b");
    CHECK(percent_decode("a+b", true).value() == "a b");
    CHECK(percent_decode("a+b").value() == "a+b");
    CHECK(percent_decode("%E6%8A%95%E7%A5%A8").value() == "投票");
    CHECK_FALSE(percent_decode("%").has_value());
    CHECK_FALSE(percent_decode("%G0").has_value());
}

#include "http/query.hpp"

TEST_CASE("query_param and url_encode") {
    CHECK(query_param("a=1&b=x%20y&c=+z", "b").value() == "x y");
    CHECK(query_param("a=1&b=2", "a").value() == "1");
    CHECK(query_param("a=1&c=+z", "c").value() == " z");
    CHECK(query_param("flag&a=1", "flag").value().empty());
    CHECK_FALSE(query_param("a=1", "b"));
    CHECK_FALSE(query_param("a=%zz", "a"));
    CHECK_FALSE(query_param("", "a"));
    CHECK(url_encode("http://x/h5/c/a b?q=投") == "http%3A%2F%2Fx%2Fh5%2Fc%2Fa%20b%3Fq%3D%E6%8A%95");
}
