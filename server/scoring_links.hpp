// Signed scoring links (Art. 10): staff hand each judge and each unit one
// link, and it lets its holder read and replace their own scores only. The
// token is a signed link (server/signed_links.hpp) over
// "s1|<cid>|<judge|unit>|<id>".
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "server/signed_links.hpp"

namespace pingyi::http {
class signer;
}

namespace pingyi::server {

enum class scorer_kind { judge, unit };

// Who a link is for: a judge of the panel, or a unit rating its peers.
struct scorer {
    scorer_kind kind = scorer_kind::judge;
    std::string id;

    bool operator==(const scorer&) const = default;
};

// "judge:j1" or "unit:u01" (ids [A-Za-z0-9_-]{1,64}); nullopt otherwise.
std::optional<scorer> parse_scorer(std::string_view text);
std::string to_string(const scorer& who);

// The link's token: the base64url HMAC alone (43 characters, URL-safe).
std::string link_token(const http::signer& signer, std::string_view cid, const scorer& who);
// True only for a token link_token made for this campaign and this scorer.
bool link_token_valid(const http::signer& signer, std::string_view cid, const scorer& who, std::string_view token);

// PUBLIC_URL/h5/score/<cid>?as=judge:j1&t=<token>
std::string scoring_url(std::string_view public_url, std::string_view cid, const scorer& who,
                        std::string_view token);

}  // namespace pingyi::server
