#include "tools/wechat_mock_api.hpp"

#include <csignal>
#include <cstdio>
#include <iostream>
#include <map>
#include <mutex>
#include <random>

#include <boost/asio/io_context.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <nlohmann/json.hpp>

#include "http/query.hpp"
#include "http/server.hpp"
#include "tools/args.hpp"
#include "tools/command.hpp"

namespace pingyi::tools {

namespace asio = boost::asio;
using json = nlohmann::json;
using clock_type = std::chrono::steady_clock;
using std::chrono::minutes;
using std::chrono::seconds;

namespace {

constexpr seconds token_life{7200};
constexpr minutes code_life{5};
// A token replaced by a newer one keeps working this long (WeChat's rule).
constexpr minutes overlap{5};

// The endpoints, as named in /__mock/stats and /__mock/fail.
const std::vector<std::string> endpoint_names{"authorize", "oauth_access_token", "token", "stable_token", "getticket"};

struct preset_user {
    const char* openid;
    const char* label;
};
const preset_user preset_users[] = {
    {"oMockVoter0001", "测试用户一（普通市民）"},
    {"oMockVoter0002", "测试用户二（普通市民）"},
    {"oMockVoter0003", "测试用户三（普通市民）"},
    {"oMockStaff0001", "测试用户四（工作人员）"},
};

std::string html_escape(std::string_view in) {
    std::string out;
    for (char c : in) {
        switch (c) {
        case '&': out += "&amp;"; break;
        case '<': out += "&lt;"; break;
        case '>': out += "&gt;"; break;
        case '"': out += "&quot;"; break;
        case '\'': out += "&#39;"; break;
        default: out += c;
        }
    }
    return out;
}

bool valid_openid(std::string_view s) {
    if (s.empty() || s.size() > 64) return false;
    for (char c : s)
        if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '-')) return false;
    return true;
}

http::response html(http::status s, std::string body) {
    http::response res{s, 11};
    res.set(http::field::content_type, "text/html; charset=utf-8");
    res.set(http::field::cache_control, "no-store");
    res.body() = std::move(body);
    res.prepare_payload();
    return res;
}

http::response wechat_json(const json& body) {
    http::response res = http::json_response(http::status::ok, body.dump());
    res.set(http::field::content_type, "application/json; encoding=utf-8");
    return res;
}

http::response wechat_error(long long errcode, std::string_view errmsg) {
    return wechat_json({{"errcode", errcode}, {"errmsg", errmsg}});
}

std::string page(std::string_view title, std::string_view body) {
    std::string out =
        "<!DOCTYPE html><html lang=\"zh-CN\"><head><meta charset=\"utf-8\">"
        "<meta name=\"viewport\" content=\"width=device-width,initial-scale=1\">"
        "<title>";
    out += html_escape(title);
    out +=
        "</title><style>body{font-family:sans-serif;max-width:32em;margin:1em auto;padding:0 1em;color:#222}"
        "h1{font-size:1.3em}.note{color:#888;font-size:.9em}label{display:block;margin:.5em 0}"
        "input[type=text]{width:100%;padding:.4em;box-sizing:border-box}"
        "button{background:#07c160;color:#fff;border:0;padding:.7em 2em;font-size:1em;border-radius:4px}"
        ".err{color:#c00}</style></head><body>";
    out += body;
    out += "</body></html>";
    return out;
}

std::string error_page(std::string_view what) {
    std::string body = "<h1>微信授权模拟：请求错误</h1><p class=\"err\">";
    body += html_escape(what);
    body += "</p><p class=\"note\">这是模拟的微信网页授权（pingyi wechat mock-api），不是真实的微信。</p>";
    return page("请求错误", body);
}

}  // namespace

struct mock_api::state {
    struct code_entry {
        std::string appid;  // the account it was issued for
        std::string openid;
        std::string scope;
        bool snapshot = false;
        clock_type::time_point issued;
        bool used = false;
    };
    struct failure {
        long long errcode = 0;
        unsigned http_status = 0;  // when set, an HTTP error instead of an errcode
        int remaining = 0;
    };

