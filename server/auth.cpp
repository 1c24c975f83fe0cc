#include "server/auth.hpp"

#include <charconv>

#include <openssl/crypto.h>

#include "http/cookies.hpp"
#include "http/query.hpp"
#include "redis/connection.hpp"
#include "server/app.hpp"
#include "server/responses.hpp"
#include "server/staff_store.hpp"
#include "vote/digest.hpp"

namespace pingyi::server {

namespace {

bool equal_constant_time(std::string_view a, std::string_view b) {
    return a.size() == b.size() && CRYPTO_memcmp(a.data(), b.data(), a.size()) == 0;
}

auth_result refuse(http::status s, std::string_view code, std::string_view message) {
    return auth_result{std::nullopt, http::json_error(s, code, message)};
}

}  // namespace

std::string staff_session_key(std::string_view token) { return "pingyi:staff:session:" + vote::sha256_hex(token); }

boost::asio::awaitable<auth_result> authenticate_staff(worker_state& w, const http::request_context& ctx, bool write) {
    const auto& cfg = w.shared.cfg;
    auto authorization = ctx.req[http::field::authorization];
    if (!authorization.empty()) {
        constexpr std::string_view bearer = "Bearer ";
        if (!cfg.admin_token.empty() && authorization.starts_with(bearer) &&
            equal_constant_time(authorization.substr(bearer.size()), cfg.admin_token))
            co_return auth_result{principal{"token", staff_role::admin, ""}, {}};  // city level
        co_return refuse(http::status::unauthorized, "unauthorized", "令牌无效");
    }
    auto cookie = http::cookie_value(ctx.req[http::field::cookie], staff_cookie);
    if (!cookie || cookie->empty())
        co_return refuse(http::status::unauthorized, "unauthorized", "请先登录");
    // Reading the session also refreshes its idle expiry, in the same round
    // trip (PEXPIRE on a key already gone does nothing).
    auto key = staff_session_key(*cookie);
    std::vector<std::vector<std::string>> commands{
        {"HMGET", key, "user", "role", "csrf", "expires", "restricted", "organizer"},
        {"PEXPIRE", key, std::to_string(std::int64_t{cfg.staff_idle_timeout_s} * 1000)}};
    auto replies = co_await w.redis->exec_many(std::move(commands));
    const auto& r = replies.front();
    if (r.ec) co_return refuse(http::status::service_unavailable, "redis_unavailable", "服务暂时不可用，请稍后再试");
    const auto& fields = r.value.elements();
    std::int64_t expires = 0;
    if (fields.size() == 6 && fields[3].is_string()) {
        const auto& text = fields[3].str();
        std::from_chars(text.data(), text.data() + text.size(), expires);
    }
    if (fields.size() != 6 || fields[0].is_nil() || expires <= now_ms())
        co_return refuse(http::status::unauthorized, "unauthorized", "登录已过期，请重新登录");
    auto role = parse_staff_role(fields[1].str());
    if (!role) co_return refuse(http::status::unauthorized, "unauthorized", "登录已过期，请重新登录");
    principal who{fields[0].str(), *role, fields[5].str()};
    // An account that must first enrol TOTP or change its password reaches
    // only what does that (staff_store.hpp).
    if (const auto& restricted = fields[4].str(); !restricted.empty() && !open_while_restricted(ctx.path))
        co_return refuse(http::status::forbidden, restricted, restriction_message(restricted));
    if (write) {
        auto header = ctx.req["X-CSRF-Token"];
        if (header.empty() || !equal_constant_time(header, fields[2].str()))
            co_return refuse(http::status::forbidden, "csrf", "缺少或错误的 CSRF 令牌");
    }
    co_return auth_result{who, {}};
}

boost::asio::awaitable<auth_result> authenticate(worker_state& w, const http::request_context& ctx, bool need_admin,
                                                 bool write) {
    auto auth = co_await authenticate_staff(w, ctx, write);
    if (!auth.who) co_return auth;
    if (auth.who->role == staff_role::auditor)
        co_return refuse(http::status::forbidden, "forbidden", "审计员只能查看审计记录，不能进行其他操作");
    if (need_admin && auth.who->role != staff_role::admin)
        co_return refuse(http::status::forbidden, "forbidden", "没有权限执行此操作");
    co_return auth;
}

boost::asio::awaitable<auth_result> authenticate_audit_reader(worker_state& w, const http::request_context& ctx) {
    auto auth = co_await authenticate_staff(w, ctx, false);
    if (auth.who && auth.who->role == staff_role::viewer)
        co_return refuse(http::status::forbidden, "forbidden", "只有审计员和管理员可以查看审计记录");
    // The trail holds every organizer's actions: it is read at the city level.
    if (auth.who && !auth.who->organizer.empty())
        co_return refuse(http::status::forbidden, "forbidden", "审计记录由市级审计员和管理员查看，县区工作人员不能查看");
    co_return auth;
}

http::response login_redirect(const http::request_context& ctx) {
    std::string back(ctx.path);
    if (!ctx.query.empty()) back += "?" + std::string(ctx.query);
    return redirect("/admin/login?next=" + http::url_encode(back));
}

}  // namespace pingyi::server
