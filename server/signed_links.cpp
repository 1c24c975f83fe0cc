#include "server/signed_links.hpp"

#include "http/cookies.hpp"
#include "http/query.hpp"

namespace pingyi::server {

std::string signed_link_token(const http::signer& signer, std::string_view payload) {
    auto signed_value = signer.sign(std::string(payload));
    return signed_value.substr(signed_value.rfind('.') + 1);
}

bool signed_link_valid(const http::signer& signer, std::string_view payload, std::string_view token) {
    if (token.empty() || token.find('.') != std::string_view::npos) return false;
    std::string signed_value(payload);
    signed_value.append(".").append(token);
    auto verified = signer.verify(signed_value);
    return verified && *verified == payload;
}

std::optional<std::string> presented_link_token(const http::request_context& ctx) {
    constexpr std::string_view scheme = "Link ";
    auto authorization = ctx.req[http::field::authorization];
    if (authorization.starts_with(scheme)) return std::string(authorization.substr(scheme.size()));
    return http::query_param(ctx.query, "t");
}

}  // namespace pingyi::server