    // An official account: its secret, its current stable token and ticket.
    struct account {
        std::string secret;
        std::string stable;
        std::string ticket;
        clock_type::time_point ticket_expiry;
    };
    struct token_entry {
        clock_type::time_point expiry;
        std::string appid;
    };

    mock_api_options options;
    std::mutex mutex;
    std::mt19937_64 random{std::random_device{}()};
    std::map<std::string, account> accounts;  // by appid
    std::map<std::string, code_entry> codes;
    std::map<std::string, token_entry> tokens;  // every access_token (classic and stable)
    std::map<std::string, long long> stats;
    std::map<std::string, failure> failures;
    std::chrono::milliseconds delay{0};

    explicit state(mock_api_options o) : options(std::move(o)) {
        accounts[options.appid].secret = options.secret;
        for (const auto& a : options.more_accounts) accounts[a.appid].secret = a.secret;
        reset();
    }

    account* find(const std::string& appid) {
        auto it = accounts.find(appid);
        return it == accounts.end() ? nullptr : &it->second;
    }

    void reset() {
        for (const auto& name : endpoint_names) stats[name] = 0;
        failures.clear();
        delay = std::chrono::milliseconds(0);
    }

    std::string random_text(std::size_t n) {
        static constexpr char alphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
        std::uniform_int_distribution<std::size_t> pick(0, sizeof(alphabet) - 2);
        std::string out(n, ' ');
        for (auto& c : out) c = alphabet[pick(random)];
        return out;
    }

    // Counts the call; returns the injected failure for it, if any is due.
    std::optional<http::response> enter(const std::string& endpoint) {
        ++stats[endpoint];
        auto it = failures.find(endpoint);
        if (it == failures.end()) return std::nullopt;
        failure f = it->second;
        if (--it->second.remaining <= 0) failures.erase(it);
        if (f.http_status != 0) {
            http::response res{static_cast<http::status>(f.http_status), 11};
            res.set(http::field::content_type, "text/html");
            res.body() = "<html><body>mock failure</body></html>";
            res.prepare_payload();
            return res;
        }
        return wechat_error(f.errcode, f.errcode == -1 ? "system error" : "mock failure");
    }

    std::string new_token(const std::string& appid) {
        std::erase_if(tokens, [](const auto& t) { return t.second.expiry <= clock_type::now(); });
        std::string t = random_text(96);
        tokens[t] = {clock_type::now() + token_life, appid};
        return t;
    }

    // A replaced token keeps working for `overlap` more.
    void shorten(const std::string& token) {
        auto it = tokens.find(token);
        if (it != tokens.end()) it->second.expiry = std::min(it->second.expiry, clock_type::now() + overlap);
    }

    bool token_valid(const std::string& token) {
        auto it = tokens.find(token);
        return it != tokens.end() && it->second.expiry > clock_type::now();
    }

    long long remaining(const std::string& token) {
        auto it = tokens.find(token);
        return std::chrono::ceil<seconds>(it->second.expiry - clock_type::now()).count();
    }
};

