#include "http/cookies.hpp"

#include <array>
#include <atomic>
#include <cstdint>
#include <stdexcept>

#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/rand.h>

namespace pingyi::http {

std::optional<std::string> cookie_value(std::string_view header, std::string_view name) {
    std::size_t i = 0;
    while (i < header.size()) {
        while (i < header.size() && (header[i] == ' ' || header[i] == ';')) ++i;
        std::size_t end = header.find(';', i);
        if (end == std::string_view::npos) end = header.size();
        std::string_view pair = header.substr(i, end - i);
        auto eq = pair.find('=');
        if (eq != std::string_view::npos) {
            std::string_view key = pair.substr(0, eq);
            while (!key.empty() && key.back() == ' ') key.remove_suffix(1);
            if (key == name) {
                std::string_view value = pair.substr(eq + 1);
                if (value.size() >= 2 && value.front() == '"' && value.back() == '"') value = value.substr(1, value.size() - 2);
                return std::string(value);
            }
        }
        i = end + 1;
    }
    return std::nullopt;
}

std::string set_cookie(std::string_view name, std::string_view value, const cookie_options& o) {
    std::string out;
    out.append(name).append("=").append(value);
    out += "; Path=" + o.path;
    if (o.max_age >= 0) out += "; Max-Age=" + std::to_string(o.max_age);
    if (o.http_only) out += "; HttpOnly";
    if (o.secure) out += "; Secure";
    if (!o.same_site.empty()) out += "; SameSite=" + o.same_site;
    return out;
}

namespace {
constexpr char b64url_chars[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
}

std::string base64url(std::string_view in) {
    std::string out;
    out.reserve((in.size() * 4 + 2) / 3);
    std::size_t i = 0;
    auto byte = [&](std::size_t k) { return static_cast<unsigned char>(in[k]); };
    for (; i + 3 <= in.size(); i += 3) {
        unsigned v = (byte(i) << 16) | (byte(i + 1) << 8) | byte(i + 2);
        out += b64url_chars[(v >> 18) & 63];
        out += b64url_chars[(v >> 12) & 63];
        out += b64url_chars[(v >> 6) & 63];
        out += b64url_chars[v & 63];
    }
    if (in.size() - i == 1) {
        unsigned v = byte(i) << 16;
        out += b64url_chars[(v >> 18) & 63];
        out += b64url_chars[(v >> 12) & 63];
    } else if (in.size() - i == 2) {
        unsigned v = (byte(i) << 16) | (byte(i + 1) << 8);
        out += b64url_chars[(v >> 18) & 63];
        out += b64url_chars[(v >> 12) & 63];
        out += b64url_chars[(v >> 6) & 63];
    }
    return out;
}

std::optional<std::string> base64url_decode(std::string_view in) {
    auto value = [](char c) -> int {
        if (c >= 'A' && c <= 'Z') return c - 'A';
        if (c >= 'a' && c <= 'z') return c - 'a' + 26;
        if (c >= '0' && c <= '9') return c - '0' + 52;
        if (c == '-') return 62;
        if (c == '_') return 63;
        return -1;
    };
    if (in.size() % 4 == 1) return std::nullopt;
    std::string out;
    unsigned acc = 0;
    int bits = 0;
    for (char c : in) {
        int v = value(c);
        if (v < 0) return std::nullopt;
        acc = (acc << 6) | static_cast<unsigned>(v);
        bits += 6;
        if (bits >= 8) {
            bits -= 8;
            out += static_cast<char>((acc >> bits) & 0xFF);
        }
    }
    return out;
}

std::string hmac_sha256(std::string_view key, std::string_view data) {
    unsigned char mac[EVP_MAX_MD_SIZE];
    unsigned int len = 0;
    if (!HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()), reinterpret_cast<const unsigned char*>(data.data()),
              data.size(), mac, &len))
        throw std::runtime_error("HMAC failed");
    return std::string(reinterpret_cast<char*>(mac), len);
}

void hmac_key::ctx_free::operator()(EVP_MAC_CTX* ctx) const { EVP_MAC_CTX_free(ctx); }

