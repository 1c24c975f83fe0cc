// Campaigns: create, edit, open and close them, read them, their tally and
// refusals, and their ballot log (export, digest, receipts). Nothing here
// writes or deletes a ballot.
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
#include "server/organizer_scope.hpp"
#include "server/responses.hpp"
#include "server/route_campaign.hpp"
#include "server/scoring_store.hpp"
#include "vote/campaign_edit.hpp"
#include "vote/campaign_store.hpp"
#include "vote/refusals.hpp"
#include "vote/time.hpp"
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
            {"organizer_id", c.organizer_id},
            {"opens_at", full["opens_at"]},
            {"closes_at", full["closes_at"]},
            {"state", vote::to_string(c.state(now))}};
}

// A request body as a campaign, its scoring with every default spelled out
// (as stored); or the 400 naming what is wrong.
std::variant<vote::campaign, http::response> campaign_of(const nlohmann::json& body) {
    auto parsed = vote::campaign_from_json(body);
    if (auto* err = std::get_if<vote::error>(&parsed)) return invalid_input(err->code, err->path, err->message);
    auto& campaign = std::get<vote::campaign>(parsed);
    auto scoring = eval::parse_scoring_config(campaign.scoring);
    if (!scoring) return invalid_input("invalid_campaign", scoring.err().path, scoring.err().message);
    campaign.scoring = eval::to_json(scoring.value());
    return std::move(campaign);
}

// Puts `c` under the organizer `who` may give it (server/organizer_scope.hpp):
// nullopt, or the refusal. `current`: its organizer before an edit.
std::optional<http::response> place_campaign(const principal& who, vote::campaign& c,
                                             std::optional<std::string_view> current, const config& cfg) {
    auto placed = campaign_organizer(who, c.organizer_id, current, cfg);
    if (auto* refusal = std::get_if<organizer_refusal>(&placed)) {
        if (refusal->status == http::status::bad_request)
            return invalid_input(refusal->code, "organizer_id", refusal->message);
        return http::json_error(refusal->status, refusal->code, refusal->message);
    }
    c.organizer_id = std::move(std::get<std::string>(placed));
    return std::nullopt;
}

nlohmann::json json_body(const http::request_context& ctx) {
    return nlohmann::json::parse(ctx.req.body(), nullptr, false);
}

// The listing's index is ordered by opens_at.
asio::awaitable<void> index_campaign(worker_state& w, const vote::campaign& c, error_code& ec) {
    std::vector<std::string> command{"ZADD", std::string(campaign_cache::index_key), std::to_string(c.opens_ms), c.id};
    auto r = co_await w.redis->exec(std::move(command));
    ec = r.ec;
}

asio::awaitable<http::reply> create_campaign(worker_state& w, http::request_context& ctx) {
    auto auth = co_await authenticate(w, ctx, true, true);
    if (!auth.who) co_return std::move(auth.refusal);
    auto body = json_body(ctx);
    if (body.is_discarded()) co_return invalid_input("invalid_campaign", "", "请求体不是合法的 JSON");
    auto parsed = campaign_of(body);
    if (auto* refusal = std::get_if<http::response>(&parsed)) co_return std::move(*refusal);
    auto& campaign = std::get<vote::campaign>(parsed);
    if (auto refusal = place_campaign(*auth.who, campaign, std::nullopt, w.shared.cfg)) co_return std::move(*refusal);

    auto call = vote::create_campaign_call(campaign);
    auto r = co_await w.redis->eval(w.shared.scripts.create_campaign, call.keys, call.args);
    if (r.ec) co_return redis_unavailable();
    if (r.value.is_error()) {
        log::error("create campaign failed", {{"campaign", campaign.id}, {"error", r.value.str()}});
        co_return internal_error();
    }
    if (r.value.integer() == 0)
        co_return http::json_error(http::status::conflict, "campaign_exists", "评议活动编号已存在：" + campaign.id);
    error_code ec;
    co_await index_campaign(w, campaign, ec);
    if (ec) co_return redis_unavailable();
    const nlohmann::json detail = {{"title", campaign.title}, {"organizer_id", campaign.organizer_id}};
    co_await record_admin_action(*w.redis, *auth.who, "campaign.create", campaign.id, detail, ec);
    w.campaigns->invalidate();
    log::info("campaign created", {{"campaign", campaign.id}, {"by", auth.who->name}});
    co_return json_ok(campaign.public_json(now_ms()), http::status::created);
}