namespace {

using state_ptr = std::shared_ptr<mock_api::state>;

std::string param(const http::request_context& ctx, std::string_view name) {
    auto v = http::query_param(ctx.query, name);
    return v ? *v : std::string{};
}

asio::awaitable<void> apply_delay(const state_ptr& s) {
    std::chrono::milliseconds d;
    {
        std::lock_guard lock(s->mutex);
        d = s->delay;
    }
    if (d.count() <= 0) co_return;
    asio::steady_timer timer(co_await asio::this_coro::executor, d);
    boost::system::error_code ec;
    co_await timer.async_wait(asio::redirect_error(asio::use_awaitable, ec));
}

std::string authorize_form(const http::request_context& ctx) {
    std::string body = "<h1>微信授权（模拟）</h1><p>请选择以哪位微信用户的身份继续：</p>";
    body += "<form method=\"get\" action=\"/connect/oauth2/authorize\">";
    for (const char* name : {"appid", "redirect_uri", "response_type", "scope", "state"}) {
        body += "<input type=\"hidden\" name=\"";
        body += name;
        body += "\" value=\"" + html_escape(param(ctx, name)) + "\">";
    }
    bool first = true;
    for (const auto& u : preset_users) {
        body += "<label><input type=\"radio\" name=\"openid\" value=\"";
        body += u.openid;
        body += first ? "\" checked> " : "\"> ";
        body += u.label;
        body += " <span class=\"note\">";
        body += u.openid;
        body += "</span></label>";
        first = false;
    }
    body +=
        "<label>或输入任意 openid（字母、数字、下划线、连字符，最多 64 个字符；填写后优先使用）："
        "<input type=\"text\" name=\"openid_custom\" maxlength=\"64\" placeholder=\"例如 oTestUser123\"></label>"
        "<label><input type=\"checkbox\" name=\"snapshot\" value=\"1\"> 快照页模式虚拟用户（is_snapshotuser=1，"
        "不能投票）</label><p><button type=\"submit\">确认授权</button></p></form>";
    body += "<p class=\"note\">这是模拟的微信网页授权（pingyi wechat mock-api），用于开发和测试；公众号 AppID：" +
            html_escape(param(ctx, "appid")) + "。</p>";
    return page("微信授权（模拟）", body);
}

asio::awaitable<http::reply> authorize(state_ptr s, http::request_context& ctx) {
    std::string appid = param(ctx, "appid");
    bool known = false;
    {
        std::lock_guard lock(s->mutex);
        ++s->stats["authorize"];
        known = s->find(appid) != nullptr;
    }
    std::string redirect = param(ctx, "redirect_uri");
    std::string scope = param(ctx, "scope");
    std::string state = param(ctx, "state");
    if (!known) co_return html(http::status::bad_request, error_page("appid 无效（10016）：不是模拟公众号的 AppID。"));
    if (redirect.empty() || !(redirect.starts_with("http://") || redirect.starts_with("https://")))
        co_return html(http::status::bad_request, error_page("redirect_uri 参数错误（10003）。"));
    if (param(ctx, "response_type") != "code")
        co_return html(http::status::bad_request, error_page("response_type 参数错误（10004），应为 code。"));
    if (scope != "snsapi_base" && scope != "snsapi_userinfo")
        co_return html(http::status::bad_request, error_page("scope 参数错误（10005）。"));
    if (state.size() > 128)
        co_return html(http::status::bad_request, error_page("state 参数过长（最多 128 字节）。"));

    std::string openid = param(ctx, "openid_custom");
    if (openid.empty()) openid = param(ctx, "openid");
    auto header = ctx.req.find("X-Mock-Openid");
    if (openid.empty() && header != ctx.req.end()) openid = std::string(header->value());
    if (openid.empty()) co_return html(http::status::ok, authorize_form(ctx));
    if (!valid_openid(openid))
        co_return html(http::status::bad_request, error_page("openid 只能包含字母、数字、下划线和连字符，最多 64 个字符。"));
    auto snap_header = ctx.req.find("X-Mock-Snapshot");
    bool snapshot = param(ctx, "snapshot") == "1" || (snap_header != ctx.req.end() && snap_header->value() == "1");

    std::string code;
    {
        std::lock_guard lock(s->mutex);
        std::erase_if(s->codes, [](const auto& c) { return clock_type::now() - c.second.issued > code_life; });
        code = s->random_text(32);
        s->codes[code] = {appid, openid, scope, snapshot, clock_type::now(), false};
    }
    redirect = redirect.substr(0, redirect.find('#'));
    redirect += redirect.find('?') == std::string::npos ? '?' : '&';
    redirect += "code=" + code + "&state=" + http::url_encode(state);
    http::response res{http::status::found, 11};
    res.set(http::field::location, redirect);
    res.set(http::field::cache_control, "no-store");
    res.prepare_payload();
    co_return res;
}

asio::awaitable<http::reply> oauth_access_token(state_ptr s, http::request_context& ctx) {
    co_await apply_delay(s);
    std::lock_guard lock(s->mutex);
    if (auto failed = s->enter("oauth_access_token")) co_return std::move(*failed);
    std::string appid = param(ctx, "appid");
    const auto* account = s->find(appid);
    if (!account) co_return wechat_error(40013, "invalid appid");
    if (param(ctx, "secret") != account->secret) co_return wechat_error(40125, "invalid appsecret");
    if (param(ctx, "grant_type") != "authorization_code") co_return wechat_error(40002, "invalid grant_type");
    // Another account's code is no code of this one.
    auto it = s->codes.find(param(ctx, "code"));
    if (it == s->codes.end() || it->second.appid != appid || clock_type::now() - it->second.issued > code_life)
        co_return wechat_error(40029, "invalid code");
    if (it->second.used) co_return wechat_error(40163, "code been used");
    it->second.used = true;
    json body = {{"access_token", s->random_text(96)},
                 {"expires_in", token_life.count()},
                 {"refresh_token", s->random_text(96)},
                 {"openid", it->second.openid},
                 {"scope", it->second.scope}};
    if (it->second.snapshot) body["is_snapshotuser"] = 1;
    co_return wechat_json(body);
}

asio::awaitable<http::reply> classic_token(state_ptr s, http::request_context& ctx) {
    co_await apply_delay(s);
    std::lock_guard lock(s->mutex);
    if (auto failed = s->enter("token")) co_return std::move(*failed);
    if (param(ctx, "grant_type") != "client_credential") co_return wechat_error(40002, "invalid grant_type");
    std::string appid = param(ctx, "appid");
    const auto* account = s->find(appid);
    if (!account) co_return wechat_error(40013, "invalid appid");
    if (param(ctx, "secret") != account->secret)
        co_return wechat_error(40001, "invalid credential, access_token is invalid or not latest");
    // Each classic fetch replaces the account's previous classic token.
    for (const auto& [t, e] : s->tokens)
        if (e.appid == appid && t != account->stable && e.expiry > clock_type::now()) s->shorten(t);
    std::string token = s->new_token(appid);
    co_return wechat_json({{"access_token", token}, {"expires_in", token_life.count()}});
}

asio::awaitable<http::reply> stable_token(state_ptr s, http::request_context& ctx) {
    co_await apply_delay(s);
    std::lock_guard lock(s->mutex);
    if (auto failed = s->enter("stable_token")) co_return std::move(*failed);
    json req = json::parse(ctx.req.body(), nullptr, false);
    if (!req.is_object()) co_return wechat_error(47001, "data format error");
    auto text = [&](const char* name) {
        auto it = req.find(name);
        return it != req.end() && it->is_string() ? it->get<std::string>() : std::string{};
    };
    if (text("grant_type") != "client_credential") co_return wechat_error(40002, "invalid grant_type");
    auto* account = s->find(text("appid"));
    if (!account) co_return wechat_error(40013, "invalid appid");
    if (text("secret") != account->secret) co_return wechat_error(40125, "invalid appsecret");
    auto force = req.find("force_refresh");
    bool force_refresh = force != req.end() && force->is_boolean() && force->get<bool>();
    if (force_refresh || !s->token_valid(account->stable)) {
        if (!account->stable.empty()) s->shorten(account->stable);
        account->stable = s->new_token(text("appid"));
    }
    co_return wechat_json({{"access_token", account->stable}, {"expires_in", s->remaining(account->stable)}});
}

asio::awaitable<http::reply> getticket(state_ptr s, http::request_context& ctx) {
    co_await apply_delay(s);
    std::lock_guard lock(s->mutex);
    if (auto failed = s->enter("getticket")) co_return std::move(*failed);
    std::string token = param(ctx, "access_token");
    if (token.empty()) co_return wechat_error(41001, "access_token missing");
    if (!s->token_valid(token))
        co_return wechat_error(40001, "invalid credential, access_token is invalid or not latest");
    if (param(ctx, "type") != "jsapi") co_return wechat_error(40097, "invalid args");
    // The ticket of the token's account.
    auto& account = *s->find(s->tokens[token].appid);
    if (account.ticket.empty() || account.ticket_expiry <= clock_type::now()) {
        account.ticket = s->random_text(86);
        account.ticket_expiry = clock_type::now() + token_life;
    }
    auto left = std::chrono::ceil<seconds>(account.ticket_expiry - clock_type::now()).count();
    co_return wechat_json({{"errcode", 0}, {"errmsg", "ok"}, {"ticket", account.ticket}, {"expires_in", left}});
}

asio::awaitable<http::reply> mock_stats(state_ptr s, http::request_context&) {
    std::lock_guard lock(s->mutex);
    co_return http::json_response(http::status::ok, json(s->stats).dump());
}

// ?endpoint=NAME&errcode=N[&count=K] or ?endpoint=NAME&status=503[&count=K]:
// the next K calls (default 1) of that endpoint fail so.
asio::awaitable<http::reply> mock_fail(state_ptr s, http::request_context& ctx) {
    std::string endpoint = param(ctx, "endpoint");
    if (std::find(endpoint_names.begin(), endpoint_names.end(), endpoint) == endpoint_names.end() ||
        endpoint == "authorize")
        co_return http::json_error(http::status::bad_request, "bad_endpoint",
                                   "endpoint 应为 oauth_access_token、token、stable_token 或 getticket");
    mock_api::state::failure f;
    try {
        std::string errcode = param(ctx, "errcode");
        std::string status = param(ctx, "status");
        std::string count = param(ctx, "count");
        if (!errcode.empty()) f.errcode = std::stoll(errcode);
        if (!status.empty()) f.http_status = static_cast<unsigned>(std::stoul(status));
        f.remaining = count.empty() ? 1 : std::stoi(count);
    } catch (const std::exception&) {
        co_return http::json_error(http::status::bad_request, "bad_number", "errcode、status 和 count 应为整数");
    }
    if ((f.errcode == 0) == (f.http_status == 0) || (f.http_status != 0 && (f.http_status < 400 || f.http_status > 599)) ||
        f.remaining < 1)
        co_return http::json_error(http::status::bad_request, "bad_failure",
                                   "请给出非零的 errcode 或 400–599 的 status（二选一），count ≥ 1");
    std::lock_guard lock(s->mutex);
    s->failures[endpoint] = f;
    co_return http::json_response(http::status::ok, "{}");
}

asio::awaitable<http::reply> mock_delay(state_ptr s, http::request_context& ctx) {
    long long ms = 0;
    try {
        ms = std::stoll(param(ctx, "ms"));
    } catch (const std::exception&) {
        ms = -1;
    }
    if (ms < 0 || ms > 600000)
        co_return http::json_error(http::status::bad_request, "bad_delay", "ms 应为 0 到 600000 之间的整数");
    std::lock_guard lock(s->mutex);
    s->delay = std::chrono::milliseconds(ms);
    co_return http::json_response(http::status::ok, "{}");
}

asio::awaitable<http::reply> mock_reset(state_ptr s, http::request_context&) {
    std::lock_guard lock(s->mutex);
    s->reset();
    co_return http::json_response(http::status::ok, "{}");
}

using mock_handler = asio::awaitable<http::reply> (*)(state_ptr, http::request_context&);

http::handler bind(const state_ptr& s, mock_handler fn) {
    return [s, fn](http::request_context& ctx) { return fn(s, ctx); };
}

}  // namespace

