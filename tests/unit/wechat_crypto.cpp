#include <array>
#include <cstdint>
#include <memory>
#include <stdexcept>
#include <string>

#include <doctest/doctest.h>
#include <openssl/evp.h>

#include "wechat/base64.hpp"
#include "wechat/crypto.hpp"
#include "wechat/error.hpp"

namespace {

using namespace pingyi::wechat;

const std::string key = "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG";
const std::string appid = "wxb11529c136998cb6";
const std::string random16 = "aaaabbbbccccdddd";

// Encrypts a hand-made buffer with raw EVP (no padding of any kind), so a
// test can forge what message_cipher itself would never produce.
std::string forge(const std::string& buffer)
{
    const auto key_bytes = base64_decode(key + "=");
    REQUIRE(key_bytes);
    REQUIRE(buffer.size() % 16 == 0);
    const auto* k = reinterpret_cast<const unsigned char*>(key_bytes->data());
    const std::unique_ptr<EVP_CIPHER_CTX, decltype(&EVP_CIPHER_CTX_free)> ctx(EVP_CIPHER_CTX_new(),
                                                                            &EVP_CIPHER_CTX_free);
    REQUIRE(EVP_EncryptInit_ex(ctx.get(), EVP_aes_256_cbc(), nullptr, k, k) == 1);
    REQUIRE(EVP_CIPHER_CTX_set_padding(ctx.get(), 0) == 1);
    std::string out(buffer.size(), '\0');
    int written = 0;
    REQUIRE(EVP_EncryptUpdate(ctx.get(), reinterpret_cast<unsigned char*>(out.data()), &written,
                              reinterpret_cast<const unsigned char*>(buffer.data()),
                              static_cast<int>(buffer.size())) == 1);
    REQUIRE(written == static_cast<int>(buffer.size()));
    return base64_encode(out);
}

std::string length_prefix(std::uint32_t n)
{
    return {static_cast<char>(n >> 24), static_cast<char>(n >> 16), static_cast<char>(n >> 8), static_cast<char>(n)};
}

// random ‖ length ‖ msg ‖ appid, padded to 32 bytes with the given pad
// value written into the last `count` bytes.
std::string layout(std::uint32_t length, const std::string& msg, const std::string& id, int pad_value, int count)
{
    std::string buffer = random16 + length_prefix(length) + msg + id;
    buffer.append(static_cast<std::size_t>(count), static_cast<char>(pad_value));
    return buffer;
}

std::string padded_layout(std::uint32_t length, const std::string& msg, const std::string& id)
{
    const std::size_t unpadded = random16.size() + 4 + msg.size() + id.size();
    const int pad = static_cast<int>(32 - unpadded % 32);
    return layout(length, msg, id, pad, pad);
}

std::error_code decrypt_error(const std::string& encrypted)
{
    const message_cipher cipher(key, appid);
    std::error_code ec;
    CHECK(cipher.decrypt(encrypted, ec).empty());
    return ec;
}

}  // namespace

TEST_CASE("wechat crypto: forged buffers decrypt when well formed")
{
    // The forging helper itself must agree with message_cipher, or the
    // negative cases below would prove nothing.
    const message_cipher cipher(key, appid);
    CHECK(forge(padded_layout(5, "hello", appid)) == cipher.encrypt("hello", random16));
    std::error_code ec;
    CHECK(cipher.decrypt(forge(padded_layout(5, "hello", appid)), ec) == "hello");
    CHECK_FALSE(ec);
}

TEST_CASE("wechat crypto: round trip with fresh random bytes")
{
    const message_cipher cipher(key, appid);
    const std::string messages[] = {"", "x", std::string(32, 'y'), std::string(1000, 'z'), std::string("评议\0投票", 13)};
    for (const auto& msg : messages) {
        const auto encrypted = cipher.encrypt(msg);
        std::error_code ec;
        CHECK(cipher.decrypt(encrypted, ec) == msg);
        CHECK_FALSE(ec);
    }
    const auto a = cipher.encrypt("same");
    CHECK(a != cipher.encrypt("same"));
}

