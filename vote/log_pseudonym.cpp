#include "vote/log_pseudonym.hpp"

#include <stdexcept>

#include <openssl/rand.h>

#include "vote/digest.hpp"

namespace pingyi::vote {
namespace {

constexpr std::size_t block = 64;  // SHA-1's block: HMAC pads the key to it
constexpr std::size_t pseudonym_hex = 32;

std::string bytes_of_hex(std::string_view hex) {
    auto nibble = [](char c) { return c <= '9' ? c - '0' : c - 'a' + 10; };
    std::string out;
    out.reserve(hex.size() / 2);
    for (std::size_t i = 0; i + 1 < hex.size(); i += 2)
        out.push_back(static_cast<char>(nibble(hex[i]) << 4 | nibble(hex[i + 1])));
    return out;
}

// Redis Lua has SHA-1 (redis.sha1hex) and nothing keyed: HMAC is spelled out
// over the stored pads, as RFC 2104 defines it.
constexpr std::string_view lua = R"lua(
local function log_pseudonym(key, account)
  local inner = redis.sha1hex(string.sub(key, 1, 64) .. account)
  inner = string.gsub(inner, '%x%x', function(h) return string.char(tonumber(h, 16)) end)
  return string.sub(redis.sha1hex(string.sub(key, 65, 128) .. inner), 1, 32)
end
)lua";

}  // namespace

std::string log_key_from(std::string_view secret) {
    if (secret.size() > block) throw std::invalid_argument("a log key has at most 64 bytes");
    std::string pads(log_key_size, '\0');
    for (std::size_t i = 0; i < block; ++i) {
        const char k = i < secret.size() ? secret[i] : '\0';  // zero-padded to the block, as HMAC does
        pads[i] = static_cast<char>(k ^ 0x36);
        pads[block + i] = static_cast<char>(k ^ 0x5c);
    }
    return pads;
}

std::string new_log_key() {
    std::string secret(32, '\0');
    if (RAND_bytes(reinterpret_cast<unsigned char*>(secret.data()), static_cast<int>(secret.size())) != 1)
        throw std::runtime_error("RAND_bytes failed");
    return log_key_from(secret);
}

std::string log_pseudonym(std::string_view log_key, std::string_view account_pseudonym) {
    std::string inner(log_key.substr(0, block));
    inner.append(account_pseudonym);
    std::string outer(log_key.substr(block, block));
    outer += bytes_of_hex(sha1_hex(inner));
    return sha1_hex(outer).substr(0, pseudonym_hex);
}

std::string_view log_pseudonym_lua() { return lua; }

}  // namespace pingyi::vote
