// Staff password hashing: the scrypt KDF against RFC 7914's vectors, and the
// encoded hashes: round trip, wrong password, tampering, nonsense.
#include <doctest/doctest.h>

#include <string>

#include "server/password.hpp"

using namespace pingyi::server;

namespace {

std::string hex(const std::string& bytes) {
    static const char* digits = "0123456789abcdef";
    std::string out;
    for (unsigned char c : bytes) {
        out += digits[c >> 4];
        out += digits[c & 15];
    }
    return out;
}

// A cheap cost, so the tests stay quick; the format carries it.
const scrypt_params cheap{1024, 8, 1};

}  // namespace

TEST_CASE("scrypt matches RFC 7914 section 12") {
    auto empty = scrypt_kdf("", "", scrypt_params{16, 1, 1}, 64);
    REQUIRE(empty);
    CHECK(hex(*empty) ==
          "77d6576238657b203b19ca42c18a0497f16b4844e3074ae8dfdffa3fede21442"
          "fcd0069ded0948f8326a753a0fc81f17e8d3e0fb2e0d3628cf35e20c38d18906");
    auto nacl = scrypt_kdf("password", "NaCl", scrypt_params{1024, 8, 16}, 64);
    REQUIRE(nacl);
    CHECK(hex(*nacl) ==
          "fdbabe1c9d3472007856e7190d01e9fe7c6ad7cbc8237830e77376634b373162"
          "2eaf30d92e22a3886ff109279d9830dac727afb94a83ee6d8360cbdfa2cc0640");
}

TEST_CASE("scrypt refuses parameters that are not scrypt's") {
    CHECK_FALSE(scrypt_kdf("pw", "salt", scrypt_params{1000, 8, 1}, 32));  // N not a power of two
    CHECK_FALSE(scrypt_kdf("pw", "salt", scrypt_params{1024, 0, 1}, 32));
    CHECK_FALSE(scrypt_kdf("pw", "salt", scrypt_params{std::uint64_t{1} << 30, 8, 1}, 32));  // 128 GiB
}

TEST_CASE("a hash verifies its own password and no other") {
    auto h = hash_password("正确的密码 correct horse", cheap);
    CHECK(h.starts_with("scrypt$1024$8$1$"));
    CHECK(verify_password("正确的密码 correct horse", h));
    CHECK_FALSE(verify_password("正确的密码 correct hors", h));
    CHECK_FALSE(verify_password("", h));
    // A fresh salt every time.
    CHECK(hash_password("same", cheap) != hash_password("same", cheap));
}

TEST_CASE("the default cost is at least N = 2^15, r = 8") {
    auto h = hash_password("pw");
    CHECK(h.starts_with("scrypt$32768$8$1$"));
    CHECK(verify_password("pw", h));
}

TEST_CASE("a tampered or malformed hash never verifies") {
    auto h = hash_password("secret", cheap);
    REQUIRE(verify_password("secret", h));
    auto last = h.rfind('$');
    auto flipped = h;
    flipped[last + 1] = flipped[last + 1] == 'A' ? 'B' : 'A';  // the stored key
    CHECK_FALSE(verify_password("secret", flipped));
    auto salted = h;
    auto salt_at = h.rfind('$', last - 1) + 1;
    salted[salt_at] = salted[salt_at] == 'A' ? 'B' : 'A';  // the salt
    CHECK_FALSE(verify_password("secret", salted));
    auto cost = h;
    cost.replace(cost.find("$1024$"), 6, "$2048$");  // the cost
    CHECK_FALSE(verify_password("secret", cost));
    CHECK_FALSE(verify_password("secret", "pbkdf2$1024$8$1$AAAA$AAAA"));
    CHECK_FALSE(verify_password("secret", "scrypt$1024$8$1$"));
    CHECK_FALSE(verify_password("secret", "scrypt$1024$8$x$AAAAAAAAAAAAAAAAAAAAAA$AAAAAAAAAAAAAAAAAAAAAA"));
    CHECK_FALSE(verify_password("secret", ""));
    CHECK_FALSE(verify_password("secret", h + "$"));
    // A cost that would take gigabytes is refused, not computed.
    auto huge = h;
    huge.replace(huge.find("$1024$"), 6, "$1073741824$");
    CHECK_FALSE(verify_password("secret", huge));
}

TEST_CASE("the dummy hash is well formed and matches nothing typed") {
    const auto& d = dummy_password_hash();
    CHECK(d.starts_with("scrypt$"));
    CHECK(&d == &dummy_password_hash());
    CHECK_FALSE(verify_password("", d));
    CHECK_FALSE(verify_password("admin", d));
}