// A campaign as stored: the JSON exactly as in Redis (what a replace must
// find unchanged) and its parsed form.
struct stored_campaign {
    std::string json;
    vote::campaign value;
};

// As stored, and still `who`'s organizer's (the cached copy
// find_staff_campaign checked may be a second old).
asio::awaitable<std::variant<stored_campaign, http::response>> load_stored(worker_state& w, const principal& who,
                                                                           const std::string& cid) {
    auto r = co_await w.redis->exec(vote::get_campaign_command(cid));
    if (!r.ok()) co_return redis_unavailable();
    if (r.value.is_nil()) co_return campaign_not_found();
    auto parsed = vote::parse_campaign(r.value.str());
    if (auto* err = std::get_if<vote::error>(&parsed)) {
        log::error("stored campaign unreadable", {{"campaign", cid}, {"error", err->message}});
        co_return internal_error();
    }
    auto& value = std::get<vote::campaign>(parsed);
    if (!in_scope(who, value.organizer_id)) co_return campaign_not_found();
    co_return stored_campaign{r.value.str(), std::move(value)};
}

// The top-level fields whose value differs, for the audit trail.
nlohmann::json changed_fields(const vote::campaign& before, const vote::campaign& after) {
    auto a = before.to_json();
    auto b = after.to_json();
    nlohmann::json names = nlohmann::json::array();
    for (const auto& [key, value] : b.items())
        if (a[key] != value) names.push_back(key);
    return names;
}

// Writes `after` in place of `before` (refused if someone changed it since),
// indexes and audit-logs it: the reply to the edit, open or close.
asio::awaitable<http::reply> replace_campaign(worker_state& w, const principal& who, const stored_campaign& before,
                                              const vote::campaign& after, std::string_view action) {
    auto detail = nlohmann::json{{"changed", changed_fields(before.value, after)},
                                 {"opens_at", vote::format_rfc3339_shanghai(after.opens_ms)},
                                 {"closes_at", vote::format_rfc3339_shanghai(after.closes_ms)}};
    if (detail["changed"].empty()) co_return json_ok(after.public_json(now_ms()));
    auto call = vote::replace_campaign_call(before.json, after);
    auto r = co_await w.redis->eval(w.shared.scripts.replace_campaign, call.keys, call.args);
    if (r.ec) co_return redis_unavailable();
    if (r.value.is_error()) {
        log::error("replace campaign failed", {{"campaign", after.id}, {"error", r.value.str()}});
        co_return internal_error();
    }
    if (r.value.integer() < 0) co_return campaign_not_found();
    if (r.value.integer() == 0)
        co_return http::json_error(http::status::conflict, "campaign_changed", "评议活动刚被其他人修改过，请刷新后重试");
    error_code ec;
    if (after.opens_ms != before.value.opens_ms) {
        co_await index_campaign(w, after, ec);
        if (ec) co_return redis_unavailable();
    }
    co_await record_admin_action(*w.redis, who, action, after.id, detail, ec);
    w.campaigns->invalidate();
    log::info("campaign changed", {{"campaign", after.id}, {"action", action}, {"by", who.name}});
    co_return json_ok(after.public_json(now_ms()));
}

