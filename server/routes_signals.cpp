// Anomaly signals for staff (issue 10, DESIGN.md "Evidence over blocking"):
// the current signals of a campaign with their evidence and reviews, and an
// admin's review of one. A confirmed fraud sets the unit's status to fraud
// (Art. 15); nothing here writes or deletes a ballot or a tally.
#include <algorithm>
#include <cmath>
#include <cstdio>

#include <nlohmann/json.hpp>

#include "redis/connection.hpp"
#include "server/admin_log.hpp"
#include "server/app.hpp"
#include "server/auth.hpp"
#include "server/campaign_cache.hpp"
#include "server/log.hpp"
#include "server/responses.hpp"
#include "server/route_campaign.hpp"
#include "server/scoring_store.hpp"
#include "server/signal_store.hpp"
#include "vote/time.hpp"

namespace pingyi::server {

namespace asio = boost::asio;
using boost::system::error_code;
using nlohmann::json;

namespace {

constexpr std::size_t max_reason_bytes = 2000;

std::string percent(double share) {
    char text[32];
    std::snprintf(text, sizeof text, "%.1f%%", share * 100.0);
    return text;
}

std::string number(double value) {
    char text[32];
    std::snprintf(text, sizeof text, "%.1f", value);
    return text;
}

double share(std::uint64_t part, std::uint64_t whole) {
    return whole == 0 ? 0.0 : static_cast<double>(part) / static_cast<double>(whole);
}

// Shares and rates as JSON numbers with three decimals: enough to read, and
// the same text on every run.
double rounded(double value) { return std::round(value * 1000.0) / 1000.0; }

std::string time_of(std::int64_t ms) { return vote::format_rfc3339_shanghai(ms); }

// One line in Chinese saying what the signal means.
std::string summary(const vote::signal& s, const vote::anomaly_config& cfg) {
    auto of_unit = "单位 " + s.unit + " 的 " + std::to_string(s.unit_votes) + " 票中 " + std::to_string(s.votes) +
                   " 票（" + percent(share(s.votes, s.unit_votes)) + "）";
    switch (s.kind) {
    case vote::signal_kind::burst:
        return "单位 " + s.unit + " 在 " + time_of(s.first_ms) + " 至 " + time_of(s.last_ms) + " 集中得票 " +
               std::to_string(s.votes) + " 票，最高每分钟 " + number(s.peak_per_minute) + " 票，平时每分钟 " +
               number(s.baseline_per_minute) + " 票";
    case vote::signal_kind::address_share: return of_unit + "来自同一地址 " + s.address;
    case vote::signal_kind::network_share: return of_unit + "来自同一网段 " + s.network;
    case vote::signal_kind::address_voters: {
        std::string units;
        for (const auto& [unit, votes] : s.units)
            units += (units.empty() ? "" : "、") + unit + "（" + std::to_string(votes) + " 票）";
        return "同一地址 " + s.address + " 有 " + std::to_string(s.voters) + " 个不同的投票人，共投 " +
               std::to_string(s.votes) + " 张选票，投给 " + units;
    }
    case vote::signal_kind::fresh_follow:
        return of_unit + "由关注公众号后 " + std::to_string(cfg.fresh_minutes) + " 分钟内的账号投出，其他单位为 " +
               percent(s.reference_share);
    case vote::signal_kind::electorate:
        return "单位 " + s.unit + " 得票 " + std::to_string(s.unit_votes) + " 票，超过设定的合理选民数 " +
               std::to_string(s.electorate.value_or(0));
    }
    return {};
}

json evidence_json(const vote::signal& s) {
    json e = {{"from", time_of(s.first_ms)},
              {"to", time_of(s.last_ms)},
              {"votes", s.votes},
              {"unit_votes", s.unit_votes},
              {"samples", s.samples}};
    switch (s.kind) {
    case vote::signal_kind::burst:
        e["baseline_per_minute"] = rounded(s.baseline_per_minute);
        e["peak_per_minute"] = rounded(s.peak_per_minute);
        break;
    case vote::signal_kind::address_share:
        e["share"] = rounded(share(s.votes, s.unit_votes));
        e["address"] = s.address;
        e["network"] = s.network;
        break;
    case vote::signal_kind::network_share:
        e["share"] = rounded(share(s.votes, s.unit_votes));
        e["network"] = s.network;
        break;
    case vote::signal_kind::address_voters: {
        e["address"] = s.address;
        e["network"] = s.network;
        e["voters"] = s.voters;
        json units = json::array();
        for (const auto& [unit, votes] : s.units) units.push_back({{"id", unit}, {"votes", votes}});
        e["units"] = units;
        break;
    }
    case vote::signal_kind::fresh_follow:
        e["share"] = rounded(share(s.votes, s.unit_votes));
        e["other_units_share"] = rounded(s.reference_share);
        break;
    case vote::signal_kind::electorate: e["electorate"] = s.electorate.value_or(0); break;
    }
    return e;
}

json review_json(const signal_review& r) {
    return {{"decision", to_string(r.decision)}, {"reason", r.reason}, {"by", r.by}, {"at", time_of(r.at_ms)}};
}

json thresholds_json(const vote::anomaly_config& c) {
    return {{"burst_window_minutes", c.burst_window_minutes}, {"burst_min_votes", c.burst_min_votes},
            {"burst_factor", c.burst_factor},                 {"address_share", c.address_share},
            {"address_min_votes", c.address_min_votes},       {"network_share", c.network_share},
            {"network_min_votes", c.network_min_votes},       {"address_min_voters", c.address_min_voters},
            {"fresh_minutes", c.fresh_minutes},               {"fresh_share", c.fresh_share},
            {"fresh_ratio", c.fresh_ratio},                   {"fresh_min_votes", c.fresh_min_votes},
            {"samples", c.samples}};
}

http::response signal_not_found() {
    return http::json_error(http::status::not_found, "signal_not_found", "没有这个异常信号");
}

asio::awaitable<http::reply> get_signals(worker_state& w, signal_store& store, http::request_context& ctx) {
    auto staff = co_await find_staff_campaign(w, ctx, false, false);
    if (!staff.campaign) co_return std::move(staff.refusal);
    const auto& c = staff.campaign;
    error_code ec;
    auto snap = co_await store.current(*c, ec);
    if (ec) co_return redis_unavailable();
    auto reviews = co_await load_reviews(*w.redis, c->id, ec);
    if (ec) co_return redis_unavailable();
    json list = json::array();
    for (const auto& s : snap.signals) {
        auto review = reviews.find(s.id);
        list.push_back({{"id", s.id},
                        {"kind", vote::to_string(s.kind)},
                        {"unit", s.unit},
                        {"subject", s.subject},
                        {"summary", summary(s, store.config())},
                        {"evidence", evidence_json(s)},
                        {"review", review == reviews.end() ? json(nullptr) : review_json(review->second)}});
    }
    co_return json_ok({{"campaign", c->id},
                       {"analyzed", snap.analyzed},
                       {"thresholds", thresholds_json(store.config())},
                       {"signals", list}});
}

// The unit a fraud decision applies to: the signal's own, or for a signal
// spanning units (many voters behind one address) the one the body names.
std::optional<std::string> fraud_unit(const vote::signal& s, const json& body) {
    auto named = body.find("unit");
    if (s.unit != "*") {
        if (named != body.end() && (!named->is_string() || named->get<std::string>() != s.unit)) return std::nullopt;
        return s.unit;
    }
    if (named == body.end() || !named->is_string()) return std::nullopt;
    auto unit = named->get<std::string>();
    for (const auto& [id, votes] : s.units)
        if (id == unit) return unit;
    return std::nullopt;
}

asio::awaitable<http::reply> review_signal(worker_state& w, signal_store& store, http::request_context& ctx) {
    auto staff = co_await find_staff_campaign(w, ctx, true, true);
    if (!staff.campaign) co_return std::move(staff.refusal);
    const auto& c = staff.campaign;
    const auto& who = *staff.who;
    error_code ec;

    auto body = json::parse(ctx.req.body(), nullptr, false);
    if (body.is_discarded()) co_return invalid_input("invalid_json", "", "请求体须为有效的 JSON");
    if (!body.is_object())
        co_return invalid_input("invalid_review", "", "请求体须为对象 {\"decision\", \"reason\"}");
    for (const auto& item : body.items())
        if (item.key() != "decision" && item.key() != "reason" && item.key() != "unit")
            co_return invalid_input("invalid_review", item.key(), "未知字段：" + item.key());
    auto decision_field = body.find("decision");
    std::optional<review_decision> decision;
    if (decision_field != body.end() && decision_field->is_string())
        decision = parse_review_decision(decision_field->get<std::string>());
    if (!decision) co_return invalid_input("invalid_review", "decision", "decision 须为 fine 或 fraud");
    auto reason_field = body.find("reason");
    std::string reason;
    if (reason_field != body.end() && reason_field->is_string()) reason = reason_field->get<std::string>();
    if (reason.find_first_not_of(" \t\r\n") == std::string::npos)
        co_return invalid_input("invalid_review", "reason", "须写明审核理由");
    if (reason.size() > max_reason_bytes) co_return invalid_input("invalid_review", "reason", "理由过长");

    auto snap = co_await store.current(*c, ec);
    if (ec) co_return redis_unavailable();
    const auto& id = ctx.param("id");
    auto signal = std::find_if(snap.signals.begin(), snap.signals.end(), [&](const auto& s) { return s.id == id; });
    if (signal == snap.signals.end()) co_return signal_not_found();
    std::optional<std::string> unit;
    if (*decision == review_decision::fraud) {
        unit = fraud_unit(*signal, body);
        if (!unit) co_return invalid_input("invalid_review", "unit", "须指明此信号涉及的哪个单位弄虚作假");
    }

    signal_review review{*decision, reason, who.name, now_ms()};
    json detail = {{"signal", id}, {"decision", to_string(*decision)}, {"reason", reason}};
    if (unit) detail["unit"] = *unit;
    // Recorded first: a decision that cannot be recorded is not made.
    co_await record_admin_action(*w.redis, who, "signal.review", c->id, detail, ec);
    if (ec) co_return redis_unavailable();
    if (unit) {
        status_record status{eval::unit_status::fraud, "异常信号 " + id + "：" + reason, who.name, review.at_ms};
        auto changed = co_await set_unit_status(*w.redis, c->id, *unit, status, ec);
        if (ec) co_return redis_unavailable();
        if (!changed)
            co_return http::json_error(http::status::conflict, "published", "结果已发布，单位状态不能再更改");
    }
    co_await store_review(*w.redis, c->id, id, review, ec);
    if (ec) co_return redis_unavailable();
    // Not the id, which may name a voter's address: the audit trail has it.
    json logged = {{"campaign", c->id}, {"by", who.name}, {"kind", vote::to_string(signal->kind)},
                   {"decision", to_string(*decision)}};
    if (unit) logged["unit"] = *unit;
    log::info("signal reviewed", logged);
    json answer = {{"id", id}, {"review", review_json(review)}};
    if (unit) answer["unit"] = {{"id", *unit}, {"status", "fraud"}};
    co_return json_ok(answer);
}

}  // namespace

void add_signal_routes(http::router& r, worker_state& w) {
    auto store = std::make_shared<signal_store>(*w.redis, w.shared.cfg.anomaly_window_s * 1000LL);
    r.add(http::verb::get, "/api/v1/campaigns/{cid}/signals",
          [&w, store](http::request_context& ctx) { return get_signals(w, *store, ctx); });
    r.add(http::verb::post, "/api/v1/campaigns/{cid}/signals/{id}/review",
          [&w, store](http::request_context& ctx) { return review_signal(w, *store, ctx); });
}

}  // namespace pingyi::server
