// A unit's link to its annual filings (Art. 17): staff hand each unit on a
// year's roster one link; its holder sees and uploads that unit's plan and
// summary for that organizer and year, and nothing else. A signed link
// (server/signed_links.hpp) over "f1|<organizer>|<year>|<uid>" (organizer
// "" for the city office).
#pragma once

#include <string>
#include <string_view>

namespace pingyi::http {
class signer;
}

namespace pingyi::server {

std::string filing_link_token(const http::signer& signer, std::string_view organizer, int year, std::string_view uid);
bool filing_link_valid(const http::signer& signer, std::string_view organizer, int year, std::string_view uid,
                       std::string_view token);

// PUBLIC_URL/unit/filings/<year>?o=<organizer>&u=<uid>&t=<token>
std::string filing_url(std::string_view public_url, std::string_view organizer, int year, std::string_view uid,
                       std::string_view token);

}  // namespace pingyi::server
