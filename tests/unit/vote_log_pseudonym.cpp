#include <doctest/doctest.h>

#include <set>
#include <string>

#include "vote/log_pseudonym.hpp"

using namespace pingyi::vote;

TEST_CASE("log pseudonym: HMAC-SHA1 under the campaign key, as RFC 2202 computes it") {
    // RFC 2202, test case 1: key 0x0b × 20, data "Hi There".
    const std::string key = log_key_from(std::string(20, '\x0b'));
    CHECK(key.size() == log_key_size);
    CHECK(log_pseudonym(key, "Hi There") == std::string("b617318655057264e28bc0b6fb378c8ef146be00").substr(0, 32));
    // Test case 2: key "Jefe".
    CHECK(log_pseudonym(log_key_from("Jefe"), "what do ya want for nothing?") ==
          std::string("effcdf6ae5eb2fa2d27416d5f184df9c259a7c79").substr(0, 32));
    CHECK_THROWS(log_key_from(std::string(65, 'k')));
}

TEST_CASE("log pseudonym: each campaign key gives the same account another pseudonym") {
    const std::string a = new_log_key();
    const std::string b = new_log_key();
    REQUIRE(a.size() == log_key_size);
    CHECK(a != b);
    const std::string account = "AAAAAAAAAAAAAAAAAAAAAA";
    CHECK(log_pseudonym(a, account) == log_pseudonym(a, account));
    CHECK(log_pseudonym(a, account) != log_pseudonym(b, account));
    std::set<std::string> seen;
    for (int i = 0; i < 1000; ++i) seen.insert(log_pseudonym(a, "account" + std::to_string(i)));
    CHECK(seen.size() == 1000);
    CHECK(log_pseudonym_lua().find("redis.sha1hex") != std::string_view::npos);
}