asio::awaitable<http::reply> update_campaign(worker_state& w, http::request_context& ctx) {
    auto staff = co_await find_staff_campaign(w, ctx, true, true);
    if (!staff.campaign) co_return std::move(staff.refusal);
    const auto& who = *staff.who;
    const auto& cid = staff.campaign->id;
    auto body = json_body(ctx);
    if (!body.is_object()) co_return invalid_input("invalid_campaign", "", "请求体不是合法的 JSON 对象");
    if (!body.contains("id")) body["id"] = cid;
    if (body["id"] != cid) co_return invalid_input("invalid_campaign", "id", "请求体中的 id 与地址中的活动编号不一致");

    auto loaded = co_await load_stored(w, who, cid);
    if (auto* refusal = std::get_if<http::response>(&loaded)) co_return std::move(*refusal);
    const auto& before = std::get<stored_campaign>(loaded);
    // An edit that does not name the organizer leaves the campaign where it is.
    if (!body.contains("organizer_id")) body["organizer_id"] = before.value.organizer_id;
    auto parsed = campaign_of(body);
    if (auto* refusal = std::get_if<http::response>(&parsed)) co_return std::move(*refusal);
    auto& after = std::get<vote::campaign>(parsed);
    if (auto refusal = place_campaign(who, after, before.value.organizer_id, w.shared.cfg))
        co_return std::move(*refusal);
    if (auto locked = vote::locked_change(before.value, after, now_ms()))
        co_return http::json_error(http::status::conflict, locked->code, locked->message);
    if (after.scoring != before.value.scoring) {
        error_code ec;
        auto published = co_await published_field(*w.redis, cid, "results", ec);
        if (ec) co_return redis_unavailable();
        if (published)
            co_return http::json_error(http::status::conflict, "results_published", "结果已经公布，不能再修改计分设置");
    }
    co_return co_await replace_campaign(w, who, before, after, "campaign.update");
}

asio::awaitable<http::reply> open_campaign(worker_state& w, http::request_context& ctx) {
    auto staff = co_await find_staff_campaign(w, ctx, true, true);
    if (!staff.campaign) co_return std::move(staff.refusal);
    auto loaded = co_await load_stored(w, *staff.who, staff.campaign->id);
    if (auto* refusal = std::get_if<http::response>(&loaded)) co_return std::move(*refusal);
    const auto& before = std::get<stored_campaign>(loaded);
    auto after = vote::opened_now(before.value, now_ms());
    if (!after)
        co_return http::json_error(http::status::conflict, "campaign_closed", "活动已结束，如需延长请修改截止时间");
    co_return co_await replace_campaign(w, *staff.who, before, *after, "campaign.open");
}

asio::awaitable<http::reply> close_campaign(worker_state& w, http::request_context& ctx) {
    auto staff = co_await find_staff_campaign(w, ctx, true, true);
    if (!staff.campaign) co_return std::move(staff.refusal);
    auto loaded = co_await load_stored(w, *staff.who, staff.campaign->id);
    if (auto* refusal = std::get_if<http::response>(&loaded)) co_return std::move(*refusal);
    const auto& before = std::get<stored_campaign>(loaded);
    co_return co_await replace_campaign(w, *staff.who, before, vote::closed_now(before.value, now_ms()),
                                        "campaign.close");
}

// Anyone gets every campaign (the voters' list); signed-in staff of a county
// only their organizer's. The summaries are public either way: this spares
// the county's pages the city's campaigns, it keeps no secret.
asio::awaitable<http::reply> list_campaigns(worker_state& w, http::request_context& ctx) {
    auto auth = co_await authenticate(w, ctx, false, false);
    const principal caller = auth.who.value_or(principal{});
    error_code ec;
    auto all = co_await w.campaigns->all(ec);
    if (ec) co_return redis_unavailable();
    auto now = now_ms();
    nlohmann::json list = nlohmann::json::array();
    for (const auto& c : all)
        if (in_scope(caller, c->organizer_id)) list.push_back(summary_json(*c, now));
    co_return json_ok({{"campaigns", list}});
}

