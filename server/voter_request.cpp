#include "server/voter_request.hpp"

#include <openssl/crypto.h>

#include "http/cookies.hpp"
#include "server/app.hpp"
#include "server/wechat_accounts.hpp"

namespace pingyi::server {

std::optional<voter_session> voter_session_of(const worker_state& w, const http::request_context& ctx) {
    auto cookie = http::cookie_value(ctx.req[http::field::cookie], session_cookie);
    if (!cookie) return std::nullopt;
    return decode_voter_session(w.shared.cookie_signer, *cookie, now_s());
}

bool session_for_campaign(const worker_state& w, const voter_session& session, const vote::campaign& campaign) {
    return session.account == w.shared.wechat->of_campaign(campaign).id;
}

bool voter_csrf_ok(const http::request_context& ctx) {
    auto cookie = http::cookie_value(ctx.req[http::field::cookie], csrf_cookie);
    auto header = ctx.req["X-CSRF-Token"];
    return cookie && !cookie->empty() && header.size() == cookie->size() &&
           CRYPTO_memcmp(header.data(), cookie->data(), header.size()) == 0;
}

}  // namespace pingyi::server