mock_api::mock_api(mock_api_options options)
    : options_(std::move(options)), state_(std::make_shared<state>(options_)) {
    http::server_options so;
    so.host = options_.host;
    so.port = options_.port;
    so.threads = 1;
    so.shutdown_grace = std::chrono::milliseconds(1000);
    http::server_hooks hooks;
    auto s = state_;
    hooks.make_worker = [s](asio::io_context&, int) {
        auto routes = std::make_shared<http::router>();
        routes->add(http::verb::get, "/connect/oauth2/authorize", bind(s, authorize));
        routes->add(http::verb::get, "/sns/oauth2/access_token", bind(s, oauth_access_token));
        routes->add(http::verb::get, "/cgi-bin/token", bind(s, classic_token));
        routes->add(http::verb::post, "/cgi-bin/stable_token", bind(s, stable_token));
        routes->add(http::verb::get, "/cgi-bin/ticket/getticket", bind(s, getticket));
        routes->add(http::verb::get, "/__mock/stats", bind(s, mock_stats));
        routes->add(http::verb::post, "/__mock/fail", bind(s, mock_fail));
        routes->add(http::verb::post, "/__mock/delay", bind(s, mock_delay));
        routes->add(http::verb::post, "/__mock/reset", bind(s, mock_reset));
        return http::worker_setup{routes, {}, {}};
    };
    server_ = std::make_unique<http::server>(so, std::move(hooks));
}

