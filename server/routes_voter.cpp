// The voter's side: the H5 pages, the login redirect, casting a ballot and
// the voter's own state. The voter's identity comes only from the signed
// session cookie that the OAuth callback set; never from the request.
#include <nlohmann/json.hpp>

#include "http/cookies.hpp"
#include "http/query.hpp"
#include "ratelimit/local_bucket.hpp"
#include "redis/connection.hpp"
#include "server/app.hpp"
#include "server/campaign_cache.hpp"
#include "server/durable_eval.hpp"
#include "server/log.hpp"
#include "server/pages.hpp"
#include "server/privacy_notice.hpp"
#include "server/privacy_purge.hpp"
#include "server/responses.hpp"
#include "server/voter_request.hpp"
#include "server/voter_session.hpp"
#include "server/wechat_accounts.hpp"
#include "vote/ballot.hpp"
#include "vote/ballot_script.hpp"
#include "vote/log_pseudonym.hpp"
#include "vote/keys.hpp"
#include "vote/time.hpp"

namespace pingyi::server {

namespace asio = boost::asio;
using boost::system::error_code;

namespace {

// No session yet: off to the account's authorize page, with a fresh state
// bound to this browser by a signed cookie.
http::response start_login(const worker_state& w, std::string return_path, const wechat_account& account) {
    const auto& wx = account.settings;
    oauth_state state{http::random_token(32), std::move(return_path), now_s() + 600, account.id};
    std::string redirect_uri = w.shared.cfg.public_url + "/h5/oauth/callback";
    std::string location = wx.open_base + "/connect/oauth2/authorize?appid=" + http::url_encode(wx.appid) +
                           "&redirect_uri=" + http::url_encode(redirect_uri) +
                           "&response_type=code&scope=snsapi_base&state=" + state.state + "#wechat_redirect";
    auto res = redirect(location);
    http::cookie_options o;
    o.secure = w.shared.secure_cookies;
    o.max_age = 600;
    o.path = "/h5/oauth";
    res.set(http::field::set_cookie, http::set_cookie(oauth_cookie, encode_oauth_state(w.shared.cookie_signer, state), o));
    return res;
}

asio::awaitable<http::reply> vote_page(worker_state& w, http::request_context& ctx) {
    const auto& cid = ctx.param("cid");
    if (!vote::valid_id(cid)) co_return campaign_not_found();
    const auto& accounts = *w.shared.wechat;
    const wechat_account* account = &accounts.default_account();
    // With one account every campaign is the default account's: no lookup,
    // so the page works as the single-account server's did.
    if (accounts.several()) {
        error_code ec;
        auto campaign = co_await w.campaigns->get(cid, ec);
        if (ec)
            co_return message_page(http::status::service_unavailable, "系统繁忙", "投票系统暂时无法访问，请稍后重试。",
                                   "/h5/c/" + cid, "重试");
        if (campaign) account = &accounts.of_campaign(*campaign);
    }
    auto session = voter_session_of(w, ctx);
    if (!session || session->account != account->id) co_return start_login(w, "/h5/c/" + cid, *account);
    co_return serve_page(w, ctx, "h5/vote.html");
}

http::status status_of(vote::ballot_result r) {
    switch (r) {
    case vote::ballot_result::accepted: return http::status::created;
    case vote::ballot_result::rate_limited: return http::status::too_many_requests;
    case vote::ballot_result::not_open: return http::status::forbidden;
    case vote::ballot_result::already_voted:
    case vote::ballot_result::daily_limit: return http::status::conflict;
    case vote::ballot_result::unknown_campaign: return http::status::not_found;
    }
    return http::status::internal_server_error;
}

struct ballot_route {
    worker_state& w;
    ratelimit::local_bucket flood;
    // Per campaign, the log key this worker offers the script in case the
    // campaign has none yet (the script keeps the first one offered): drawn
    // once, not for every ballot.
    std::unordered_map<std::string, std::string> offered_log_keys;

