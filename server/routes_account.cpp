#include "server/routes_account.hpp"

#include <nlohmann/json.hpp>

#include "http/cookies.hpp"
#include "redis/connection.hpp"
#include "server/admin_log.hpp"
#include "server/app.hpp"
#include "server/auth.hpp"
#include "server/log.hpp"
#include "server/password_hashing.hpp"
#include "server/password_policy.hpp"
#include "server/recovery_codes.hpp"
#include "server/responses.hpp"
#include "server/staff_lockout.hpp"
#include "server/staff_store.hpp"
#include "server/totp.hpp"

namespace pingyi::server {

namespace asio = boost::asio;
using boost::system::error_code;
using nlohmann::json;

namespace {

// What the authenticator app shows above the code.
constexpr std::string_view totp_issuer = "韶司在线评议";
constexpr std::size_t totp_secret_bytes = 20;  // 160 bits, as RFC 4226 recommends

error_code redis_error(const redis::result& r) {
    return r.ec ? r.ec : boost::system::errc::make_error_code(boost::system::errc::io_error);
}

http::response wrong_password() {
    return http::json_error(http::status::forbidden, "invalid_password", "当前密码不正确");
}

// The caller's own account, read fresh: a staff session (the bearer token
// has no account), the CSRF header on writes.
struct own_account {
    std::optional<staff_user> user;
    http::response refusal;
};

asio::awaitable<own_account> caller_account(worker_state& w, const http::request_context& ctx, bool write) {
    auto auth = co_await authenticate_staff(w, ctx, write);
    if (!auth.who) co_return own_account{std::nullopt, std::move(auth.refusal)};
    if (!ctx.req[http::field::authorization].empty())
        co_return own_account{std::nullopt, http::json_error(http::status::forbidden, "not_a_staff_account",
                                                             "令牌调用者没有工作人员账号")};
    error_code ec;
    auto user = co_await find_staff_user(*w.redis, auth.who->name, ec);
    if (ec) co_return own_account{std::nullopt, redis_unavailable()};
    if (!user)
        co_return own_account{std::nullopt,
                              http::json_error(http::status::unauthorized, "unauthorized", "账号不存在，请重新登录")};
    co_return own_account{std::move(user), {}};
}

// The JSON body's string field, or nullopt when absent or not a string.
std::optional<std::string> string_field(const json& body, const char* name) {
    if (!body.is_object() || !body.contains(name) || !body[name].is_string()) return std::nullopt;
    return body[name].get<std::string>();
}

json parse_body(std::string_view text) {
    if (text.empty()) return json::object();
    return json::parse(text, nullptr, false);
}

// The current password, asked again before a change that matters. A wrong
// one counts toward the lock-out as at login: a borrowed session must not
// become a way to guess it.
asio::awaitable<bool> current_password_ok(worker_state& w, password_hasher& hasher, const staff_user& user,
                                          const std::optional<std::string>& given, error_code& ec) {
    if (!given) co_return false;
    auto ok = co_await hasher.verify(*given, user.password_hash);
    if (ok) co_return true;
    auto locked = co_await record_login_failure(*w.redis, user.name, ec);
    if (locked) {
        json detail = {{"minutes", lockout_duration.count() / 60000}, {"via", "password check"}};
        const principal actor{user.name, user.role, user.organizer};
        co_await record_staff_event(w, actor, "account.locked", detail);
    }
    co_return false;
}

// After the user did what the session's restriction asked: the session gets
// the restriction the account has now (the next one, or none).
asio::awaitable<void> refresh_restriction(worker_state& w, const http::request_context& ctx, const staff_user& user,
                                          error_code& ec) {
    auto token = http::cookie_value(ctx.req[http::field::cookie], staff_cookie);
    if (!token || token->empty()) co_return;
    auto r = co_await w.redis->exec(restrict_session_command(*token, session_restriction(user)));
    if (!r.ok()) ec = redis_error(r);
}

// What the session must still do first, or null.
json restriction_of(const staff_user& user) {
    auto code = session_restriction(user);
    return code.empty() ? json(nullptr) : json(code);
}

http::response no_store(http::response res) {
    res.set(http::field::cache_control, "no-store");
    return res;
}

asio::awaitable<http::reply> security_state(worker_state& w, http::request_context& ctx) {
    auto caller = co_await caller_account(w, ctx, false);
    if (!caller.user) co_return std::move(caller.refusal);
    const auto& user = *caller.user;
    std::vector<std::string> count{"SCARD", staff_recovery_key(user.name)};
    auto r = co_await w.redis->exec(std::move(count));
    if (!r.ok()) co_return redis_unavailable();
    json body = {{"user", user.name},
                 {"role", to_string(user.role)},
                 {"totp",
                  {{"active", !user.totp_secret.empty()},
                   {"required", totp_required(user.role)},
                   {"recovery_codes_left", r.value.integer()}}},
                 {"password", {{"must_change", user.must_change_password}, {"min_length", min_password_length}}},
                 {"restricted", restriction_of(user)}};
    co_return no_store(json_ok(body));
}

// A new secret, pending until a code from it is confirmed. Replacing an
// active one asks for the password.
asio::awaitable<http::reply> totp_setup(worker_state& w, password_hasher& hasher, http::request_context& ctx) {
    auto caller = co_await caller_account(w, ctx, true);
    if (!caller.user) co_return std::move(caller.refusal);
    const auto& user = *caller.user;
    auto body = parse_body(ctx.req.body());
    if (!body.is_object()) co_return invalid_input("invalid_body", "", "请求体须为 JSON 对象");
    error_code ec;
    if (!user.totp_secret.empty()) {
        auto ok = co_await current_password_ok(w, hasher, user, string_field(body, "password"), ec);
        if (ec) co_return redis_unavailable();
        if (!ok) co_return wrong_password();
    }
    auto key = http::random_bytes(totp_secret_bytes);
    auto secret = base32_encode(key);
    auto r = co_await w.redis->exec(set_pending_totp_command(user.name, secret));
    if (!r.ok()) co_return redis_unavailable();
    co_return no_store(json_ok({{"secret", secret}, {"otpauth_uri", otpauth_uri(totp_issuer, user.name, key)}}));
}

// A code from the pending secret makes it the active one and hands out the
// recovery codes, this once.
asio::awaitable<http::reply> totp_confirm(worker_state& w, http::request_context& ctx) {
    auto caller = co_await caller_account(w, ctx, true);
    if (!caller.user) co_return std::move(caller.refusal);
    auto& user = *caller.user;
    auto code = string_field(parse_body(ctx.req.body()), "code");
    if (!code) co_return invalid_input("invalid_body", "code", "请填写验证码");
    std::erase(*code, ' ');
    if (user.totp_pending.empty())
        co_return http::json_error(http::status::conflict, "totp_not_set_up", "请先开始设置两步验证");
    auto key = base32_decode(user.totp_pending);
    auto step = key ? verify_totp(*key, *code, now_s(), 0) : std::nullopt;
    if (!step)
        co_return http::json_error(http::status::bad_request, "totp_invalid",
                                   "验证码不正确，请核对手机时间后输入验证器上当前的验证码");
    auto codes = new_recovery_codes();
    std::vector<std::string> digests;
    for (const auto& c : codes) digests.push_back(recovery_code_digest(c));
    auto r = co_await w.redis->exec(activate_totp_command(user.name, user.totp_pending, *step, digests));
    if (!r.ok()) co_return redis_unavailable();
    if (r.value.integer() != 1)
        co_return http::json_error(http::status::conflict, "totp_not_set_up", "设置已被另一次操作替换，请重新开始");
    bool replaced = !user.totp_secret.empty();
    user.totp_secret = user.totp_pending;
    user.totp_pending.clear();
    error_code ec;
    co_await refresh_restriction(w, ctx, user, ec);
    if (ec) co_return redis_unavailable();
    json detail = {{"address", ctx.client_address}, {"replaced", replaced}};
    const principal actor{user.name, user.role, user.organizer};
    co_await record_staff_event(w, actor, "totp.enable", detail);
    log::info("staff TOTP enabled", {{"user", user.name}});
    co_return no_store(json_ok({{"recovery_codes", codes}, {"restricted", restriction_of(user)}}));
}

// Viewers may turn TOTP off again (with their password); admins may not.
asio::awaitable<http::reply> totp_disable(worker_state& w, password_hasher& hasher, http::request_context& ctx) {
    auto caller = co_await caller_account(w, ctx, true);
    if (!caller.user) co_return std::move(caller.refusal);
    const auto& user = *caller.user;
    if (totp_required(user.role))
        co_return http::json_error(http::status::forbidden, "totp_required_for_admins",
                                   "管理员必须使用两步验证，不能关闭");
    auto body = parse_body(ctx.req.body());
    if (!body.is_object()) co_return invalid_input("invalid_body", "", "请求体须为 JSON 对象");
    error_code ec;
    auto ok = co_await current_password_ok(w, hasher, user, string_field(body, "password"), ec);
    if (ec) co_return redis_unavailable();
    if (!ok) co_return wrong_password();
    auto replies = co_await w.redis->exec_many(remove_totp_commands(user.name));
    for (const auto& r : replies)
        if (!r.ok()) co_return redis_unavailable();
    json detail = {{"address", ctx.client_address}};
    const principal actor{user.name, user.role, user.organizer};
    co_await record_staff_event(w, actor, "totp.disable", detail);
    log::info("staff TOTP disabled", {{"user", user.name}});
    co_return no_store(json_ok({{"ok", true}}));
}

asio::awaitable<http::reply> change_password(worker_state& w, password_hasher& hasher, http::request_context& ctx) {
    auto caller = co_await caller_account(w, ctx, true);
    if (!caller.user) co_return std::move(caller.refusal);
    auto& user = *caller.user;
    auto body = parse_body(ctx.req.body());
    auto current = string_field(body, "current");
    auto wanted = string_field(body, "new");
    if (!current || !wanted) co_return invalid_input("invalid_body", "", "请求须包含当前密码（current）和新密码（new）");
    error_code ec;
    auto ok = co_await current_password_ok(w, hasher, user, current, ec);
    if (ec) co_return redis_unavailable();
    if (!ok) co_return wrong_password();
    if (auto violation = check_password_policy(*wanted, user.name))
        co_return invalid_input(violation->code, "new", violation->message);
    auto reused = co_await hasher.matches_any(*wanted, recent_password_hashes(user));
    if (reused)
        co_return invalid_input("password_reused", "new",
                                "新密码不能与最近 " + std::to_string(password_reuse_depth) + " 次使用的密码相同");
    auto hash = co_await hasher.hash(*wanted);
    auto r = co_await w.redis->exec(set_password_command(user, hash));
    if (!r.ok()) co_return redis_unavailable();
    if (r.value.integer() != 1)
        co_return http::json_error(http::status::conflict, "password_changed_meanwhile", "密码刚被修改过，请重新登录");
    user.must_change_password = false;
    co_await refresh_restriction(w, ctx, user, ec);
    if (ec) co_return redis_unavailable();
    // Whoever else held a session on the old password loses it.
    auto own = http::cookie_value(ctx.req[http::field::cookie], staff_cookie);
    auto ended = co_await w.redis->exec(end_other_sessions_command(user.name, own.value_or("")));
    if (!ended.ok()) co_return redis_unavailable();
    json detail = {{"address", ctx.client_address}, {"other_sessions_ended", ended.value.integer()}};
    const principal actor{user.name, user.role, user.organizer};
    co_await record_staff_event(w, actor, "password.change", detail);
    log::info("staff password changed", {{"user", user.name}});
    co_return no_store(json_ok({{"ok", true}, {"restricted", restriction_of(user)}}));
}

}  // namespace

asio::awaitable<void> record_staff_event(worker_state& w, const principal& who, std::string_view action,
                                         const json& detail) {
    error_code ec;
    co_await record_admin_action(*w.redis, who, action, "", detail, ec);
    if (ec) log::warn("admin log unavailable", {{"action", action}, {"error", ec.message()}});
}

asio::awaitable<void> record_staff_event(worker_state& w, std::string_view who, std::string_view action,
                                         const json& detail) {
    const principal actor{std::string(who)};
    co_await record_staff_event(w, actor, action, detail);
}

void add_account_routes(http::router& r, worker_state& w, std::shared_ptr<password_hasher> hasher) {
    constexpr http::route_options small{.body_limit = 4096};
    r.add(http::verb::get, "/api/v1/admin/security", [&w](http::request_context& ctx) { return security_state(w, ctx); });
    r.add(http::verb::post, "/api/v1/admin/totp/setup",
          [&w, hasher](http::request_context& ctx) { return totp_setup(w, *hasher, ctx); }, small);
    r.add(http::verb::post, "/api/v1/admin/totp/confirm",
          [&w](http::request_context& ctx) { return totp_confirm(w, ctx); }, small);
    r.add(http::verb::delete_, "/api/v1/admin/totp",
          [&w, hasher](http::request_context& ctx) { return totp_disable(w, *hasher, ctx); }, small);
    r.add(http::verb::post, "/api/v1/admin/password",
          [&w, hasher](http::request_context& ctx) { return change_password(w, *hasher, ctx); }, small);
}

}  // namespace pingyi::server
