#include <doctest/doctest.h>

#include "server/voter_session.hpp"

using namespace pingyi::server;
using pingyi::http::signer;

TEST_CASE("voter pseudonyms: stable, keyed, per appid, short") {
    auto a = voter_pseudonym("key-1-key-1-key-1-key-1-key-1-key", "wx1", "openidA");
    CHECK(a.size() == 22);
    CHECK(a == voter_pseudonym("key-1-key-1-key-1-key-1-key-1-key", "wx1", "openidA"));
    CHECK(a != voter_pseudonym("key-2-key-2-key-2-key-2-key-2-key", "wx1", "openidA"));
    CHECK(a != voter_pseudonym("key-1-key-1-key-1-key-1-key-1-key", "wx2", "openidA"));
    CHECK(a != voter_pseudonym("key-1-key-1-key-1-key-1-key-1-key", "wx1", "openidB"));
    // The separator keeps (appid, openid) pairs apart.
    CHECK(voter_pseudonym("k", "wx1", "2abc") != voter_pseudonym("k", "wx12", "abc"));
}

TEST_CASE("voter session cookies are signed and expire") {
    signer s("secret-secret-secret-secret-secret-01");
    auto cookie = encode_voter_session(s, {"AbCd_-12", 2000, ""});
    auto v = decode_voter_session(s, cookie, 1000);
    REQUIRE(v);
    CHECK(v->pseudonym == "AbCd_-12");
    CHECK_FALSE(decode_voter_session(s, cookie, 2000));
    // Another voter's pseudonym cannot be swapped in without the secret.
    std::string forged = cookie;
    forged.replace(forged.find("AbCd"), 4, "ZZZZ");
    CHECK_FALSE(decode_voter_session(s, forged, 1000));
    CHECK_FALSE(decode_voter_session(s, s.sign("v1|bad pseudonym|2000"), 1000));
    CHECK_FALSE(decode_voter_session(s, s.sign("v2|x|2000"), 1000));
    // Rotation: a cookie signed with the previous secret still verifies.
    signer rotated("secret-new-new-new-new-new-new-0002", "secret-secret-secret-secret-secret-01");
    CHECK(decode_voter_session(rotated, cookie, 1000));
}

TEST_CASE("oauth state and return paths") {
    signer s("secret-secret-secret-secret-secret-01");
    auto c = encode_oauth_state(s, {"abcDEF123", "/h5/c/sg2019", 500, ""});
    auto o = decode_oauth_state(s, c, 100);
    REQUIRE(o);
    CHECK(o->state == "abcDEF123");
    CHECK(o->return_path == "/h5/c/sg2019");
    CHECK_FALSE(decode_oauth_state(s, c, 600));
    CHECK(safe_return_path("/h5/"));
    CHECK(safe_return_path("/h5/c/sg-2019_x"));
    CHECK_FALSE(safe_return_path("https://evil.example/"));
    CHECK_FALSE(safe_return_path("/h5//evil.example"));
    CHECK_FALSE(safe_return_path("/admin"));
    CHECK_FALSE(safe_return_path("/h5/c/x?y=1"));
    CHECK_FALSE(safe_return_path("/h5/c/../admin"));
}
