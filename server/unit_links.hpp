// A unit's portal link (Art. 6, 7, 3(6)): staff hand each unit under
// evaluation one link per campaign; its holder fills that unit's
// self-assessment, disclosure and rectification report, and nothing else.
// A signed link (server/signed_links.hpp) over "p1|<cid>|<uid>".
#pragma once

#include <string>
#include <string_view>

namespace pingyi::http {
class signer;
}

namespace pingyi::server {

std::string unit_link_token(const http::signer& signer, std::string_view cid, std::string_view uid);
bool unit_link_valid(const http::signer& signer, std::string_view cid, std::string_view uid, std::string_view token);

// PUBLIC_URL/unit/<cid>?u=<uid>&t=<token>
std::string unit_portal_url(std::string_view public_url, std::string_view cid, std::string_view uid,
                            std::string_view token);

}  // namespace pingyi::server