TEST_CASE("wechat crypto: every pad value 1..32 is accepted")
{
    const message_cipher cipher(key, appid);
    for (std::size_t size = 0; size < 32; ++size) {
        const std::string msg(size, 'm');
        std::error_code ec;
        CHECK(cipher.decrypt(cipher.encrypt(msg, random16), ec) == msg);
        CHECK_FALSE(ec);
    }
}

TEST_CASE("wechat crypto: wrong appid")
{
    const message_cipher other(key, "wx0000000000000000");
    CHECK(decrypt_error(other.encrypt("hello", random16)) == error::invalid_appid);
    CHECK(decrypt_error(forge(padded_layout(5, "hello", appid + "x"))) == error::invalid_appid);
    CHECK(decrypt_error(forge(padded_layout(5, "hello", appid.substr(1)))) == error::invalid_appid);
}

TEST_CASE("wechat crypto: bad padding")
{
    // 16 + 4 + 5 + 18 = 43 bytes: 21 bytes of room to 64.
    const std::string body = random16 + length_prefix(5) + "hello" + appid;
    REQUIRE(body.size() == 43);
    std::error_code ec;
    CHECK(message_cipher(key, appid).decrypt(forge(layout(5, "hello", appid, 21, 21)), ec) == "hello");
    CHECK_FALSE(ec);
    CHECK(decrypt_error(forge(layout(5, "hello", appid, 0, 21))) == error::decrypt_aes);
    CHECK(decrypt_error(forge(layout(5, "hello", appid, 33, 21))) == error::decrypt_aes);
    // A pad value that disagrees with the bytes it claims.
    std::string uneven = layout(5, "hello", appid, 21, 21);
    uneven[50] = 7;
    CHECK(decrypt_error(forge(uneven)) == error::decrypt_aes);
    // PKCS#7 over 16-byte blocks (OpenSSL's default) is not WeChat's.
    CHECK(decrypt_error(forge(layout(5, "hello", appid, 5, 5))) == error::decrypt_aes);
}

TEST_CASE("wechat crypto: malformed buffers")
{
    // 32 bytes, all padding: nothing left, not even the random prefix.
    CHECK(decrypt_error(forge(std::string(32, static_cast<char>(32)))) == error::illegal_buffer);
    // 19 bytes left after padding: one short of random + length.
    CHECK(decrypt_error(forge(random16 + "abc" + std::string(13, static_cast<char>(13)))) == error::illegal_buffer);
    // The length field claims more than the buffer holds.
    CHECK(decrypt_error(forge(padded_layout(6, "hello", ""))) == error::illegal_buffer);
    CHECK(decrypt_error(forge(padded_layout(0xffffffff, "hello", appid))) == error::illegal_buffer);
    // A ciphertext that is no whole number of 32-byte blocks.
    CHECK(decrypt_error(base64_encode(std::string(16, 'c'))) == error::decrypt_aes);
    CHECK(decrypt_error(base64_encode(std::string(48, 'c'))) == error::decrypt_aes);
    CHECK(decrypt_error("") == error::decrypt_aes);
}

TEST_CASE("wechat crypto: bad base64")
{
    const message_cipher cipher(key, appid);
    const auto good = cipher.encrypt("hello", random16);
    CHECK(decrypt_error(good.substr(0, good.size() - 1)) == error::decode_base64);
    CHECK(decrypt_error(good.substr(0, good.size() - 4)) == error::decrypt_aes);
    std::string bad = good;
    bad[10] = '*';
    CHECK(decrypt_error(bad) == error::decode_base64);
    bad = good;
    bad[10] = ' ';
    CHECK(decrypt_error(bad) == error::decode_base64);
    CHECK(decrypt_error("ab=c") == error::decode_base64);
    CHECK(decrypt_error("====") == error::decode_base64);
}

