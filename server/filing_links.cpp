#include "server/filing_links.hpp"

#include "server/signed_links.hpp"

namespace pingyi::server {

namespace {

std::string payload_of(std::string_view organizer, int year, std::string_view uid) {
    std::string p = "f1|";
    p.append(organizer).append("|").append(std::to_string(year)).append("|").append(uid);
    return p;
}

}  // namespace

std::string filing_link_token(const http::signer& signer, std::string_view organizer, int year, std::string_view uid) {
    return signed_link_token(signer, payload_of(organizer, year, uid));
}

bool filing_link_valid(const http::signer& signer, std::string_view organizer, int year, std::string_view uid,
                       std::string_view token) {
    return signed_link_valid(signer, payload_of(organizer, year, uid), token);
}

std::string filing_url(std::string_view public_url, std::string_view organizer, int year, std::string_view uid,
                       std::string_view token) {
    while (public_url.ends_with('/')) public_url.remove_suffix(1);
    std::string url(public_url);
    url.append("/unit/filings/").append(std::to_string(year));
    url.append("?o=").append(organizer).append("&u=").append(uid).append("&t=").append(token);
    return url;
}

}  // namespace pingyi::server