mock_api::~mock_api() {
    shutdown();
    wait();
}

void mock_api::start() { server_->start(); }
void mock_api::shutdown() { server_->shutdown(); }
void mock_api::wait() { server_->wait(); }
unsigned short mock_api::port() const { return server_->port(); }

std::string mock_api::base_url() const {
    return "http://" + options_.host + ":" + std::to_string(port());
}

std::optional<std::vector<mock_account>> parse_mock_accounts(std::string_view list) {
    std::vector<mock_account> out;
    while (!list.empty()) {
        auto comma = list.find(',');
        auto pair = list.substr(0, comma);
        list = comma == std::string_view::npos ? std::string_view() : list.substr(comma + 1);
        auto colon = pair.find(':');
        if (colon == 0 || colon == std::string_view::npos || colon + 1 == pair.size()) return std::nullopt;
        out.push_back({std::string(pair.substr(0, colon)), std::string(pair.substr(colon + 1))});
    }
    return out;
}

const char* const wechat_mock_api_usage =
    "usage: pingyi wechat mock-api --listen HOST:PORT [--appid APPID] [--secret SECRET]\n"
    "                              [--accounts APPID:SECRET[,APPID:SECRET...]]\n"
    "  A stand-in for WeChat's API and OAuth page (see docs/wechat-mock.md).\n"
    "  Defaults: --listen 127.0.0.1:8090 --appid wxdev0000000000000 --secret devsecret\n"
    "  --accounts: further official accounts (counties' own) served beside the first.\n";

