#include <doctest/doctest.h>

#include <memory>
#include <set>
#include <string>
#include <thread>
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

TEST_CASE("keyed HMACs stay right when a thread uses more keys than it keeps contexts for, and across threads") {
    // Six keys interleaved: more than a thread's context slots, so slots are
    // taken over and keyed again; every answer must still be its key's.
    std::vector<std::string> secrets;
    std::vector<std::unique_ptr<hmac_key>> keys;
    for (int i = 0; i < 6; ++i) {
        secrets.push_back("key-" + std::to_string(i));
        keys.push_back(std::make_unique<hmac_key>(secrets.back()));
    }
    auto all_right = [&] {
        bool ok = true;
        for (int round = 0; round < 3; ++round)
            for (std::size_t i = 0; i < keys.size(); ++i)
                ok = ok && keys[i]->mac("data " + std::to_string(round)) ==
                               hmac_sha256(secrets[i], "data " + std::to_string(round));
        return ok;
    };
    CHECK(all_right());
    // A key made where a destroyed one was is a new key, not the old one's context.
    keys[0] = std::make_unique<hmac_key>(secrets[0] = "another-key");
    CHECK(all_right());
    bool other_thread = false;
    std::thread([&] { other_thread = all_right(); }).join();
    CHECK(other_thread);
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
