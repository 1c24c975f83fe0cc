// The WeChat OAuth callback (CONTRACT.md "Voter (H5) flow") and the JS-SDK
// configuration. The openid comes only from WeChat's answer to the server's
// own code exchange; the voter's browser gets a signed pseudonym, nothing
// else. Failures are Chinese pages and never set pingyi_session.
#include <chrono>

#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <nlohmann/json.hpp>

#include "http/cookies.hpp"
#include "http/query.hpp"
#include "redis/connection.hpp"
#include "server/app.hpp"
#include "server/campaign_cache.hpp"
#include "server/log.hpp"
#include "server/responses.hpp"
#include "server/voter_session.hpp"
#include "server/wechat_accounts.hpp"
#include "vote/digest.hpp"
#include "wechat/api_client.hpp"
#include "wechat/token_store.hpp"

namespace pingyi::server {

namespace asio = boost::asio;
using boost::system::error_code;

namespace {

constexpr std::int64_t session_lifetime_s = 24 * 3600;
constexpr int code_memory_s = 300;  // a code's answer is remembered as long as the code lives
constexpr std::string_view pending = "pending";
constexpr std::string_view snapshot = "snapshot";
constexpr std::string_view refused_prefix = "refused:";

bool valid_state(std::string_view s) {
    if (s.empty() || s.size() > 128) return false;
    for (char c : s)
        if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'))) return false;
    return true;
}

// The default account's keys are named as on the single-account server.
std::string code_key(const wechat_account& account, std::string_view code) {
    std::string key = "pingyi:oauth:code:";
    if (!account.id.empty()) key += account.id + ":";
    return key + vote::sha256_hex(code);
}

http::response bad_request_page(std::string_view message, std::string_view retry) {
    return message_page(http::status::bad_request, "登录未完成", message, retry, "重新进入");
}

http::response busy_page(std::string_view retry) {
    auto res = message_page(http::status::service_unavailable, "系统繁忙", "投票系统暂时无法完成登录，请稍后重试。", retry, "重试");
    res.set(http::field::retry_after, "1");
    return res;
}

http::response refused_page(const std::string& errcode, std::string_view retry) {
    return bad_request_page("微信登录凭证无效或已被使用（错误码 " + errcode + "），请重新进入投票页面。", retry);
}

// What a code stands for: the pseudonym, "snapshot", "refused:<errcode>",
// or a failure with the response to give. Remembered in Redis for five minutes so that
// Back and refresh get the same answer without a second exchange, which
// WeChat would refuse (40163); a parallel duplicate waits for the first.
struct code_outcome {
    std::string value;
    std::optional<http::response> failure;
};

asio::awaitable<code_outcome> resolve_code(worker_state& w, const wechat_account& account, const std::string& code,
                                           const std::string& retry) {
    auto key = code_key(account, code);
    std::vector<std::string> claim{"SET", key, std::string(pending), "NX", "GET", "EX", std::to_string(code_memory_s)};
    auto claimed = co_await w.redis->exec(std::move(claim));
    if (claimed.ec) co_return code_outcome{{}, busy_page(retry)};
    if (claimed.value.type() == redis::reply::kind::string) {
        // Someone has this code already: wait for their answer.
        auto seen = claimed.value.str();
        asio::steady_timer timer(w.ioc);
        for (int i = 0; i < 60 && seen == pending; ++i) {
            timer.expires_after(std::chrono::milliseconds(50));
            co_await timer.async_wait(asio::use_awaitable);
            std::vector<std::string> get{"GET", key};
            auto r = co_await w.redis->exec(std::move(get));
            if (r.ec) co_return code_outcome{{}, busy_page(retry)};
            seen = r.value.is_nil() ? std::string() : r.value.str();
        }
        if (seen.empty() || seen == pending)
            co_return code_outcome{{}, message_page(http::status::bad_gateway, "微信暂时无法访问",
                                                    "登录时微信没有及时响应，请稍后重试。", retry, "重试")};
        if (seen.starts_with(refused_prefix))
            co_return code_outcome{{}, refused_page(seen.substr(refused_prefix.size()), retry)};
        co_return code_outcome{seen, std::nullopt};
    }
    auto identity = co_await w.wechat->api(account).exchange_code(code);
    if (!identity) {
        const auto& e = identity.error();
        log::warn("oauth code exchange failed", {{"error", e.describe()}});
        if (e.refused()) {
            // A refused code stays refused: remember that too.
            std::vector<std::string> store{"SET", key, std::string(refused_prefix) + std::to_string(e.errcode), "EX",
                                           std::to_string(code_memory_s)};
            co_await w.redis->exec(std::move(store));
            co_return code_outcome{{}, refused_page(std::to_string(e.errcode), retry)};
        }
        std::vector<std::string> forget{"DEL", key};
        co_await w.redis->exec(std::move(forget));
        co_return code_outcome{{}, message_page(http::status::bad_gateway, "微信暂时无法访问",
                                                "登录时无法连接微信服务器，请稍后重试。", retry, "重试")};
    }
    std::string value = identity.value().is_snapshotuser
                            ? std::string(snapshot)
                            : voter_pseudonym(w.shared.cfg.pseudonym_key, account.settings.appid,
                                              identity.value().openid);
    std::vector<std::string> store{"SET", key, value, "EX", std::to_string(code_memory_s)};
    co_await w.redis->exec(std::move(store));
    co_return code_outcome{value, std::nullopt};
}

asio::awaitable<http::reply> oauth_callback(worker_state& w, http::request_context& ctx) {
    auto code = http::query_param(ctx.query, "code").value_or("");
    auto state = http::query_param(ctx.query, "state").value_or("");
    std::string retry = "/h5/";
    auto cookie = http::cookie_value(ctx.req[http::field::cookie], oauth_cookie);
    auto bound = cookie ? decode_oauth_state(w.shared.cookie_signer, *cookie, now_s()) : std::nullopt;
    if (bound) retry = bound->return_path;
    if (code.empty() || code.size() > 512 || !valid_state(state))
        co_return bad_request_page("登录请求不完整，请重新进入投票页面。", retry);
    // An account gone from the configuration since the redirect is as
    // stale as an expired state.
    const auto* account = bound ? w.shared.wechat->find(bound->account) : nullptr;
    if (!bound || bound->state != state || !account)
        co_return bad_request_page("登录请求无效或已过期（不是本浏览器发起的登录），请重新进入投票页面。", retry);

    auto outcome = co_await resolve_code(w, *account, code, retry);
    if (outcome.failure) co_return std::move(*outcome.failure);
    if (outcome.value == snapshot)
        co_return message_page(http::status::forbidden, "无法在此页面投票",
                               "您正在浏览公众号文章的快照页，无法确认身份。请点击页面下方的“使用完整服务”或从公众号菜单进入后再投票。",
                               retry, "重新进入");

    auto res = redirect(bound->return_path);
    http::cookie_options session;
    session.secure = w.shared.secure_cookies;
    session.max_age = session_lifetime_s;
    res.insert(http::field::set_cookie,
               http::set_cookie(session_cookie,
                                encode_voter_session(w.shared.cookie_signer,
                                                     {outcome.value, now_s() + session_lifetime_s, account->id}),
                                session));
    http::cookie_options csrf = session;
    csrf.http_only = false;  // the page reads it and sends it back as X-CSRF-Token
    res.insert(http::field::set_cookie, http::set_cookie(csrf_cookie, http::random_token(32), csrf));
    co_return res;
}

// Signed by the default account, or with ?cid= by that campaign's.
asio::awaitable<http::reply> jssdk_config(worker_state& w, http::request_context& ctx) {
    auto url = http::query_param(ctx.query, "url").value_or("");
    const auto& base = w.shared.cfg.public_url;
    if (url.size() > 2048 || !(url == base || url.starts_with(base + "/")))
        co_return invalid_input("invalid_url", "url", "url 必须是本站页面的地址");
    const auto* account = &w.shared.wechat->default_account();
    if (auto cid = http::query_param(ctx.query, "cid")) {
        if (!vote::valid_id(*cid)) co_return campaign_not_found();
        error_code ec;
        auto campaign = co_await w.campaigns->get(*cid, ec);
        if (ec) co_return redis_unavailable();
        if (!campaign) co_return campaign_not_found();
        account = &w.shared.wechat->of_campaign(*campaign);
    }
    auto config = co_await w.wechat->tokens(*account).make_jssdk_config(url);
    if (!config) {
        log::warn("jssdk config failed", {{"error", config.error().describe()}});
        co_return http::json_error(http::status::bad_gateway, "wechat_unavailable", "暂时无法连接微信服务器");
    }
    const auto& c = config.value();
    co_return json_ok({{"appId", c.app_id}, {"timestamp", c.timestamp}, {"nonceStr", c.nonce_str}, {"signature", c.signature}});
}

}  // namespace

void add_oauth_routes(http::router& r, worker_state& w) {
    r.add(http::verb::get, "/h5/oauth/callback", [&w](http::request_context& ctx) { return oauth_callback(w, ctx); });
    r.add(http::verb::get, "/api/v1/wechat/jssdk-config", [&w](http::request_context& ctx) { return jssdk_config(w, ctx); });
}

}  // namespace pingyi::server
