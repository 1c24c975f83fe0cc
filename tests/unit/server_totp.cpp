// TOTP against the published test vectors: RFC 4648 (base32), RFC 4226
// Appendix D (HOTP) and RFC 6238 Appendix B (TOTP with SHA-1, SHA-256 and
// SHA-512); then the verification window, replay refusal and the
// otpauth:// URI the authenticator apps read.
#include <doctest/doctest.h>

#include <string>

#include "server/totp.hpp"

using namespace pingyi::server;

namespace {

// RFC 6238 Appendix B: the seed is "1234567890" repeated to the hash's size.
std::string rfc6238_seed(std::size_t bytes) {
    std::string out;
    while (out.size() < bytes) out += "1234567890";
    return out.substr(0, bytes);
}

}  // namespace

TEST_CASE("base32: the RFC 4648 section 10 vectors, both ways") {
    const std::pair<const char*, const char*> vectors[] = {
        {"", ""},           {"f", "MY======"},         {"fo", "MZXQ===="},         {"foo", "MZXW6==="},
        {"foob", "MZXW6YQ="}, {"fooba", "MZXW6YTB"}, {"foobar", "MZXW6YTBOI======"}};
    for (auto [plain, encoded] : vectors) {
        CAPTURE(plain);
        CHECK(base32_encode(plain) == encoded);
        CHECK(base32_decode(encoded) == std::string(plain));
    }
}

TEST_CASE("base32: as people type secrets, and what is no encoding") {
    CHECK(base32_decode("mzxw6ytboi") == std::string("foobar"));  // lower case, no padding
    CHECK(base32_decode("MZXW 6YTB-OI") == std::string("foobar"));  // groups
    CHECK_FALSE(base32_decode("MZXW1YTB"));  // 1 is not in the alphabet
    CHECK_FALSE(base32_decode("MZ=XW6"));    // data after padding
    CHECK_FALSE(base32_decode("M"));         // 1, 3 or 6 symbols in a last group: no encoding makes those
    CHECK_FALSE(base32_decode("MZX"));
    CHECK_FALSE(base32_decode("MZXW6Y"));
    auto key = std::string("\x00\xff\x10\x80 secret", 11);
    CHECK(base32_decode(base32_encode(key)) == key);
}

TEST_CASE("HOTP: the RFC 4226 Appendix D vectors") {
    const char* expected[] = {"755224", "287082", "359152", "969429", "338314",
                              "254676", "287922", "162583", "399871", "520489"};
    for (std::uint64_t counter = 0; counter < 10; ++counter) {
        CAPTURE(counter);
        CHECK(hotp("12345678901234567890", counter) == expected[counter]);
    }
}

TEST_CASE("TOTP: the RFC 6238 Appendix B vectors, SHA-1, SHA-256 and SHA-512, 8 digits") {
    struct vector {
        std::int64_t time;
        const char* sha1;
        const char* sha256;
        const char* sha512;
    };
    const vector vectors[] = {
        {59, "94287082", "46119246", "90693936"},
        {1111111109, "07081804", "68084774", "25091201"},
        {1111111111, "14050471", "67062674", "99943326"},
        {1234567890, "89005924", "91819424", "93441116"},
        {2000000000, "69279037", "90698825", "38618901"},
        {20000000000, "65353130", "77737706", "47863826"},
    };
    for (const auto& v : vectors) {
        CAPTURE(v.time);
        CHECK(totp(rfc6238_seed(20), v.time, {otp_hash::sha1, 8, 30}) == v.sha1);
        CHECK(totp(rfc6238_seed(32), v.time, {otp_hash::sha256, 8, 30}) == v.sha256);
        CHECK(totp(rfc6238_seed(64), v.time, {otp_hash::sha512, 8, 30}) == v.sha512);
    }
    // The RFC's T column for two of them.
    CHECK(totp_step(1111111109) == 0x23523EC);
    CHECK(totp_step(20000000000) == 0x27BC86AA);
}

TEST_CASE("TOTP verification: one step either side, each step once") {
    const std::string key = rfc6238_seed(20);
    const std::int64_t now = 1111111111;  // step 37037037, 1 s into it
    const auto step = totp_step(now);
    // The default: SHA-1, 6 digits, 30 s; the app shows hotp(key, step).
    CHECK(totp(key, now) == hotp(key, step));
    CHECK(verify_totp(key, hotp(key, step), now, 0) == step);
    CHECK(verify_totp(key, hotp(key, step - 1), now, 0) == step - 1);  // the phone is a little behind
    CHECK(verify_totp(key, hotp(key, step + 1), now, 0) == step + 1);  // or ahead
    CHECK_FALSE(verify_totp(key, hotp(key, step - 2), now, 0));
    CHECK_FALSE(verify_totp(key, hotp(key, step + 2), now, 0));
    // Replay: nothing at or before the last accepted step.
    CHECK_FALSE(verify_totp(key, hotp(key, step), now, step));
    CHECK_FALSE(verify_totp(key, hotp(key, step - 1), now, step - 1));
    CHECK(verify_totp(key, hotp(key, step + 1), now, step) == step + 1);
    // Anything but exactly six digits.
    auto code = hotp(key, step);
    CHECK_FALSE(verify_totp(key, code.substr(1), now, 0));
    CHECK_FALSE(verify_totp(key, code + "0", now, 0));
    CHECK_FALSE(verify_totp(key, "12345a", now, 0));
    CHECK_FALSE(verify_totp(key, "", now, 0));
    CHECK_FALSE(verify_totp("", code, now, 0));
    // Another key's code.
    CHECK_FALSE(verify_totp(rfc6238_seed(19) + "x", code, now, 0));
    // 8 digits and SHA-256 when asked.
    const totp_params eight{otp_hash::sha256, 8, 30};
    CHECK(verify_totp(rfc6238_seed(32), "67062674", 1111111111, 0, eight) == step);
}

TEST_CASE("the otpauth URI: issuer and account percent-encoded, the secret unpadded") {
    auto uri = otpauth_uri("韶司在线评议", "li.wei", "12345678901234567890");
    CHECK(uri ==
          "otpauth://totp/%E9%9F%B6%E5%8F%B8%E5%9C%A8%E7%BA%BF%E8%AF%84%E8%AE%AE:li.wei"
          "?secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ"
          "&issuer=%E9%9F%B6%E5%8F%B8%E5%9C%A8%E7%BA%BF%E8%AF%84%E8%AE%AE&algorithm=SHA1&digits=6&period=30");
    auto other = otpauth_uri("pingyi", "a b&c", "abcde", {otp_hash::sha512, 8, 60});
    CHECK(other == "otpauth://totp/pingyi:a%20b%26c?secret=MFRGGZDF&issuer=pingyi&algorithm=SHA512&digits=8&period=60");
}
