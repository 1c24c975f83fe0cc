#include "server/totp.hpp"

#include <array>
#include <stdexcept>

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include "http/query.hpp"

namespace pingyi::server {

namespace {

constexpr std::string_view base32_alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";

int base32_value(char c) {
    if (c >= 'A' && c <= 'Z') return c - 'A';
    if (c >= 'a' && c <= 'z') return c - 'a';
    if (c >= '2' && c <= '7') return c - '2' + 26;
    return -1;
}

const EVP_MD* digest(otp_hash h) {
    switch (h) {
    case otp_hash::sha256: return EVP_sha256();
    case otp_hash::sha512: return EVP_sha512();
    case otp_hash::sha1: break;
    }
    return EVP_sha1();
}

std::string_view hash_name(otp_hash h) {
    switch (h) {
    case otp_hash::sha256: return "SHA256";
    case otp_hash::sha512: return "SHA512";
    case otp_hash::sha1: break;
    }
    return "SHA1";
}

constexpr std::array<std::uint32_t, 10> powers_of_ten{1,      10,      100,      1000,      10000,
                                                     100000, 1000000, 10000000, 100000000, 1000000000};

}  // namespace

std::string base32_encode(std::string_view bytes) {
    std::string out;
    out.reserve((bytes.size() + 4) / 5 * 8);
    std::uint32_t acc = 0;
    int bits = 0;
    for (unsigned char c : bytes) {
        acc = (acc << 8) | c;
        bits += 8;
        while (bits >= 5) {
            bits -= 5;
            out += base32_alphabet[(acc >> bits) & 31];
        }
    }
    if (bits > 0) out += base32_alphabet[(acc << (5 - bits)) & 31];
    while (out.size() % 8 != 0) out += '=';
    return out;
}

std::optional<std::string> base32_decode(std::string_view text) {
    std::string out;
    std::uint32_t acc = 0;
    int bits = 0;
    std::size_t symbols = 0;
    bool padding = false;
    for (char c : text) {
        if (c == ' ' || c == '-') continue;
        if (c == '=') {
            padding = true;
            continue;
        }
        int v = base32_value(c);
        if (v < 0 || padding) return std::nullopt;
        acc = (acc << 5) | static_cast<std::uint32_t>(v);
        bits += 5;
        ++symbols;
        if (bits >= 8) {
            bits -= 8;
            out += static_cast<char>((acc >> bits) & 0xFF);
        }
    }
    // A final group of 1, 3 or 6 symbols is no encoding's output.
    auto tail = symbols % 8;
    if (tail == 1 || tail == 3 || tail == 6) return std::nullopt;
    return out;
}

std::string hotp(std::string_view key, std::uint64_t counter, otp_hash hash, int digits) {
    if (digits < 6 || digits > 9) throw std::invalid_argument("HOTP digits must be 6 to 9");
    std::array<unsigned char, 8> message{};
    for (int i = 7; i >= 0; --i, counter >>= 8) message[static_cast<std::size_t>(i)] = counter & 0xFF;
    std::array<unsigned char, EVP_MAX_MD_SIZE> mac{};
    unsigned int length = 0;
    if (!HMAC(digest(hash), key.data(), static_cast<int>(key.size()), message.data(), message.size(), mac.data(),
              &length))
        throw std::runtime_error("HMAC failed");
    // Dynamic truncation (RFC 4226 section 5.3).
    auto offset = mac[length - 1] & 0x0F;
    std::uint32_t binary = (std::uint32_t{mac[offset]} & 0x7F) << 24 | std::uint32_t{mac[offset + 1]} << 16 |
                           std::uint32_t{mac[offset + 2]} << 8 | std::uint32_t{mac[offset + 3]};
    auto code = std::to_string(binary % powers_of_ten[static_cast<std::size_t>(digits)]);
    return std::string(static_cast<std::size_t>(digits) - code.size(), '0') + code;
}

std::uint64_t totp_step(std::int64_t unix_s, int step_s) {
    return unix_s <= 0 ? 0 : static_cast<std::uint64_t>(unix_s / step_s);
}

std::string totp(std::string_view key, std::int64_t unix_s, const totp_params& p) {
    return hotp(key, totp_step(unix_s, p.step_s), p.hash, p.digits);
}

std::optional<std::uint64_t> verify_totp(std::string_view key, std::string_view code, std::int64_t unix_s,
                                         std::uint64_t last_step, const totp_params& p) {
    if (key.empty() || code.size() != static_cast<std::size_t>(p.digits)) return std::nullopt;
    for (char c : code)
        if (c < '0' || c > '9') return std::nullopt;
    auto now = totp_step(unix_s, p.step_s);
    for (auto step = now > 0 ? now - 1 : 0; step <= now + 1; ++step) {
        if (step <= last_step) continue;
        auto expected = hotp(key, step, p.hash, p.digits);
        if (CRYPTO_memcmp(expected.data(), code.data(), code.size()) == 0) return step;
    }
    return std::nullopt;
}

std::string otpauth_uri(std::string_view issuer, std::string_view account, std::string_view key,
                        const totp_params& p) {
    auto secret = base32_encode(key);
    secret.erase(secret.find_last_not_of('=') + 1);
    auto encoded_issuer = http::url_encode(issuer);
    return "otpauth://totp/" + encoded_issuer + ":" + http::url_encode(account) + "?secret=" + secret +
           "&issuer=" + encoded_issuer + "&algorithm=" + std::string(hash_name(p.hash)) +
           "&digits=" + std::to_string(p.digits) + "&period=" + std::to_string(p.step_s);
}

}  // namespace pingyi::server
