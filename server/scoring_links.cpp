#include "server/scoring_links.hpp"

#include "eval/id.hpp"
#include "http/cookies.hpp"
#include "http/query.hpp"

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
    auto signed_value = signer.sign(payload_of(cid, who));
    return signed_value.substr(signed_value.rfind('.') + 1);
}

bool link_token_valid(const http::signer& signer, std::string_view cid, const scorer& who, std::string_view token) {
    if (token.empty() || token.find('.') != std::string_view::npos) return false;
    auto payload = payload_of(cid, who);
    auto verified = signer.verify(payload + "." + std::string(token));
    return verified && *verified == payload;
}

std::string scoring_url(std::string_view public_url, std::string_view cid, const scorer& who,
                        std::string_view token) {
    while (public_url.ends_with('/')) public_url.remove_suffix(1);
    std::string url(public_url);
    url.append("/h5/score/").append(cid).append("?as=").append(to_string(who)).append("&t=").append(token);
    return url;
}

std::optional<std::string> presented_link_token(const http::request_context& ctx) {
    constexpr std::string_view scheme = "Link ";
    auto authorization = ctx.req[http::field::authorization];
    if (authorization.starts_with(scheme)) return std::string(authorization.substr(scheme.size()));
    return http::query_param(ctx.query, "t");
}

}  // namespace pingyi::server
