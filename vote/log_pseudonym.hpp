// The voters' pseudonyms in a campaign's ballot log. The session carries the
// account pseudonym HMAC(PINGYI_PSEUDONYM_KEY, appid ‖ openid), the same in
// every campaign; the log holds HMAC-SHA1(campaign key, account pseudonym),
// computed by the ballot script under a random key of the campaign
// ({c:<cid>}:voter-key). Deleting that key once the campaign's retention is
// over (crypto-shredding, server/privacy_purge.hpp) leaves pseudonyms that
// nobody can link to an account any more, while the log, its hashes and the
// tally stay exactly as they were. The Lua half lives here too, so that both
// sides of the computation are in one place.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace pingyi::vote {

// The stored key: HMAC's two padded blocks, key ⊕ ipad ‖ key ⊕ opad (64
// bytes each), which the script hashes directly.
inline constexpr std::size_t log_key_size = 128;

// A key of up to 64 bytes in that form.
std::string log_key_from(std::string_view secret);
// A fresh random key of 32 bytes, in that form. The server offers one with
// every ballot; the script keeps the first one offered.
std::string new_log_key();
// What the script writes as `voter`: the first 32 hex digits (128 bits).
std::string log_pseudonym(std::string_view log_key, std::string_view account_pseudonym);
// The Lua function log_pseudonym(key, account), for the ballot script.
std::string_view log_pseudonym_lua();

}  // namespace pingyi::vote
