// Cookies: reading a Cookie header, writing Set-Cookie, and values signed
// with HMAC-SHA256 under a current and a previous secret (rotation).
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include <openssl/types.h>

namespace pingyi::http {

// The value of cookie `name` in a Cookie header, if present.
std::optional<std::string> cookie_value(std::string_view cookie_header, std::string_view name);

struct cookie_options {
    std::string path = "/";
    bool http_only = true;
    bool secure = false;
    std::string same_site = "Lax";
    long max_age = -1;  // seconds; -1: a session cookie; 0: delete
};

std::string set_cookie(std::string_view name, std::string_view value, const cookie_options& options);

// base64url without padding.
std::string base64url(std::string_view bytes);
std::optional<std::string> base64url_decode(std::string_view text);

// HMAC-SHA256(key, data), raw bytes.
std::string hmac_sha256(std::string_view key, std::string_view data);

// HMAC-SHA256 under one key, keyed once: fetching the algorithms and
// hashing the key again was most of a ballot's cookie check. Each thread
// copies the keyed state once into a context of its own and re-initialises
// that for every mac() (a copy per call showed in the profile too). mac()
// only reads the shared state, so threads may share a key.
class hmac_key {
public:
    explicit hmac_key(std::string_view key);  // an empty key: no key (empty())
    bool empty() const { return !ctx_; }
    std::string mac(std::string_view data) const;  // 32 raw bytes

private:
    struct ctx_free {
        void operator()(EVP_MAC_CTX* ctx) const;
    };
    std::unique_ptr<EVP_MAC_CTX, ctx_free> ctx_;
    std::uint64_t id_ = 0;  // never reused: names this key in the threads' contexts
};

// Signs and verifies "payload.signature" values. The payload must not
// contain '.'; verify accepts the current or the previous secret.
class signer {
public:
    signer(std::string_view current, std::string_view previous = {});
    std::string sign(std::string_view payload) const;
    std::optional<std::string> verify(std::string_view value) const;

private:
    hmac_key current_;
    hmac_key previous_;
};

// n random bytes from the OS's CSPRNG (OpenSSL RAND_bytes).
std::string random_bytes(std::size_t n);
// A random token of `length` characters from [A-Za-z0-9].
std::string random_token(std::size_t length);

}  // namespace pingyi::http
