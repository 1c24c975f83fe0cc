#include "server/scoring_links.hpp"

#include "eval/id.hpp"

namespace pingyi::server {

namespace {

std::string_view kind_name(scorer_kind kind) { return kind == scorer_kind::judge ? "judge" : "unit"; }

std::string payload_of(std::string_view cid, const scorer& who) {
    std::string p = "s1|";
    p.append(cid).append("|").append(kind_name(who.kind)).append("|").append(who.id);
    return p;
}

}  // namespace

std::optional<scorer> parse_scorer(std::string_view text) {
    auto colon = text.find(':');
    if (colon == std::string_view::npos) return std::nullopt;
    auto kind = text.substr(0, colon);
    auto id = text.substr(colon + 1);
    if (!eval::is_valid_id(id)) return std::nullopt;
    if (kind == "judge") return scorer{scorer_kind::judge, std::string(id)};
    if (kind == "unit") return scorer{scorer_kind::unit, std::string(id)};
    return std::nullopt;
}

std::string to_string(const scorer& who) {
    std::string s(kind_name(who.kind));
    return s.append(":").append(who.id);
}

std::string link_token(const http::signer& signer, std::string_view cid, const scorer& who) {
    return signed_link_token(signer, payload_of(cid, who));
}

bool link_token_valid(const http::signer& signer, std::string_view cid, const scorer& who, std::string_view token) {
    return signed_link_valid(signer, payload_of(cid, who), token);
}

std::string scoring_url(std::string_view public_url, std::string_view cid, const scorer& who,
                        std::string_view token) {
    while (public_url.ends_with('/')) public_url.remove_suffix(1);
    std::string url(public_url);
    url.append("/h5/score/").append(cid).append("?as=").append(to_string(who)).append("&t=").append(token);
    return url;
}

}  // namespace pingyi::server