    explicit ballot_route(worker_state& ws)
        : w(ws), flood(ws.shared.limits.flood_address, 100'000) {}

    // The script passed every limit it checked, except those that only
    // counted (shadow): count them as allowed.
    void count_allowed(const vote::ballot_answer& answer) {
        const auto& limits = w.shared.limits;
        for (const auto* l : {&limits.ballot_voter, &limits.ballot_address, &limits.campaign}) {
            if (ratelimit::effective_mode(limits.global, *l) == ratelimit::mode::off) continue;
            bool shadowed = std::find(answer.shadow_limited.begin(), answer.shadow_limited.end(), l->name) !=
                            answer.shadow_limited.end();
            if (!shadowed) w.shared.stats.limit_allowed(l->name);
        }
    }

    http::response refuse(std::string_view result, http::status s, std::string_view code, std::string_view message) {
        w.shared.stats.ballot(result);
        return http::json_error(s, code, message);
    }

    asio::awaitable<http::reply> operator()(http::request_context& ctx) {
        auto& stats = w.shared.stats;
        const auto& limits = w.shared.limits;
        if (limits.global != ratelimit::mode::off) {
            auto a = flood.take(ctx.client_address, ratelimit::local_bucket::clock::now());
            auto d = ratelimit::decide(limits.global, limits.flood_address, a);
            if (d.refuse) {
                stats.ballot("rate_limited");
                auto res = http::json_error(http::status::too_many_requests, "rate_limited", "请求过于频繁，请稍后再试");
                res.set(http::field::retry_after, std::to_string(d.retry_after_s));
                co_return res;
            }
        }
        auto session = voter_session_of(w, ctx);
        if (!session) co_return refuse("no_session", http::status::unauthorized, "no_session", "请先通过微信登录");
        error_code ec;
        auto campaign = co_await w.campaigns->get(ctx.param("cid"), ec);
        if (ec) {
            stats.ballot("redis_unavailable");
            co_return redis_unavailable();
        }
        if (campaign && !session_for_campaign(w, *session, *campaign))
            co_return refuse("no_session", http::status::unauthorized, "no_session", "请先通过微信登录");
        if (!voter_csrf_ok(ctx)) co_return refuse("csrf", http::status::forbidden, "csrf", "页面已过期，请刷新后重试");
        if (!campaign) co_return campaign_not_found();
        auto parsed = vote::parse_ballot(ctx.req.body(), *campaign);
        if (auto* err = std::get_if<vote::error>(&parsed)) {
            stats.ballot("invalid_ballot");
            co_return invalid_input(err->code, err->path, err->message);
        }
        auto key = ctx.req["Idempotency-Key"];
        if (!key.empty() && !vote::valid_idempotency_key(key)) {
            stats.ballot("invalid_ballot");
            co_return invalid_input("invalid_ballot", "Idempotency-Key", "Idempotency-Key 格式错误（1-128 个可见 ASCII 字符）");
        }
        vote::ballot_request request;
        request.campaign_id = campaign->id;
        request.voter = session->pseudonym;
        request.idempotency_key = std::string(key);
        request.client_address = ctx.client_address;
        request.user_agent_hash = user_agent_hash(w.shared.pseudonym_mac, ctx.req[http::field::user_agent]);
        request.nonce = http::random_token(12);
        request.anomaly_window_ms = w.shared.cfg.anomaly_window_s * 1000LL;
        auto offered = offered_log_keys.try_emplace(campaign->id);
        if (offered.second) offered.first->second = vote::new_log_key();
        request.log_key = offered.first->second;
        auto call = vote::ballot_call(request, std::get<vote::ballot>(parsed), limits);
        auto r = co_await durable_eval(w, w.shared.scripts.ballot, std::move(call.keys), std::move(call.args));
        if (r.ec == durability_error::replication_pending) {
            stats.ballot("replication_pending");
            co_return replication_pending();
        }
        if (r.ec) {
            stats.ballot("redis_unavailable");
            co_return redis_unavailable();
        }
        const auto& parts = r.value.elements();
        std::optional<vote::ballot_answer> answer;
        if (!r.value.is_error() && parts.size() == 3)
            answer = vote::parse_ballot_answer(parts[0].str(), parts[1].str(), parts[2].integer() == 1);
        if (!answer) {
            log::error("ballot script failed", {{"campaign", campaign->id}, {"reply", r.value.str()}});
            co_return internal_error();
        }
        // In shadow mode a flood is limited on every ballot: build the log
        // line only when it will be written.
        bool log_shadow = log::enabled(log::level::info);
        for (const auto& name : answer->shadow_limited) {
            stats.limit_limited(name);
            if (log_shadow)
                log::info("rate limit (shadow) would have refused", {{"limit", name}, {"campaign", campaign->id}});
        }
        if (!answer->replayed && answer->result != vote::ballot_result::rate_limited) count_allowed(*answer);
        auto result = vote::to_string(answer->result);
        stats.ballot(answer->replayed ? "replayed" : result);
        auto status = status_of(answer->result);
        if (answer->result == vote::ballot_result::accepted) co_return http::json_response(status, answer->json);
        auto res = http::json_error(status, result, answer->message());
        if (answer->result == vote::ballot_result::rate_limited) {
            stats.limit_limited(answer->limit);
            res.set(http::field::retry_after, std::to_string(ratelimit::retry_after_seconds(answer->retry_after_ms)));
        }
        co_return res;
    }
};

// The voter's own state today: how many votes remain and for which units
// they already voted.
asio::awaitable<http::reply> my_state(worker_state& w, http::request_context& ctx) {
    auto session = voter_session_of(w, ctx);
    if (!session) co_return http::json_error(http::status::unauthorized, "no_session", "请先通过微信登录");
    error_code ec;
    auto campaign = co_await w.campaigns->get(ctx.param("cid"), ec);
    if (ec) co_return redis_unavailable();
    if (!campaign) co_return campaign_not_found();
    if (!session_for_campaign(w, *session, *campaign))
        co_return http::json_error(http::status::unauthorized, "no_session", "请先通过微信登录");
    std::vector<std::string> command{"HGETALL", vote::keys::voter(campaign->id, session->pseudonym)};
    auto r = co_await w.redis->exec(std::move(command));
    if (r.ec) co_return redis_unavailable();
    const auto& f = r.value.elements();
    auto today = vote::day_number(now_ms());
    bool is_today = false;
    std::int64_t used = 0;
    std::vector<std::string> voted;
    for (std::size_t i = 0; i + 1 < f.size(); i += 2) {
        const auto& name = f[i].str();
        if (name == "#d") is_today = f[i + 1].str() == std::to_string(today);
        else if (name == "#n") used = std::stoll(f[i + 1].str());
        else if (!name.starts_with("#")) voted.push_back(name);
    }
    if (!is_today) {
        used = 0;
        voted.clear();
    }
    co_return json_ok({{"remaining_today", std::max<std::int64_t>(0, campaign->rules.per_day - used)},
                       {"voted_today", voted}});
}

// What the privacy page shows: the settings, and with ?campaign= that
// campaign's retention.
asio::awaitable<http::reply> privacy(worker_state& w, http::request_context& ctx) {
    auto cid = http::query_param(ctx.query, "campaign");
    if (!cid) co_return json_ok(privacy_notice(w.shared.cfg, nullptr, std::nullopt));
    error_code ec;
    auto campaign = co_await w.campaigns->get(*cid, ec);
    if (ec) co_return redis_unavailable();
    if (!campaign) co_return campaign_not_found();
    auto purged = co_await purged_at(*w.redis, campaign->id, ec);
    if (ec) co_return redis_unavailable();
    co_return json_ok(privacy_notice(w.shared.cfg, campaign.get(), purged));
}

}  // namespace

void add_voter_routes(http::router& r, worker_state& w) {
    // Voters' personal data past its campaign's retention: one worker deletes it.
    if (w.index == 0) start_purge_task(w);
    r.add(http::verb::get, "/h5/", [&w](http::request_context& ctx) -> asio::awaitable<http::reply> {
        co_return serve_page(w, ctx, "h5/index.html");
    });
    r.add(http::verb::get, "/h5/c/{cid}", [&w](http::request_context& ctx) { return vote_page(w, ctx); });
    r.add(http::verb::get, "/h5/receipt/{receipt}", [&w](http::request_context& ctx) -> asio::awaitable<http::reply> {
        co_return serve_page(w, ctx, "h5/receipt.html");
    });
    r.add(http::verb::get, "/h5/score/{cid}", [&w](http::request_context& ctx) -> asio::awaitable<http::reply> {
        co_return serve_link_page(w, ctx, "h5/score.html");
    });
    r.add(http::verb::get, "/h5/results/{cid}", [&w](http::request_context& ctx) -> asio::awaitable<http::reply> {
        co_return serve_page(w, ctx, "h5/results.html");
    });
    r.add(http::verb::get, "/h5/privacy", [&w](http::request_context& ctx) -> asio::awaitable<http::reply> {
        co_return serve_page(w, ctx, "h5/privacy.html");
    });
    r.add(http::verb::get, "/api/v1/privacy", [&w](http::request_context& ctx) { return privacy(w, ctx); });
    auto ballots = std::make_shared<ballot_route>(w);
    r.add(http::verb::post, "/api/v1/campaigns/{cid}/ballots",
          [ballots](http::request_context& ctx) { return (*ballots)(ctx); }, {.body_limit = 16 * 1024});
    r.add(http::verb::get, "/api/v1/campaigns/{cid}/me", [&w](http::request_context& ctx) { return my_state(w, ctx); });
}

void add_static_routes(http::router& r, worker_state& w) {
    r.add(http::verb::get, "/static/{*path}", [&w](http::request_context& ctx) -> asio::awaitable<http::reply> {
        std::string file = "static/" + ctx.param("path");
        // Bundles carry a content hash in their names; the few fixed names
        // (h5.css, for server-rendered pages) must revalidate.
        bool hashed = file.find('-') != std::string::npos && file != "static/h5.css";
        co_return w.shared.web.serve(ctx.req, file, hashed ? "public, max-age=31536000, immutable" : "no-cache");
    });
}

}  // namespace pingyi::server
