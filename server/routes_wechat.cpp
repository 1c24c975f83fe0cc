// The official accounts' server endpoint (CONTRACT.md "WeChat server
// endpoint"): URL verification, and messages in plaintext, compatible and
// safe mode; /wechat for the default account, /wechat/<id> for an
// organizer's own. Replies are built from memory; the only Redis calls are
// the rate limit and the de-duplication of retried deliveries, each bounded
// by the client's 1 s timeout, well inside WeChat's 5 s.
#include <cstdlib>

#include "http/query.hpp"
#include "redis/connection.hpp"
#include "server/app.hpp"
#include "server/campaign_cache.hpp"
#include "server/limit_check.hpp"
#include "server/log.hpp"
#include "server/responses.hpp"
#include "server/voter_session.hpp"
#include "server/wechat_accounts.hpp"
#include "server/wechat_replies.hpp"
#include "vote/digest.hpp"
#include "wechat/crypto.hpp"
#include "wechat/signature.hpp"

namespace pingyi::server {

namespace asio = boost::asio;
using boost::system::error_code;

namespace {

constexpr std::int64_t replay_window_s = 300;
constexpr int dedup_ttl_s = 30;

http::response plain(http::status s, std::string body) {
    http::response res{s, 11};
    res.set(http::field::content_type, "text/plain; charset=utf-8");
    res.body() = std::move(body);
    return res;
}

http::response xml(std::string body) {
    http::response res{http::status::ok, 11};
    res.set(http::field::content_type, "application/xml; charset=utf-8");
    res.body() = std::move(body);
    return res;
}

std::string param(const http::request_context& ctx, std::string_view name) {
    return http::query_param(ctx.query, name).value_or("");
}

// The route's account: the default one at /wechat, else the one named.
const wechat_account* account_of(const worker_state& w, const http::request_context& ctx) {
    auto id = ctx.param("account");
    return id.empty() ? &w.shared.wechat->default_account() : w.shared.wechat->find(id);
}

http::response unknown_account() {
    return http::json_error(http::status::not_found, "unknown_account", "没有这个公众号");
}

// Retried deliveries are remembered per account, by a digest: the delivery's
// identity holds the sender's raw openid, which is not to be stored.
std::string dedup_key(const wechat_account& account, const wechat::message& m) {
    std::string key = "pingyi:wx:dedup:";
    if (!account.id.empty()) key += account.id + ":";
    return key + vote::sha256_hex(wechat::dedup_key(m));
}

asio::awaitable<http::reply> verify_url(worker_state& w, http::request_context& ctx) {
    const auto* account = account_of(w, ctx);
    if (!account) co_return unknown_account();
    const auto& token = account->settings.token;
    if (token.empty() || !wechat::check_signature(token, param(ctx, "timestamp"), param(ctx, "nonce"), param(ctx, "signature")))
        co_return http::json_error(http::status::forbidden, "invalid_signature", "签名校验失败");
    co_return plain(http::status::ok, param(ctx, "echostr"));
}

asio::awaitable<http::reply> receive(worker_state& w, http::request_context& ctx) {
    const auto& cfg = w.shared.cfg;
    const auto* account = account_of(w, ctx);
    if (!account) co_return unknown_account();
    const auto& wx = account->settings;
    auto timestamp = param(ctx, "timestamp");
    auto nonce = param(ctx, "nonce");
    if (wx.token.empty() || !wechat::check_signature(wx.token, timestamp, nonce, param(ctx, "signature")))
        co_return http::json_error(http::status::forbidden, "invalid_signature", "签名校验失败");
    char* end = nullptr;
    long long ts = std::strtoll(timestamp.c_str(), &end, 10);
    if (timestamp.empty() || *end != '\0' || std::llabs(now_s() - ts) > replay_window_s)
        co_return http::json_error(http::status::forbidden, "replay", "时间戳超出允许范围（重放）");

    auto limit = co_await check_limit(w, w.shared.limits.wechat_address, "pingyi:rl:wechat:" + ctx.client_address);
    if (limit.refuse) {
        auto res = http::json_error(http::status::too_many_requests, "rate_limited", "请求过于频繁");
        res.set(http::field::retry_after, std::to_string(limit.retry_after_s));
        co_return res;
    }

    auto mode = param(ctx, "encrypt_type");
    bool encrypted = mode == "aes";
    if (!encrypted && !mode.empty() && mode != "raw")
        co_return http::json_error(http::status::bad_request, "invalid_encrypt_type", "不支持的 encrypt_type");
    std::error_code ec;
    wechat::message m;
    const wechat::message_cipher* cipher = nullptr;
    if (encrypted) {
        if (!account->keys)
            co_return http::json_error(http::status::forbidden, "not_configured", "未配置 EncodingAESKey");
        auto envelope = wechat::parse_envelope(ctx.req.body(), ec);
        if (ec) co_return http::json_error(http::status::bad_request, "invalid_message", "不是有效的微信消息");
        if (!wechat::check_msg_signature(wx.token, timestamp, nonce, envelope.encrypt, param(ctx, "msg_signature")))
            co_return http::json_error(http::status::forbidden, "invalid_signature", "消息签名校验失败");
        auto opened = account->keys->decrypt(envelope.encrypt, ec);
        if (ec) co_return http::json_error(http::status::forbidden, "decrypt_failed", "消息解密失败");
        cipher = opened.cipher;
        m = wechat::parse_message(opened.plaintext, ec);
    } else {
        m = wechat::parse_message(ctx.req.body(), ec);
    }
    if (ec) co_return http::json_error(http::status::bad_request, "invalid_message", "不是有效的微信消息");

    std::vector<campaign_ptr> held;
    error_code cache_ec;
    held = co_await w.campaigns->all(cache_ec);
    std::vector<const vote::campaign*> campaigns;
    for (const auto& c : held) campaigns.push_back(c.get());
    auto reply = wechat_reply_for(m, campaigns_of_account(*w.shared.wechat, *account, campaigns), cfg.public_url,
                                  now_ms(), account->id.empty() ? city_welcome : organizer_welcome);
    std::string body = reply.value_or("success");

    // A retried delivery gets the reply stored by the first one, and only
    // the first is processed. Without Redis, answer anyway: a reply now is
    // better than none.
    std::vector<std::string> dedup{"SET", dedup_key(*account, m), body, "NX", "GET", "EX", std::to_string(dedup_ttl_s)};
    auto seen = co_await w.redis->exec(std::move(dedup));
    bool first = true;
    if (!seen.ec && seen.value.type() == redis::reply::kind::string) {
        body = seen.value.str();
        first = false;
    }
    if (first && m.msg_type == "event" && m.event == "subscribe" && !wx.appid.empty()) {
        // Freshly followed accounts are an integrity signal: remember when.
        std::vector<std::string> mark{"SET",
                                      "pingyi:wx:subscribed:" + voter_pseudonym(cfg.pseudonym_key, wx.appid, m.from_user),
                                      std::to_string(m.create_time), "EX", std::to_string(7 * 86400)};
        co_await w.redis->exec(std::move(mark));
    }
    if (body == "success") co_return plain(http::status::ok, "success");
    if (!encrypted) co_return xml(body);
    co_return xml(wechat::encrypted_reply(*cipher, body, wx.token, std::to_string(now_s()), nonce));
}

}  // namespace

void add_wechat_routes(http::router& r, worker_state& w) {
    for (const char* path : {"/wechat", "/wechat/{account}"}) {
        r.add(http::verb::get, path, [&w](http::request_context& ctx) { return verify_url(w, ctx); });
        r.add(http::verb::post, path, [&w](http::request_context& ctx) { return receive(w, ctx); },
              {.body_limit = 64 * 1024});
    }
}

}  // namespace pingyi::server
