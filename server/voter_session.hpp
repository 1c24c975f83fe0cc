// The voter's identity on the H5 pages. After the OAuth exchange the server
// keeps no session state: the signed pingyi_session cookie carries the
// voter pseudonym HMAC(PINGYI_PSEUDONYM_KEY, appid ‖ openid), the official
// account it came through (server/wechat_accounts.hpp) and an expiry.
// The openid itself never leaves the server and is never stored.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "http/cookies.hpp"

namespace pingyi::server {

inline constexpr std::string_view session_cookie = "pingyi_session";
inline constexpr std::string_view csrf_cookie = "pingyi_csrf";
inline constexpr std::string_view oauth_cookie = "pingyi_oauth";

// 22 characters of base64url (128 bits): short in Redis, collision-free in practice.
std::string voter_pseudonym(std::string_view pseudonym_key, std::string_view appid, std::string_view openid);

// The User-Agent header as a ballot's origin keeps it: a keyed hash (12
// base64url characters), so that the few common browser strings cannot be
// found again by hashing candidates. The key is PINGYI_PSEUDONYM_KEY, keyed
// once (shared_state::pseudonym_mac).
std::string user_agent_hash(const http::hmac_key& pseudonym_key, std::string_view user_agent);

struct voter_session {
    std::string pseudonym;
    std::int64_t expires_s = 0;
    std::string account;  // "" = the default account; else the organizer whose account logged the voter in
};

std::string encode_voter_session(const http::signer& s, const voter_session& v);
std::optional<voter_session> decode_voter_session(const http::signer& s, std::string_view value, std::int64_t now_s);

// The OAuth round trip's state, bound to this browser by the pingyi_oauth
// cookie: the state WeChat echoes back, where to return, an expiry, and
// the account whose authorize page the voter was sent to.
struct oauth_state {
    std::string state;  // [A-Za-z0-9]{32}
    std::string return_path;
    std::int64_t expires_s = 0;
    std::string account;  // as voter_session::account
};

std::string encode_oauth_state(const http::signer& s, const oauth_state& o);
std::optional<oauth_state> decode_oauth_state(const http::signer& s, std::string_view value, std::int64_t now_s);

// Paths we are willing to send a voter back to after login: /h5/... made of
// [A-Za-z0-9/_-] only (no open redirect, nothing to escape).
bool safe_return_path(std::string_view path);

}  // namespace pingyi::server
