// Links that carry their own authority: the token is the base64url HMAC
// under PINGYI_SECRET over a payload naming what the link is for and whom
// ("s1|<cid>|judge|j1" a scoring link, "p1|<cid>|<uid>" a unit's portal,
// "f1|<organizer>|<year>|<uid>" a unit's annual filings). The prefixes keep
// them apart from each other and from cookies signed with the same key;
// nothing per link is stored, and a secret rotation keeps links working
// while the previous secret is still configured.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "http/types.hpp"

namespace pingyi::http {
class signer;
}

namespace pingyi::server {

// The base64url HMAC alone (43 characters, URL-safe).
std::string signed_link_token(const http::signer& signer, std::string_view payload);
// True only for a token signed_link_token made for this payload.
bool signed_link_valid(const http::signer& signer, std::string_view payload, std::string_view token);

// The token a request presents: "Authorization: Link <token>", else the
// query's `t`; nullopt when it presents none.
std::optional<std::string> presented_link_token(const http::request_context& ctx);

}  // namespace pingyi::server
