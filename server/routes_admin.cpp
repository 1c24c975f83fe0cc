// Staff sign-in: login (password, then the TOTP code or a recovery code for
// accounts that have TOTP; the lock-out after repeated failures) and logout
// (CONTRACT.md "JSON API"), who am I, the staff pages behind a session, the
// big screen, and the PINGYI_ADMIN_PASSWORD bootstrap of the first admin.
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <nlohmann/json.hpp>

#include "http/cookies.hpp"
#include "http/query.hpp"
#include "redis/connection.hpp"
#include "server/admin_log.hpp"
#include "server/app.hpp"
#include "server/auth.hpp"
#include "server/limit_check.hpp"
#include "server/log.hpp"
#include "server/organizer_scope.hpp"
#include "server/password_hashing.hpp"
#include "server/password_policy.hpp"
#include "server/recovery_codes.hpp"
#include "server/responses.hpp"
#include "server/routes_account.hpp"
#include "server/staff_lockout.hpp"
#include "server/staff_store.hpp"
#include "server/totp.hpp"
#include "vote/digest.hpp"

namespace pingyi::server {

namespace asio = boost::asio;
using boost::system::error_code;
using nlohmann::json;

namespace {

constexpr std::string_view csrf_cookie = "pingyi_csrf";
constexpr std::string_view bootstrap_name = "admin";
// Every 250 ms for 2 s; after that the first login as admin does it. Short,
// because a pending retry keeps the worker's io_context (and a SIGTERM) waiting.
constexpr int bootstrap_attempts = 8;
constexpr std::chrono::milliseconds bootstrap_retry{250};

http::response login_refused() {
    return http::json_error(http::status::unauthorized, "invalid_login", "用户名或密码不正确");
}

http::response too_many_attempts(const ratelimit::decision& d) {
    auto res = http::json_error(http::status::too_many_requests, "rate_limited", "登录尝试次数过多，请稍后再试");
    res.set(http::field::retry_after, std::to_string(d.retry_after_s));
    return res;
}

http::response account_locked(std::chrono::milliseconds left) {
    auto seconds = (left.count() + 999) / 1000;
    auto minutes = (seconds + 59) / 60;
    auto res = http::json_error(http::status::locked, "account_locked",
                                "登录失败次数过多，账号已锁定，请 " + std::to_string(minutes) + " 分钟后再试");
    res.set(http::field::retry_after, std::to_string(seconds));
    return res;
}

std::string staff_cookie_header(const worker_state& w, std::string_view name, std::string_view value, bool http_only,
                                long max_age) {
    http::cookie_options o;
    o.http_only = http_only;
    o.secure = w.shared.secure_cookies;
    o.same_site = "Strict";
    o.max_age = max_age;
    return http::set_cookie(name, value, o);
}

// Creates `admin` from PINGYI_ADMIN_PASSWORD unless it exists. True when
// done (created now or before), false when Redis did not answer. A password
// below the policy is still taken, so that a deployment never locks its
// first admin out, but must be changed at the first login.
asio::awaitable<bool> bootstrap_admin(worker_state& w, password_hasher& hasher) {
    error_code ec;
    auto existing = co_await find_staff_user(*w.redis, std::string(bootstrap_name), ec);
    if (ec) co_return false;
    if (existing) co_return true;
    const auto& password = w.shared.cfg.admin_password;
    auto hash = co_await hasher.hash(password);
    staff_user admin{std::string(bootstrap_name), staff_role::admin, std::move(hash), now_ms()};
    auto weak = check_password_policy(password, admin.name);
    admin.must_change_password = weak.has_value();
    auto created = co_await create_staff_user(*w.redis, admin, ec);
    if (ec) co_return false;
    if (created) {
        json detail = {{"user", admin.name}, {"role", "admin"}, {"via", "PINGYI_ADMIN_PASSWORD"}};
        if (weak) detail["must_change_password"] = true;
        co_await record_staff_event(w, "system", "user.create", detail);
        log::info("staff account created", {{"user", admin.name}, {"via", "PINGYI_ADMIN_PASSWORD"}});
        if (weak)
            log::warn("PINGYI_ADMIN_PASSWORD is below the password policy: admin must change it at the first login",
                      {{"policy", weak->code}});
    }
    co_return true;
}

// Redis may come up after the server: retry for a while, then leave it to
// the first login as admin (see login()), so a shutdown is never held up
// for long by this loop.
asio::awaitable<void> bootstrap_at_start(worker_state& w, std::shared_ptr<password_hasher> hasher) {
    asio::steady_timer timer(w.ioc);
    for (int attempt = 0; attempt < bootstrap_attempts; ++attempt) {
        auto done = co_await bootstrap_admin(w, *hasher);
        if (done) co_return;
        timer.expires_after(bootstrap_retry);
        error_code ec;
        co_await timer.async_wait(asio::redirect_error(asio::use_awaitable, ec));
    }
    log::warn("admin bootstrap postponed: Redis did not answer; the first login as admin will create the account");
}

struct login_request {
    std::string name;
    std::string password;
    std::string totp;           // the second step: a TOTP code,
    std::string recovery_code;  // or a recovery code
};

std::optional<login_request> parse_login(std::string_view text) {
    auto body = json::parse(text, nullptr, false);
    auto text_field = [&](const char* name) { return body.contains(name) && body[name].is_string(); };
    if (!body.is_object() || !text_field("username") || !text_field("password")) return std::nullopt;
    login_request out{body["username"], body["password"], {}, {}};
    for (auto [field, value] : {std::pair{"totp", &out.totp}, std::pair{"recovery_code", &out.recovery_code}}) {
        if (!body.contains(field) || body[field].is_null()) continue;
        if (!body[field].is_string()) return std::nullopt;
        for (char c : body[field].get<std::string>())
            if (c != ' ') *value += c;
    }
    return out;
}

// A failed attempt: counted toward the lock-out, put on record with the
// reason (never what was typed), and answered with `answer` (the lock shows
// from the next attempt on).
asio::awaitable<http::reply> refuse_login(worker_state& w, const login_request& req, json detail,
                                          std::string_view reason, http::response answer) {
    std::string who = req.name.substr(0, 64);
    detail["reason"] = reason;
    co_await record_staff_event(w, who, "login.failed", detail);
    if (!valid_staff_name(req.name)) co_return answer;
    error_code ec;
    auto locked = co_await record_login_failure(*w.redis, req.name, ec);
    if (ec) co_return redis_unavailable();
    if (locked) {
        json lock_detail = {{"address", detail["address"]}, {"minutes", lockout_duration.count() / 60000}};
        co_await record_staff_event(w, who, "account.locked", lock_detail);
        log::warn("staff account locked after failed logins", {{"user", who}, {"client", detail["address"]}});
    }
    co_return answer;
}

error_code redis_error(const redis::result& r) {
    return r.ec ? r.ec : boost::system::errc::make_error_code(boost::system::errc::io_error);
}

struct second_step {
    enum result { missing, accepted, refused };
    result outcome = missing;
    long long recovery_codes_left = 0;  // after a recovery code was accepted
};

// The TOTP code (good once: its time step is recorded atomically, so two
// logins racing with one code cannot both pass) or an unused recovery code.
asio::awaitable<second_step> check_second_step(worker_state& w, const staff_user& user, const login_request& req,
                                               error_code& ec) {
    if (!req.totp.empty()) {
        auto key = base32_decode(user.totp_secret);
        auto step = key ? verify_totp(*key, req.totp, now_s(), user.totp_step) : std::nullopt;
        if (!step) co_return second_step{second_step::refused};
        auto r = co_await w.redis->exec(accept_totp_step_command(user.name, user.totp_secret, *step));
        if (!r.ok()) ec = redis_error(r);
        co_return second_step{r.ok() && r.value.integer() == 1 ? second_step::accepted : second_step::refused};
    }
    if (!req.recovery_code.empty()) {
        std::vector<std::vector<std::string>> commands{
            use_recovery_code_command(user.name, recovery_code_digest(req.recovery_code)),
            {"SCARD", staff_recovery_key(user.name)}};
        auto replies = co_await w.redis->exec_many(std::move(commands));
        for (const auto& r : replies) {
            if (r.ok()) continue;
            ec = redis_error(r);
            co_return second_step{second_step::refused};
        }
        if (replies[0].value.integer() != 1) co_return second_step{second_step::refused};
        co_return second_step{second_step::accepted, replies[1].value.integer()};
    }
    co_return second_step{second_step::missing};
}

asio::awaitable<http::reply> login(worker_state& w, password_hasher& hasher, http::request_context& ctx) {
    auto req = parse_login(ctx.req.body());
    if (!req) co_return invalid_input("invalid_login", "", "请求须包含用户名和密码");

    const auto& limits = w.shared.limits;
    auto by_address = co_await check_limit(w, limits.login_address, "pingyi:rl:login:addr:" + ctx.client_address);
    if (by_address.refuse) co_return too_many_attempts(by_address);
    auto by_account =
        co_await check_limit(w, limits.login_account, "pingyi:rl:login:user:" + vote::sha256_hex(req->name));
    if (by_account.refuse) co_return too_many_attempts(by_account);

    error_code ec;
    json detail = {{"address", ctx.client_address}};
    std::string who = req->name.substr(0, 64);
    std::optional<staff_user> user;
    if (valid_staff_name(req->name)) {
        // A locked name is refused before its password is even looked at.
        auto locked_for = co_await lock_remaining(*w.redis, req->name, ec);
        if (ec) co_return redis_unavailable();
        if (locked_for.count() > 0) {
            detail["reason"] = "account_locked";
            co_await record_staff_event(w, who, "login.failed", detail);
            co_return account_locked(locked_for);
        }
        user = co_await find_staff_user(*w.redis, req->name, ec);
        if (ec) co_return redis_unavailable();
        if (!user && req->name == bootstrap_name && !w.shared.cfg.admin_password.empty()) {
            auto done = co_await bootstrap_admin(w, hasher);
            if (!done) co_return redis_unavailable();
            user = co_await find_staff_user(*w.redis, req->name, ec);
            if (ec) co_return redis_unavailable();
        }
    }
    // An unknown name is checked against a dummy hash: same answer, same time.
    std::string hash = user ? user->password_hash : std::string();
    auto verified = co_await hasher.verify(req->password, std::move(hash));
    if (!user || !verified) {
        std::string_view reason = user ? "invalid_password" : "unknown_user";
        auto answer = co_await refuse_login(w, *req, detail, reason, login_refused());
        co_return answer;
    }
    if (!user->totp_secret.empty()) {
        auto step = co_await check_second_step(w, *user, *req, ec);
        if (ec) co_return redis_unavailable();
        // The password was right: asking for the code is no failure.
        if (step.outcome == second_step::missing)
            co_return http::json_error(http::status::unauthorized, "totp_required", "请输入两步验证码");
        bool recovery = req->totp.empty();
        detail["second_factor"] = recovery ? "recovery_code" : "totp";
        if (step.outcome == second_step::refused) {
            std::string_view reason = recovery ? "recovery_code_invalid" : "totp_invalid";
            auto refusal = http::json_error(http::status::unauthorized, "totp_invalid", "验证码或恢复码不正确");
            auto answer = co_await refuse_login(w, *req, detail, reason, std::move(refusal));
            co_return answer;
        }
        if (recovery) {
            json used = {{"address", ctx.client_address}, {"left", step.recovery_codes_left}};
            co_await record_staff_event(w, who, "totp.recovery_used", used);
        }
    }
    co_await clear_login_failures(*w.redis, user->name, ec);
    if (ec) co_return redis_unavailable();

    // Every login is on record before the session exists.
    auto restriction = session_restriction(*user);
    if (!restriction.empty()) detail["restricted"] = restriction;
    const principal signed_in{user->name, user->role, user->organizer};
    co_await record_admin_action(*w.redis, signed_in, "login", "", detail, ec);
    if (ec) co_return redis_unavailable();
    auto token = http::random_token(43);
    auto csrf = http::random_token(32);
    auto commands = create_session_commands(token, *user, csrf, now_ms(),
                                            std::chrono::seconds(w.shared.cfg.staff_idle_timeout_s));
    // A session this browser had before ends: a fresh token at every login.
    if (auto old = http::cookie_value(ctx.req[http::field::cookie], staff_cookie); old && !old->empty())
        commands.push_back({"DEL", staff_session_key(*old)});
    auto replies = co_await w.redis->exec_many(std::move(commands));
    for (const auto& r : replies)
        if (!r.ok()) co_return redis_unavailable();

    log::info("staff login", {{"user", user->name}, {"client", ctx.client_address}});
    auto lifetime = static_cast<long>(std::chrono::duration_cast<std::chrono::seconds>(staff_session_absolute).count());
    json answer = {{"csrf", csrf}, {"user", user->name}, {"role", to_string(user->role)}};
    // The page then takes the user where the restriction is lifted.
    if (!restriction.empty()) answer["restricted"] = restriction;
    auto res = json_ok(answer);
    res.set(http::field::cache_control, "no-store");
    res.insert(http::field::set_cookie, staff_cookie_header(w, staff_cookie, token, true, lifetime));
    res.insert(http::field::set_cookie, staff_cookie_header(w, csrf_cookie, csrf, false, lifetime));
    co_return res;
}

asio::awaitable<http::reply> logout(worker_state& w, http::request_context& ctx) {
    auto auth = co_await authenticate_staff(w, ctx, true);
    if (!auth.who) co_return std::move(auth.refusal);
    auto token = http::cookie_value(ctx.req[http::field::cookie], staff_cookie);
    if (token && !token->empty()) {
        std::vector<std::string> command{"DEL", staff_session_key(*token)};
        auto r = co_await w.redis->exec(std::move(command));
        if (!r.ok()) co_return redis_unavailable();
    }
    json detail = {{"address", ctx.client_address}};
    co_await record_staff_event(w, *auth.who, "logout", detail);
    auto res = json_ok({{"ok", true}});
    res.set(http::field::cache_control, "no-store");
    res.insert(http::field::set_cookie, staff_cookie_header(w, staff_cookie, "", true, 0));
    res.insert(http::field::set_cookie, staff_cookie_header(w, csrf_cookie, "", false, 0));
    co_return res;
}

asio::awaitable<http::reply> me(worker_state& w, http::request_context& ctx) {
    auto auth = co_await authenticate_staff(w, ctx, false);
    if (!auth.who) co_return std::move(auth.refusal);
    auto organizer = describe_organizer(w.shared.cfg, auth.who->organizer);
    co_return json_ok({{"user", auth.who->name},
                       {"role", to_string(auth.who->role)},
                       {"organizer", {{"id", organizer.id}, {"name", organizer.name}}}});
}

// The machine code of a refusal's body.
std::string refusal_code(const http::response& refusal) {
    auto body = json::parse(refusal.body(), nullptr, false);
    if (!body.is_object() || !body.contains("error") || !body["error"].is_object()) return {};
    return body["error"].value("code", "");
}

// A staff page: served with a session, else a redirect to the login page
// that comes back here afterwards. A session that must first enrol TOTP or
// change its password goes to the page that does so.
asio::awaitable<http::reply> staff_page(worker_state& w, http::request_context& ctx, std::string_view file) {
    auto auth = co_await authenticate(w, ctx, false, false);
    if (auth.who) co_return w.shared.web.serve(ctx.req, file, "no-cache");
    switch (auth.refusal.result()) {
    case http::status::unauthorized: co_return login_redirect(ctx);
    case http::status::forbidden:
        if (is_restriction(refusal_code(auth.refusal))) co_return redirect("/admin/security");
        co_return message_page(http::status::forbidden, "没有权限", "您的账号不能查看此页面。", "/admin/security",
                               "账号安全");
    default: co_return message_page(auth.refusal.result(), "服务暂时不可用", "请稍后刷新页面。", "", "");
    }
}

}  // namespace

void add_admin_routes(http::router& r, worker_state& w) {
    auto hasher = std::make_shared<password_hasher>();
    if (w.index == 0 && !w.shared.cfg.admin_password.empty())
        asio::co_spawn(w.ioc, bootstrap_at_start(w, hasher), asio::detached);
    r.add(http::verb::post, "/admin/login",
          [&w, hasher](http::request_context& ctx) { return login(w, *hasher, ctx); }, {.body_limit = 4096});
    r.add(http::verb::post, "/admin/logout", [&w](http::request_context& ctx) { return logout(w, ctx); });
    r.add(http::verb::get, "/api/v1/admin/me", [&w](http::request_context& ctx) { return me(w, ctx); });
    r.add(http::verb::get, "/admin/login", [&w](http::request_context& ctx) -> asio::awaitable<http::reply> {
        co_return w.shared.web.serve(ctx.req, "admin/login.html", "no-cache");
    });
    for (auto [path, file] : {std::pair{"/admin", "admin/index.html"}, std::pair{"/admin/dashboard", "admin/dashboard.html"},
                              std::pair{"/admin/security", "admin/security.html"},
                              std::pair{"/admin/units", "admin/units.html"},
                              std::pair{"/admin/filings", "admin/filings.html"},
                              std::pair{"/admin/suggestions", "admin/suggestions.html"}})
        r.add(http::verb::get, path, [&w, file](http::request_context& ctx) { return staff_page(w, ctx, file); });
    add_account_routes(r, w, hasher);
    // The big screen's data follows the results' rules; the page itself is
    // for anyone and asks staff to sign in when the data is refused.
    r.add(http::verb::get, "/screen/{cid}", [&w](http::request_context& ctx) -> asio::awaitable<http::reply> {
        co_return w.shared.web.serve(ctx.req, "screen.html", "no-cache");
    });
}

}  // namespace pingyi::server