int run_wechat_mock_api(const std::vector<std::string>& words) {
    args a(words);
    std::string unknown = a.unknown({"listen", "appid", "secret", "accounts"});
    if (!a.error().empty() || !unknown.empty() || !a.positional().empty()) {
        std::cerr << (a.error().empty() ? (unknown.empty() ? "unexpected argument" : "unknown option " + unknown)
                                        : a.error())
                  << "\n"
                  << wechat_mock_api_usage;
        return exit_usage;
    }
    mock_api_options o;
    std::string listen = a.value_or("listen", "127.0.0.1:8090");
    auto colon = listen.rfind(':');
    try {
        if (colon == std::string::npos) throw std::invalid_argument("no port");
        o.host = listen.substr(0, colon);
        int port = std::stoi(listen.substr(colon + 1));
        if (port < 0 || port > 65535 || o.host.empty()) throw std::out_of_range("port");
        o.port = static_cast<unsigned short>(port);
    } catch (const std::exception&) {
        std::cerr << "--listen wants HOST:PORT\n" << wechat_mock_api_usage;
        return exit_usage;
    }
    o.appid = a.value_or("appid", o.appid);
    o.secret = a.value_or("secret", o.secret);
    auto more = parse_mock_accounts(a.value_or("accounts", ""));
    if (!more) {
        std::cerr << "--accounts wants APPID:SECRET pairs separated by commas\n" << wechat_mock_api_usage;
        return exit_usage;
    }
    o.more_accounts = std::move(*more);

    // Block the stop signals before the server's thread starts, so that
    // only this thread receives them (in sigwait).
    sigset_t stop_signals;
    sigemptyset(&stop_signals);
    sigaddset(&stop_signals, SIGINT);
    sigaddset(&stop_signals, SIGTERM);
    pthread_sigmask(SIG_BLOCK, &stop_signals, nullptr);

    mock_api mock(o);
    try {
        mock.start();
    } catch (const std::exception& e) {
        std::cerr << "cannot listen on " << listen << ": " << e.what() << "\n";
        return exit_failure;
    }
    std::cout << "WeChat API mock on " << mock.base_url() << " (appid " << o.appid;
    for (const auto& more : o.more_accounts) std::cout << ", " << more.appid;
    std::cout << ")" << std::endl;
    int sig = 0;
    sigwait(&stop_signals, &sig);
    mock.shutdown();
    mock.wait();
    return exit_ok;
}

}  // namespace pingyi::tools
