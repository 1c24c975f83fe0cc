#include <doctest/doctest.h>

#include <set>
#include <vector>

#include "http/cookies.hpp"

using namespace pingyi::http;

TEST_CASE("cookie_value finds a cookie among others") {
    CHECK(cookie_value("a=1; pingyi_session=abc.def; b=2", "pingyi_session").value() == "abc.def");
    CHECK(cookie_value("pingyi_session=x", "pingyi_session").value() == "x");
    CHECK(cookie_value("a=\"q\"", "a").value() == "q");
    CHECK_FALSE(cookie_value("xpingyi_session=1", "pingyi_session"));
    CHECK_FALSE(cookie_value("", "a"));
    CHECK_FALSE(cookie_value(";;;", "a"));
}

TEST_CASE("set_cookie writes the attributes") {
    cookie_options o;
    o.secure = true;
    o.max_age = 60;
    CHECK(set_cookie("n", "v", o) == "n=v; Path=/; Max-Age=60; HttpOnly; Secure; SameSite=Lax");
    cookie_options js;
    js.http_only = false;
    CHECK(set_cookie("c", "t", js) == "c=t; Path=/; SameSite=Lax");
}

TEST_CASE("base64url round trip") {
    for (const std::string& s : std::vector<std::string>{"", "f", "fo", "foo", "foob", "fooba", "foobar", std::string("\0\xff\xfe", 3)}) {
        CHECK(base64url_decode(base64url(s)).value() == s);
    }
    CHECK(base64url("\xfb\xff") == "-_8");
    CHECK_FALSE(base64url_decode("a"));
    CHECK_FALSE(base64url_decode("ab+c"));
}

namespace {

std::string hex_of(const std::string& bytes) {
    static constexpr char hex[] = "0123456789abcdef";
    std::string h;
    for (unsigned char c : bytes) {
        h += hex[c >> 4];
        h += hex[c & 15];
    }
    return h;
}

}  // namespace

TEST_CASE("hmac_sha256 matches RFC 4231 test case 2") {
    CHECK(hex_of(hmac_sha256("Jefe", "what do ya want for nothing?")) ==
          "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
}

TEST_CASE("a keyed HMAC gives RFC 4231's answers, call after call") {
    const hmac_key jefe("Jefe");
    for (int i = 0; i < 3; ++i)
        CHECK(hex_of(jefe.mac("what do ya want for nothing?")) ==
              "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
    // Test case 1: key 20 × 0x0b, "Hi There".
    CHECK(hex_of(hmac_key(std::string(20, '\x0b')).mac("Hi There")) ==
          "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7");
    CHECK(hmac_key("").empty());
    CHECK_FALSE(jefe.empty());
}

TEST_CASE("signed values: tamper-proof, rotation accepted") {
    signer old_signer("old-secret-old-secret-old-secret-0");
    signer s("new-secret-new-secret-new-secret-0", "old-secret-old-secret-old-secret-0");
    auto v = s.sign("v1|voter|123");
    CHECK(s.verify(v).value() == "v1|voter|123");
    CHECK(s.verify(old_signer.sign("v1|x|1")).value() == "v1|x|1");
    auto tampered = v;
    tampered[1] = tampered[1] == 'a' ? 'b' : 'a';
    CHECK_FALSE(s.verify(tampered));
    CHECK_FALSE(s.verify("no-dot"));
    CHECK_FALSE(s.verify("payload.short"));
    signer other("another-secret-another-secret-00");
    CHECK_FALSE(other.verify(v));
}

TEST_CASE("random_token uses the alphabet and the length") {
    auto t = random_token(40);
    CHECK(t.size() == 40);
    for (char c : t) CHECK(std::isalnum(static_cast<unsigned char>(c)));
    CHECK(random_token(40) != t);
    // Many tokens drain and refill the pool: still all distinct, every
    // symbol of the alphabet in use.
    std::set<std::string> seen;
    std::set<char> symbols;
    for (int i = 0; i < 2000; ++i) {
        auto token = random_token(12);
        REQUIRE(token.size() == 12);
        seen.insert(token);
        symbols.insert(token.begin(), token.end());
    }
    CHECK(seen.size() == 2000);
    CHECK(symbols.size() == 62);
}