hmac_key::hmac_key(std::string_view key) {
    static std::atomic<std::uint64_t> last_id{0};
    id_ = ++last_id;
    if (key.empty()) return;
    std::unique_ptr<EVP_MAC, decltype(&EVP_MAC_free)> mac(EVP_MAC_fetch(nullptr, "HMAC", nullptr), &EVP_MAC_free);
    if (!mac) throw std::runtime_error("HMAC unavailable");
    ctx_.reset(EVP_MAC_CTX_new(mac.get()));
    char digest[] = "SHA256";
    const OSSL_PARAM params[] = {OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_DIGEST, digest, 0),
                                 OSSL_PARAM_construct_end()};
    if (!ctx_ || !EVP_MAC_init(ctx_.get(), reinterpret_cast<const unsigned char*>(key.data()), key.size(), params))
        throw std::runtime_error("HMAC key setup failed");
}

std::string hmac_key::mac(std::string_view data) const {
    // A thread uses a handful of keys (cookies, pseudonyms): a few slots,
    // reused round-robin when a new key comes along.
    struct thread_context {
        std::uint64_t key_id = 0;
        std::unique_ptr<EVP_MAC_CTX, ctx_free> ctx;
    };
    thread_local std::array<thread_context, 4> contexts;
    thread_local std::size_t next_slot = 0;

    EVP_MAC_CTX* ctx = nullptr;
    for (auto& c : contexts)
        if (c.key_id == id_ && c.ctx) {
            // Back to the keyed state: a NULL key re-initialises with the same key.
            if (!EVP_MAC_init(c.ctx.get(), nullptr, 0, nullptr)) throw std::runtime_error("HMAC failed");
            ctx = c.ctx.get();
            break;
        }
    if (!ctx) {
        auto& c = contexts[next_slot++ % contexts.size()];
        c.ctx.reset(EVP_MAC_CTX_dup(ctx_.get()));
        c.key_id = id_;
        ctx = c.ctx.get();
    }
    unsigned char out[EVP_MAX_MD_SIZE];
    std::size_t len = 0;
    if (!ctx || !EVP_MAC_update(ctx, reinterpret_cast<const unsigned char*>(data.data()), data.size()) ||
        !EVP_MAC_final(ctx, out, &len, sizeof out))
        throw std::runtime_error("HMAC failed");
    return std::string(reinterpret_cast<char*>(out), len);
}

signer::signer(std::string_view current, std::string_view previous) : current_(current), previous_(previous) {}

std::string signer::sign(std::string_view payload) const {
    std::string out(payload);
    out += '.';
    out += base64url(current_.mac(payload));
    return out;
}

std::optional<std::string> signer::verify(std::string_view value) const {
    auto dot = value.rfind('.');
    if (dot == std::string_view::npos) return std::nullopt;
    std::string_view payload = value.substr(0, dot);
    auto given = base64url_decode(value.substr(dot + 1));
    if (!given || given->size() != 32) return std::nullopt;
    for (const hmac_key* key : {&current_, &previous_}) {
        if (key->empty()) continue;
        std::string expected = key->mac(payload);
        if (CRYPTO_memcmp(expected.data(), given->data(), 32) == 0) return std::string(payload);
    }
    return std::nullopt;
}

std::string random_bytes(std::size_t n) {
    std::string out(n, '\0');
    if (RAND_bytes(reinterpret_cast<unsigned char*>(out.data()), static_cast<int>(n)) != 1)
        throw std::runtime_error("RAND_bytes failed");
    return out;
}

std::string random_token(std::size_t length) {
    static constexpr char alphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
    // Drawn from a thread's pool of CSPRNG bytes, refilled 4 KiB at a time:
    // one RAND_bytes call per ballot's receipt nonce cost more than the rest
    // of the nonce. The bytes are the generator's all the same.
    thread_local std::string pool;
    thread_local std::size_t used = 0;
    std::string out;
    out.reserve(length);
    while (out.size() < length) {
        if (used == pool.size()) {
            pool = random_bytes(4096);
            used = 0;
        }
        const auto b = static_cast<unsigned char>(pool[used++]);
        if (b >= 248) continue;  // 62 symbols: every one equally likely
        out += alphabet[b % 62];
    }
    return out;
}

}  // namespace pingyi::http
