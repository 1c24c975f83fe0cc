// Staff passwords: scrypt (RFC 7914, OpenSSL's EVP_PBE_scrypt) with a random
// salt, stored self-describing as "scrypt$N$r$p$salt$hash" (salt and hash in
// base64url), so the cost can be raised later without breaking old hashes.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace pingyi::server {

struct scrypt_params {
    std::uint64_t n = std::uint64_t{1} << 15;
    std::uint64_t r = 8;
    std::uint64_t p = 1;
};

// The raw KDF output; nullopt when OpenSSL refuses the parameters.
std::optional<std::string> scrypt_kdf(std::string_view password, std::string_view salt, const scrypt_params& params,
                                      std::size_t length);

// A new encoded hash with a fresh 16-byte salt. Slow on purpose (~32 MiB of
// memory, tens of milliseconds): keep it off I/O threads.
std::string hash_password(std::string_view password, const scrypt_params& params = {});

// True when `encoded` is a well-formed hash of `password`; the comparison
// takes the same time wherever the bytes differ. Malformed or absurdly
// expensive parameters are false, never an exception.
bool verify_password(std::string_view password, std::string_view encoded);

// A valid hash of a password nobody knows, to verify against when the user
// does not exist, so an unknown name costs the same time as a wrong password.
const std::string& dummy_password_hash();

}  // namespace pingyi::server
