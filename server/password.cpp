#include "server/password.hpp"

#include <charconv>
#include <stdexcept>
#include <vector>

#include <openssl/crypto.h>
#include <openssl/evp.h>

#include "http/cookies.hpp"

namespace pingyi::server {

namespace {

constexpr std::string_view scheme = "scrypt";
constexpr std::size_t salt_bytes = 16;
constexpr std::size_t hash_bytes = 32;
// Verification refuses hashes that would cost more than this (a tampered
// record must not become a denial of service).
constexpr std::uint64_t max_memory = std::uint64_t{1} << 30;

std::vector<std::string_view> split(std::string_view s, char sep) {
    std::vector<std::string_view> out;
    for (;;) {
        auto pos = s.find(sep);
        out.push_back(s.substr(0, pos));
        if (pos == std::string_view::npos) return out;
        s.remove_prefix(pos + 1);
    }
}

std::optional<std::uint64_t> parse_number(std::string_view s) {
    std::uint64_t v = 0;
    auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
    if (ec != std::errc() || end != s.data() + s.size() || s.empty()) return std::nullopt;
    return v;
}

// scrypt needs 128·r·(N + p + 2) bytes; OpenSSL's default cap (32 MiB) is
// just below what N = 2^15, r = 8 takes, so the cap is given explicitly.
std::uint64_t memory_needed(const scrypt_params& p) { return 128 * p.r * (p.n + p.p + 2); }

bool sane(const scrypt_params& p) {
    bool power_of_two = p.n >= 2 && (p.n & (p.n - 1)) == 0;
    return power_of_two && p.n <= (std::uint64_t{1} << 22) && p.r >= 1 && p.r <= 64 && p.p >= 1 && p.p <= 64 &&
           memory_needed(p) <= max_memory;
}

}  // namespace

std::optional<std::string> scrypt_kdf(std::string_view password, std::string_view salt, const scrypt_params& params,
                                      std::size_t length) {
    if (!sane(params)) return std::nullopt;
    std::string out(length, '\0');
    int ok = EVP_PBE_scrypt(password.data(), password.size(), reinterpret_cast<const unsigned char*>(salt.data()),
                            salt.size(), params.n, params.r, params.p, memory_needed(params) + 1024 * 1024,
                            reinterpret_cast<unsigned char*>(out.data()), out.size());
    if (ok != 1) return std::nullopt;
    return out;
}

std::string hash_password(std::string_view password, const scrypt_params& params) {
    auto salt = http::random_bytes(salt_bytes);
    auto key = scrypt_kdf(password, salt, params, hash_bytes);
    if (!key) throw std::invalid_argument("scrypt parameters refused");
    return std::string(scheme) + "$" + std::to_string(params.n) + "$" + std::to_string(params.r) + "$" +
           std::to_string(params.p) + "$" + http::base64url(salt) + "$" + http::base64url(*key);
}

bool verify_password(std::string_view password, std::string_view encoded) {
    auto parts = split(encoded, '$');
    if (parts.size() != 6 || parts[0] != scheme) return false;
    auto n = parse_number(parts[1]);
    auto r = parse_number(parts[2]);
    auto p = parse_number(parts[3]);
    auto salt = http::base64url_decode(parts[4]);
    auto expected = http::base64url_decode(parts[5]);
    if (!n || !r || !p || !salt || !expected || salt->empty() || expected->size() < 16 || expected->size() > 64)
        return false;
    auto key = scrypt_kdf(password, *salt, scrypt_params{*n, *r, *p}, expected->size());
    return key && CRYPTO_memcmp(key->data(), expected->data(), key->size()) == 0;
}

const std::string& dummy_password_hash() {
    static const std::string hash = hash_password(http::random_bytes(32));
    return hash;
}

}  // namespace pingyi::server