asio::awaitable<http::reply> get_campaign(worker_state& w, http::request_context& ctx) {
    auto found = co_await find_campaign(w, ctx);
    if (!found.campaign) co_return std::move(found.refusal);
    const auto& c = found.campaign;
    co_return json_ok(c->public_json(now_ms()));
}

asio::awaitable<http::reply> get_tally(worker_state& w, http::request_context& ctx) {
    auto found = co_await find_campaign(w, ctx);
    if (!found.campaign) co_return std::move(found.refusal);
    const auto& c = found.campaign;
    if (c->visibility != vote::tally_visibility::everyone) {
        auto auth = co_await authenticate_for(w, ctx, *c, false, false);
        if (!auth.who) co_return std::move(auth.refusal);
    }
    auto command = vote::tally_command(c->id);
    auto r = co_await w.redis->exec(std::move(command));
    if (r.ec) co_return redis_unavailable();
    co_return json_ok(vote::tally_json(vote::parse_tally(r.value.strings()), *c));
}

asio::awaitable<http::reply> get_refusals(worker_state& w, http::request_context& ctx) {
    auto staff = co_await find_staff_campaign(w, ctx, false, false);
    if (!staff.campaign) co_return std::move(staff.refusal);
    const auto& c = staff.campaign;
    auto r = co_await w.redis->exec(vote::refusals_command(c->id));
    if (!r.ok()) co_return redis_unavailable();
    co_return json_ok(vote::refusals_json(r.value.strings()));
}

asio::awaitable<http::reply> get_digest(worker_state& w, chain_cache& chains, http::request_context& ctx) {
    auto found = co_await find_campaign(w, ctx);
    if (!found.campaign) co_return std::move(found.refusal);
    const auto& c = found.campaign;
    error_code ec;
    auto d = co_await chains.extend(c->id, ec);
    if (ec) co_return redis_unavailable();
    co_return json_ok({{"count", d.count}, {"head", d.head}});
}

asio::awaitable<http::reply> get_receipt(worker_state& w, chain_cache& chains, http::request_context& ctx) {
    auto found = co_await find_campaign(w, ctx);
    if (!found.campaign) co_return std::move(found.refusal);
    const auto& c = found.campaign;
    error_code ec;
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
    auto staff = co_await find_staff_campaign(w, ctx, false, false);
    if (!staff.campaign) co_return std::move(staff.refusal);
    const auto& c = staff.campaign;
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
    r.add(http::verb::put, "/api/v1/campaigns/{cid}",
          [&w](http::request_context& ctx) { return update_campaign(w, ctx); }, {.body_limit = 1024 * 1024});
    r.add(http::verb::post, "/api/v1/campaigns/{cid}/open",
          [&w](http::request_context& ctx) { return open_campaign(w, ctx); });
    r.add(http::verb::post, "/api/v1/campaigns/{cid}/close",
          [&w](http::request_context& ctx) { return close_campaign(w, ctx); });
    r.add(http::verb::get, "/api/v1/campaigns/{cid}",
          [&w](http::request_context& ctx) { return get_campaign(w, ctx); });
    r.add(http::verb::get, "/api/v1/campaigns/{cid}/tally",
          [&w](http::request_context& ctx) { return get_tally(w, ctx); });
    r.add(http::verb::get, "/api/v1/campaigns/{cid}/refusals",
          [&w](http::request_context& ctx) { return get_refusals(w, ctx); });
    r.add(http::verb::get, "/api/v1/campaigns/{cid}/audit-log",
          [&w](http::request_context& ctx) { return export_log(w, ctx); });
    r.add(http::verb::get, "/api/v1/campaigns/{cid}/audit-log/digest",
          [&w, chains](http::request_context& ctx) { return get_digest(w, *chains, ctx); });
    r.add(http::verb::get, "/api/v1/campaigns/{cid}/receipts/{receipt}",
          [&w, chains](http::request_context& ctx) { return get_receipt(w, *chains, ctx); });
}

}  // namespace pingyi::server
