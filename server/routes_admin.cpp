// Staff sign-in: login and logout (CONTRACT.md "JSON API"), who am I, the
// staff pages behind a session, the big screen, and the PINGYI_ADMIN_PASSWORD
// bootstrap of the first admin.
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/thread_pool.hpp>
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
#include "server/password.hpp"
#include "server/responses.hpp"
#include "server/staff_store.hpp"
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

// scrypt takes tens of milliseconds by design; it runs on this worker's
// own hashing thread so the I/O thread keeps serving meanwhile.
struct admin_state {
    asio::thread_pool hashing{1};
};

asio::awaitable<bool> verify_task(std::string password, std::string hash) {
    co_return verify_password(password, hash.empty() ? dummy_password_hash() : hash);
}

asio::awaitable<std::string> hash_task(std::string password) { co_return hash_password(password); }

http::response login_refused() {
    return http::json_error(http::status::unauthorized, "invalid_login", "用户名或密码不正确");
}

http::response too_many_attempts(const ratelimit::decision& d) {
    auto res = http::json_error(http::status::too_many_requests, "rate_limited", "登录尝试次数过多，请稍后再试");
    res.set(http::field::retry_after, std::to_string(d.retry_after_s));
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

// Best effort for events that change nothing (a failed login): a Redis
// failure is logged, not answered.
asio::awaitable<void> audit_attempt(worker_state& w, std::string_view who, std::string_view action,
                                    const json& detail) {
    error_code ec;
    co_await record_admin_action(*w.redis, who, action, "", detail, ec);
    if (ec) log::warn("admin log unavailable", {{"action", action}, {"error", ec.message()}});
}

// Creates `admin` from PINGYI_ADMIN_PASSWORD unless it exists. True when
// done (created now or before), false when Redis did not answer.
asio::awaitable<bool> bootstrap_admin(worker_state& w, admin_state& st) {
    error_code ec;
    auto existing = co_await find_staff_user(*w.redis, std::string(bootstrap_name), ec);
    if (ec) co_return false;
    if (existing) co_return true;
    auto hash = co_await asio::co_spawn(st.hashing, hash_task(w.shared.cfg.admin_password), asio::use_awaitable);
    staff_user admin{std::string(bootstrap_name), staff_role::admin, std::move(hash), now_ms()};
    auto created = co_await create_staff_user(*w.redis, admin, ec);
    if (ec) co_return false;
    if (created) {
        json detail = {{"user", admin.name}, {"role", "admin"}, {"via", "PINGYI_ADMIN_PASSWORD"}};
        co_await audit_attempt(w, "system", "user.create", detail);
        log::info("staff account created", {{"user", admin.name}, {"via", "PINGYI_ADMIN_PASSWORD"}});
    }
    co_return true;
}

// Redis may come up after the server: retry for a while, then leave it to
// the first login as admin (see login()), so a shutdown is never held up
// for long by this loop.
asio::awaitable<void> bootstrap_at_start(worker_state& w, std::shared_ptr<admin_state> st) {
    asio::steady_timer timer(w.ioc);
    for (int attempt = 0; attempt < bootstrap_attempts; ++attempt) {
        auto done = co_await bootstrap_admin(w, *st);
        if (done) co_return;
        timer.expires_after(bootstrap_retry);
        error_code ec;
        co_await timer.async_wait(asio::redirect_error(asio::use_awaitable, ec));
    }
    log::warn("admin bootstrap postponed: Redis did not answer; the first login as admin will create the account");
}

asio::awaitable<http::reply> login(worker_state& w, admin_state& st, http::request_context& ctx) {
    auto body = json::parse(ctx.req.body(), nullptr, false);
    if (!body.is_object() || !body.contains("username") || !body["username"].is_string() ||
        !body.contains("password") || !body["password"].is_string())
        co_return invalid_input("invalid_login", "", "请求须包含用户名和密码");
    std::string name = body["username"];
    std::string password = body["password"];

    const auto& limits = w.shared.limits;
    auto by_address = co_await check_limit(w, limits.login_address, "pingyi:rl:login:addr:" + ctx.client_address);
    if (by_address.refuse) co_return too_many_attempts(by_address);
    auto by_account = co_await check_limit(w, limits.login_account, "pingyi:rl:login:user:" + vote::sha256_hex(name));
    if (by_account.refuse) co_return too_many_attempts(by_account);

    error_code ec;
    std::optional<staff_user> user;
    if (valid_staff_name(name)) {
        user = co_await find_staff_user(*w.redis, name, ec);
        if (ec) co_return redis_unavailable();
        if (!user && name == bootstrap_name && !w.shared.cfg.admin_password.empty()) {
            auto done = co_await bootstrap_admin(w, st);
            if (!done) co_return redis_unavailable();
            user = co_await find_staff_user(*w.redis, name, ec);
            if (ec) co_return redis_unavailable();
        }
    }
    // An unknown name is checked against a dummy hash: same answer, same time.
    std::string hash = user ? user->password_hash : std::string();
    auto verified = co_await asio::co_spawn(st.hashing, verify_task(std::move(password), std::move(hash)),
                                            asio::use_awaitable);
    json detail = {{"address", ctx.client_address}};
    std::string who = name.substr(0, 64);
    if (!user || !verified) {
        co_await audit_attempt(w, who, "login.failed", detail);
        co_return login_refused();
    }

    // Every login is on record before the session exists.
    co_await record_admin_action(*w.redis, who, "login", "", detail, ec);
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
    auto res = json_ok({{"csrf", csrf}, {"user", user->name}, {"role", to_string(user->role)}});
    res.set(http::field::cache_control, "no-store");
    res.insert(http::field::set_cookie, staff_cookie_header(w, staff_cookie, token, true, lifetime));
    res.insert(http::field::set_cookie, staff_cookie_header(w, csrf_cookie, csrf, false, lifetime));
    co_return res;
}

asio::awaitable<http::reply> logout(worker_state& w, http::request_context& ctx) {
    auto auth = co_await authenticate(w, ctx, false, true);
    if (!auth.who) co_return std::move(auth.refusal);
    auto token = http::cookie_value(ctx.req[http::field::cookie], staff_cookie);
    if (token && !token->empty()) {
        std::vector<std::string> command{"DEL", staff_session_key(*token)};
        auto r = co_await w.redis->exec(std::move(command));
        if (!r.ok()) co_return redis_unavailable();
    }
    json detail = {{"address", ctx.client_address}};
    co_await audit_attempt(w, auth.who->name, "logout", detail);
    auto res = json_ok({{"ok", true}});
    res.set(http::field::cache_control, "no-store");
    res.insert(http::field::set_cookie, staff_cookie_header(w, staff_cookie, "", true, 0));
    res.insert(http::field::set_cookie, staff_cookie_header(w, csrf_cookie, "", false, 0));
    co_return res;
}

asio::awaitable<http::reply> me(worker_state& w, http::request_context& ctx) {
    auto auth = co_await authenticate(w, ctx, false, false);
    if (!auth.who) co_return std::move(auth.refusal);
    co_return json_ok({{"user", auth.who->name}, {"role", to_string(auth.who->role)}});
}

// A staff page: served with a session, else a redirect to the login page
// that comes back here afterwards.
asio::awaitable<http::reply> staff_page(worker_state& w, http::request_context& ctx, std::string_view file) {
    auto auth = co_await authenticate(w, ctx, false, false);
    if (auth.who) co_return w.shared.web.serve(ctx.req, file, "no-cache");
    if (auth.refusal.result() != http::status::unauthorized)
        co_return message_page(auth.refusal.result(), "服务暂时不可用", "请稍后刷新页面。", "", "");
    std::string back(ctx.path);
    if (!ctx.query.empty()) back += "?" + std::string(ctx.query);
    co_return redirect("/admin/login?next=" + http::url_encode(back));
}

}  // namespace

