#include <doctest/doctest.h>

#include <string>

#include "redis/url.hpp"

using pingyi::redis::parse_url;

namespace {

std::string error_of(std::string_view text) {
    std::string error;
    auto url = parse_url(text, error);
    CHECK_FALSE(url.has_value());
    return error;
}

}  // namespace

TEST_CASE("url: redis:// with every part") {
    std::string error;
    auto url = parse_url("redis://:p%40ss:word@redis.internal:6380/3", error);
    REQUIRE(url);
    CHECK_FALSE(url->is_sentinel());
    CHECK(url->endpoint.host == "redis.internal");
    CHECK(url->endpoint.port == 6380);
    CHECK(url->endpoint.username.empty());
    CHECK(url->endpoint.password == "p@ss:word");
    CHECK(url->endpoint.db == 3);
}

TEST_CASE("url: redis:// defaults, ACL user, IPv6") {
    std::string error;
    auto plain = parse_url("redis://localhost", error);
    REQUIRE(plain);
    CHECK(plain->endpoint.host == "localhost");
    CHECK(plain->endpoint.port == 6379);
    CHECK(plain->endpoint.password.empty());
    CHECK(plain->endpoint.db == 0);

    auto user = parse_url("redis://pingyi:secret@127.0.0.1:7000/", error);
    REQUIRE(user);
    CHECK(user->endpoint.username == "pingyi");
    CHECK(user->endpoint.password == "secret");
    CHECK(user->endpoint.db == 0);

    auto v6 = parse_url("redis://[::1]:6390/1", error);
    REQUIRE(v6);
    CHECK(v6->endpoint.host == "::1");
    CHECK(v6->endpoint.port == 6390);
    CHECK(v6->endpoint.db == 1);
}

TEST_CASE("url: sentinel:// lists sentinels and the master name") {
    std::string error;
    auto url = parse_url("sentinel://:pw@10.0.0.1:26379,10.0.0.2:26380,sentinel-c:26381/mymaster", error);
    REQUIRE(url);
    CHECK(url->is_sentinel());
    REQUIRE(url->sentinels.size() == 3);
    CHECK(url->sentinels[0].host == "10.0.0.1");
    CHECK(url->sentinels[0].port == 26379);
    CHECK(url->sentinels[1].port == 26380);
    CHECK(url->sentinels[2].host == "sentinel-c");
    CHECK(url->sentinels[2].password.empty());
    CHECK(url->master_name == "mymaster");
    CHECK(url->endpoint.password == "pw");
}

TEST_CASE("url: malformed URLs are refused with a reason") {
    CHECK(error_of("http://localhost:6379").find("redis://") != std::string::npos);
    CHECK(error_of("redis://").find("host") != std::string::npos);
    CHECK(error_of("redis://:pw@:6379").find("host") != std::string::npos);
    CHECK(error_of("redis://host:0").find("port") != std::string::npos);
    CHECK(error_of("redis://host:65536").find("port") != std::string::npos);
    CHECK(error_of("redis://host:12ab").find("port") != std::string::npos);
    CHECK(error_of("redis://host:6379/x").find("database") != std::string::npos);
    CHECK(error_of("redis://host:6379/-1").find("database") != std::string::npos);
    CHECK(error_of("redis://host:6379/0?timeout=1").find("query") != std::string::npos);
    CHECK(error_of("redis://nopassword@host").find("password") != std::string::npos);
    CHECK(error_of("redis://:bad%4@host").find("percent") != std::string::npos);
    CHECK(error_of("redis://[::1:6379").find("[") != std::string::npos);
    CHECK(error_of("sentinel://a:26379/").find("master_name") != std::string::npos);
    CHECK(error_of("sentinel://a:26379").find("master_name") != std::string::npos);
    CHECK(error_of("sentinel://a/mymaster").find("port") != std::string::npos);
    CHECK(error_of("sentinel://a:1,/mymaster").find("comma") != std::string::npos);
    CHECK(error_of("sentinel:///mymaster").find("host") != std::string::npos);
}