TEST_CASE("wechat crypto: wrong key")
{
    const message_cipher mine(key, appid);
    const message_cipher other("AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA", appid);
    std::error_code ec;
    CHECK(other.decrypt(mine.encrypt("hello", random16), ec).empty());
    CHECK(ec);
}

TEST_CASE("wechat crypto: illegal EncodingAESKey")
{
    CHECK_THROWS_AS(message_cipher(key.substr(0, 42), appid), std::system_error);
    CHECK_THROWS_AS(message_cipher(key + "H", appid), std::system_error);
    CHECK_THROWS_AS(message_cipher("", appid), std::system_error);
    CHECK_THROWS_AS(message_cipher(key.substr(0, 42) + "*", appid), std::system_error);
    try {
        const message_cipher cipher(key.substr(0, 42), appid);
        FAIL("a 42-character key was accepted");
    } catch (const std::system_error& e) {
        CHECK(e.code() == error::illegal_aes_key);
        CHECK(e.code().value() == -40004);
    }
    // The last character's spare bits are ignored, as WeChat's keys need.
    const message_cipher same(key.substr(0, 42) + "H", appid);
    std::error_code ec;
    CHECK(same.decrypt(message_cipher(key, appid).encrypt("hello", random16), ec) == "hello");
    CHECK_FALSE(ec);
}

TEST_CASE("wechat crypto: encrypt needs 16 random bytes")
{
    const message_cipher cipher(key, appid);
    CHECK_THROWS_AS(cipher.encrypt("x", "short"), std::invalid_argument);
}

TEST_CASE("wechat crypto: key ring tries the current key, then the previous")
{
    const std::string old_key = "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA";
    const key_ring ring(message_cipher(key, appid), message_cipher(old_key, appid));
    std::error_code ec;

    const auto by_current = ring.decrypt(message_cipher(key, appid).encrypt("new", random16), ec);
    CHECK_FALSE(ec);
    CHECK(by_current.plaintext == "new");
    CHECK_FALSE(by_current.previous);
    CHECK(by_current.cipher == &ring.current());

    const auto by_previous = ring.decrypt(message_cipher(old_key, appid).encrypt("old", random16), ec);
    CHECK_FALSE(ec);
    CHECK(by_previous.plaintext == "old");
    CHECK(by_previous.previous);
    REQUIRE(by_previous.cipher != nullptr);
    CHECK(by_previous.cipher != &ring.current());
    CHECK(by_previous.cipher->appid() == appid);

    const message_cipher stranger("0123456789012345678901234567890123456789012", appid);
    const auto neither = ring.decrypt(stranger.encrypt("x", random16), ec);
    CHECK(ec);
    CHECK(neither.cipher == nullptr);

    // The previous key worked but the appid is foreign: say so.
    ring.decrypt(message_cipher(old_key, "wxother").encrypt("x", random16), ec);
    CHECK(ec == error::invalid_appid);

    const key_ring single(message_cipher(key, appid));
    single.decrypt(message_cipher(old_key, appid).encrypt("x", random16), ec);
    CHECK(ec);
}

TEST_CASE("wechat base64")
{
    CHECK(base64_encode("") == "");
    CHECK(base64_encode("f") == "Zg==");
    CHECK(base64_encode("fo") == "Zm8=");
    CHECK(base64_encode("foobar") == "Zm9vYmFy");
    CHECK(base64_decode("Zm9vYmFy") == "foobar");
    CHECK(base64_decode("Zm8=") == "fo");
    CHECK(base64_decode("Zg==") == "f");
    CHECK(base64_decode("") == "");
    CHECK_FALSE(base64_decode("Zg="));
    CHECK_FALSE(base64_decode("Z==="));
    CHECK_FALSE(base64_decode("Zg=a"));
    CHECK_FALSE(base64_decode("Zm9v\nYmFy"));
    CHECK_FALSE(base64_decode("Zm9-YmFy"));
}