void add_admin_routes(http::router& r, worker_state& w) {
    auto st = std::make_shared<admin_state>();
    // Made now, so that the first unknown name does not take longer than the rest.
    asio::post(st->hashing, [] { dummy_password_hash(); });
    if (w.index == 0 && !w.shared.cfg.admin_password.empty())
        asio::co_spawn(w.ioc, bootstrap_at_start(w, st), asio::detached);
    r.add(http::verb::post, "/admin/login",
          [&w, st](http::request_context& ctx) { return login(w, *st, ctx); }, {.body_limit = 4096});
    r.add(http::verb::post, "/admin/logout", [&w](http::request_context& ctx) { return logout(w, ctx); });
    r.add(http::verb::get, "/api/v1/admin/me", [&w](http::request_context& ctx) { return me(w, ctx); });
    r.add(http::verb::get, "/admin/login", [&w](http::request_context& ctx) -> asio::awaitable<http::reply> {
        co_return w.shared.web.serve(ctx.req, "admin/login.html", "no-cache");
    });
    r.add(http::verb::get, "/admin", [&w](http::request_context& ctx) { return staff_page(w, ctx, "admin/index.html"); });
    r.add(http::verb::get, "/admin/dashboard",
          [&w](http::request_context& ctx) { return staff_page(w, ctx, "admin/dashboard.html"); });
    // The big screen's data follows the results' rules; the page itself is
    // for anyone and asks staff to sign in when the data is refused.
    r.add(http::verb::get, "/screen/{cid}", [&w](http::request_context& ctx) -> asio::awaitable<http::reply> {
        co_return w.shared.web.serve(ctx.req, "screen.html", "no-cache");
    });
}

}  // namespace pingyi::server
