// Campaigns: create and read them, their tally, and their ballot log
// (export, digest, receipts). Nothing here writes or deletes a ballot.
#include <nlohmann/json.hpp>

#include "eval/config.hpp"
#include "http/streamer.hpp"
#include "redis/connection.hpp"
#include "server/admin_log.hpp"
#include "server/app.hpp"
#include "server/auth.hpp"
#include "server/ballot_log.hpp"
#include "server/campaign_cache.hpp"
#include "server/log.hpp"
#include "server/responses.hpp"
#include "vote/campaign_store.hpp"
#include "vote/tally.hpp"

namespace pingyi::server {

namespace asio = boost::asio;
using boost::system::error_code;

namespace {

nlohmann::json summary_json(const vote::campaign& c, std::int64_t now) {
    auto full = c.public_json(now);
    return {{"id", c.id},
            {"title", c.title},
            {"organizer", c.organizer},
            {"opens_at", full["opens_at"]},
            {"closes_at", full["closes_at"]},
            {"state", vote::to_string(c.state(now))}};
}

asio::awaitable<http::reply> create_campaign(worker_state& w, http::request_context& ctx) {
    auto auth = co_await authenticate(w, ctx, true, true);
    if (!auth.who) co_return std::move(auth.refusal);
    auto parsed = vote::parse_campaign(ctx.req.body());
    if (auto* err = std::get_if<vote::error>(&parsed)) co_return invalid_input(err->code, err->path, err->message);
    auto& campaign = std::get<vote::campaign>(parsed);
    auto scoring = eval::parse_scoring_config(campaign.scoring);
    if (!scoring) co_return invalid_input("invalid_campaign", scoring.err().path, scoring.err().message);
    campaign.scoring = eval::to_json(scoring.value());  // stored with every default spelled out

    auto call = vote::create_campaign_call(campaign);
    auto r = co_await w.redis->eval(w.shared.scripts.create_campaign, call.keys, call.args);
    if (r.ec) co_return redis_unavailable();
    if (r.value.is_error()) {
        log::error("create campaign failed", {{"campaign", campaign.id}, {"error", r.value.str()}});
        co_return http::json_error(http::status::internal_server_error, "internal", "服务器内部错误");
    }
    if (r.value.integer() == 0)
        co_return http::json_error(http::status::conflict, "campaign_exists", "评议活动编号已存在：" + campaign.id);
    std::vector<std::string> index{"ZADD", std::string(campaign_cache::index_key), std::to_string(campaign.opens_ms),
                                   campaign.id};
    auto indexed = co_await w.redis->exec(std::move(index));
    if (indexed.ec) co_return redis_unavailable();
    error_code logged;
    nlohmann::json detail = {{"title", campaign.title}};
    co_await record_admin_action(*w.redis, auth.who->name, "campaign.create", campaign.id, detail, logged);
    w.campaigns->invalidate(campaign.id);
    log::info("campaign created", {{"campaign", campaign.id}, {"by", auth.who->name}});
    co_return json_ok(campaign.public_json(now_ms()), http::status::created);
}

asio::awaitable<http::reply> list_campaigns(worker_state& w, http::request_context&) {
    error_code ec;
    auto all = co_await w.campaigns->all(ec);
    if (ec) co_return redis_unavailable();
    auto now = now_ms();
    nlohmann::json list = nlohmann::json::array();
    for (const auto& c : all) list.push_back(summary_json(*c, now));
    co_return json_ok({{"campaigns", list}});
}

asio::awaitable<http::reply> get_campaign(worker_state& w, http::request_context& ctx) {
    error_code ec;
    auto c = co_await w.campaigns->get(ctx.param("cid"), ec);
    if (ec) co_return redis_unavailable();
    if (!c) co_return campaign_not_found();
    co_return json_ok(c->public_json(now_ms()));
}

asio::awaitable<http::reply> get_tally(worker_state& w, http::request_context& ctx) {
    error_code ec;
    auto c = co_await w.campaigns->get(ctx.param("cid"), ec);
    if (ec) co_return redis_unavailable();
    if (!c) co_return campaign_not_found();
    if (c->visibility != vote::tally_visibility::everyone) {
        auto auth = co_await authenticate(w, ctx, false, false);
        if (!auth.who) co_return std::move(auth.refusal);
    }
    auto command = vote::tally_command(c->id);
    auto r = co_await w.redis->exec(std::move(command));
    if (r.ec) co_return redis_unavailable();
    std::vector<std::string> flat;
    for (const auto& e : r.value.elements()) flat.push_back(e.str());
    co_return json_ok(vote::tally_json(vote::parse_tally(flat), *c));
}

asio::awaitable<http::reply> get_digest(worker_state& w, chain_cache& chains, http::request_context& ctx) {
    error_code ec;
    auto c = co_await w.campaigns->get(ctx.param("cid"), ec);
    if (ec) co_return redis_unavailable();
    if (!c) co_return campaign_not_found();
    auto d = co_await chains.extend(c->id, ec);
    if (ec) co_return redis_unavailable();
    co_return json_ok({{"count", d.count}, {"head", d.head}});
}

asio::awaitable<http::reply> get_receipt(worker_state& w, chain_cache& chains, http::request_context& ctx) {
    error_code ec;
    auto c = co_await w.campaigns->get(ctx.param("cid"), ec);
    if (ec) co_return redis_unavailable();
    if (!c) co_return campaign_not_found();
    auto ref = vote::parse_receipt(ctx.param("receipt"));
    auto not_found = http::json_error(http::status::not_found, "receipt_not_found", "日志中没有这张回执对应的选票");
    if (!ref) co_return not_found;
    auto entries = co_await read_log(*w.redis, c->id, ref->seq, ref->seq, 1, ec);
    if (ec) co_return redis_unavailable();
    if (entries.empty() || !vote::receipt_matches(*ref, entries.front())) co_return not_found;
    auto hash = co_await chains.hash_of(c->id, ref->seq, ec);
    if (ec) co_return redis_unavailable();
    const auto& e = entries.front();
    nlohmann::json units = e.items();
    co_return json_ok({{"receipt", e.receipt()},
                       {"seq", e.seq},
                       {"time_ms", e.time_ms},
                       {"units", units},
                       {"hash", hash ? nlohmann::json(*hash) : nlohmann::json(nullptr)}});
}

// The whole log as NDJSON, streamed in pages so a million ballots never sit
// in memory at once.
asio::awaitable<http::reply> export_log(worker_state& w, http::request_context& ctx) {
    auto auth = co_await authenticate(w, ctx, false, false);
    if (!auth.who) co_return std::move(auth.refusal);
    error_code ec;
    auto c = co_await w.campaigns->get(ctx.param("cid"), ec);
    if (ec) co_return redis_unavailable();
    if (!c) co_return campaign_not_found();
    http::reply out;
    out.res = http::response{http::status::ok, 11};
    out.res.set(http::field::content_type, "application/x-ndjson; charset=utf-8");
    out.res.set(http::field::content_disposition, "attachment; filename=\"" + c->id + "-audit-log.ndjson\"");
    out.res.set(http::field::cache_control, "no-store");
    std::string cid = c->id;
    out.stream = [&w, cid](http::streamer& s) -> asio::awaitable<void> {
        vote::log_chain chain;
        for (;;) {
            error_code read_ec;
            auto entries = co_await read_log(*w.redis, cid, chain.count() + 1, 0, 1000, read_ec);
            if (read_ec) co_return;  // the client sees a short file; the digest tells it so
            std::string page;
            for (const auto& e : entries) {
                if (e.seq != chain.count() + 1) co_return;
                page += chain.append(e);
                page += '\n';
            }
            error_code write_ec;
            if (!page.empty()) co_await s.write(page, write_ec);
            if (write_ec || entries.size() < 1000) co_return;
        }
    };
    co_return out;
}

}  // namespace

void add_campaign_routes(http::router& r, worker_state& w) {
    auto chains = std::make_shared<chain_cache>(*w.redis);
    r.add(http::verb::post, "/api/v1/campaigns",
          [&w](http::request_context& ctx) { return create_campaign(w, ctx); }, {.body_limit = 1024 * 1024});
    r.add(http::verb::get, "/api/v1/campaigns", [&w](http::request_context& ctx) { return list_campaigns(w, ctx); });
    r.add(http::verb::get, "/api/v1/campaigns/{cid}",
          [&w](http::request_context& ctx) { return get_campaign(w, ctx); });
    r.add(http::verb::get, "/api/v1/campaigns/{cid}/tally",
          [&w](http::request_context& ctx) { return get_tally(w, ctx); });
    r.add(http::verb::get, "/api/v1/campaigns/{cid}/audit-log",
          [&w](http::request_context& ctx) { return export_log(w, ctx); });
    r.add(http::verb::get, "/api/v1/campaigns/{cid}/audit-log/digest",
          [&w, chains](http::request_context& ctx) { return get_digest(w, *chains, ctx); });
    r.add(http::verb::get, "/api/v1/campaigns/{cid}/receipts/{receipt}",
          [&w, chains](http::request_context& ctx) { return get_receipt(w, *chains, ctx); });
}

}  // namespace pingyi::server
