#include "server/unit_links.hpp"

#include "server/signed_links.hpp"

namespace pingyi::server {

namespace {

std::string payload_of(std::string_view cid, std::string_view uid) {
    std::string p = "p1|";
    p.append(cid).append("|").append(uid);
    return p;
}

}  // namespace

std::string unit_link_token(const http::signer& signer, std::string_view cid, std::string_view uid) {
    return signed_link_token(signer, payload_of(cid, uid));
}

bool unit_link_valid(const http::signer& signer, std::string_view cid, std::string_view uid, std::string_view token) {
    return signed_link_valid(signer, payload_of(cid, uid), token);
}

std::string unit_portal_url(std::string_view public_url, std::string_view cid, std::string_view uid,
                            std::string_view token) {
    while (public_url.ends_with('/')) public_url.remove_suffix(1);
    std::string url(public_url);
    url.append("/unit/").append(cid).append("?u=").append(uid).append("&t=").append(token);
    return url;
}

}  // namespace pingyi::server
