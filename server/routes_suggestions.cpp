// The public's suggestions to units and the units' rectification reports
// (整改情况, Art. 3(6)). Voters leave suggestions on the vote page while the
// campaign is open; staff approve or reject them before anyone sees them;
// each unit, through its portal link, answers the approved suggestions and
// the panel's published comments, and submits the report before the next
// year's campaign opens, whose vote page shows it.
#include <nlohmann/json.hpp>

#include "http/query.hpp"
#include "redis/connection.hpp"
#include "server/admin_log.hpp"
#include "server/app.hpp"
#include "server/pages.hpp"
#include "server/campaign_cache.hpp"
#include "server/log.hpp"
#include "server/rectification_store.hpp"
#include "server/responses.hpp"
#include "server/route_campaign.hpp"
#include "server/scoring_store.hpp"
#include "server/signed_links.hpp"
#include "server/suggestion_store.hpp"
#include "server/unit_links.hpp"
#include "server/voter_request.hpp"
#include "vote/time.hpp"

namespace pingyi::server {

namespace asio = boost::asio;
using boost::system::error_code;
using nlohmann::json;

namespace {

// Listings read at most this many suggestions at once; the moderation
// queue shows the oldest first, so the rest come up as these are decided.
constexpr std::size_t list_limit = 1000;
constexpr std::size_t max_reason_chars = 500;

json time_json(std::int64_t ms) { return ms > 0 ? json(vote::format_rfc3339_shanghai(ms)) : json(nullptr); }
json time_json(std::optional<std::int64_t> ms) { return time_json(ms.value_or(0)); }

http::response unit_not_found() { return http::json_error(http::status::not_found, "unit_not_found", "没有这个单位"); }

http::response no_session() { return http::json_error(http::status::unauthorized, "no_session", "请先通过微信登录"); }

std::optional<json> body_json(const http::request_context& ctx) {
    auto j = json::parse(ctx.req.body(), nullptr, false);
    if (j.is_discarded()) return std::nullopt;
    return j;
}

http::response not_json() { return invalid_input("invalid_json", "", "请求体须为有效的 JSON"); }

std::string unit_name(const vote::campaign& c, std::string_view uid) {
    const auto* u = c.find_unit(uid);
    return u ? u->name : std::string(uid);
}

json public_json(const suggestion& s) { return {{"id", s.id}, {"text", s.text}, {"at", time_json(s.at_ms)}}; }

json staff_json(const vote::campaign& c, const suggestion& s) {
    return {{"id", s.id},
            {"unit", s.unit},
            {"unit_name", unit_name(c, s.unit)},
            {"text", s.text},
            {"at", time_json(s.at_ms)},
            {"state", to_string(s.state)},
            {"moderator", s.moderator},
            {"reason", s.reason},
            {"moderated_at", time_json(s.moderated_ms)}};
}

// Seconds until the next Shanghai day, when a voter may leave suggestions again.
std::int64_t seconds_to_next_day(std::int64_t now) {
    const auto next = (vote::day_number(now) + 1) * vote::day_ms - vote::shanghai_offset_ms;
    return (next - now + 999) / 1000;
}

// POST units/<uid>/suggestions: the voter's session and CSRF token are
// checked as for a ballot; accepted only while the campaign is open.
asio::awaitable<http::reply> leave_suggestion(worker_state& w, http::request_context& ctx) {
    auto session = voter_session_of(w, ctx);
    if (!session) co_return no_session();
    error_code ec;
    auto campaign = co_await w.campaigns->get(ctx.param("cid"), ec);
    if (ec) co_return redis_unavailable();
    if (campaign && !session_for_campaign(w, *session, *campaign)) co_return no_session();
    if (!voter_csrf_ok(ctx)) co_return http::json_error(http::status::forbidden, "csrf", "页面已过期，请刷新后重试");
    if (!campaign) co_return campaign_not_found();
    const auto* unit = campaign->find_unit(ctx.param("uid"));
    if (!unit) co_return unit_not_found();
    auto body = body_json(ctx);
    if (!body) co_return not_json();
    if (!body->is_object()) co_return invalid_input("invalid_suggestion", "", "请求体须为对象 {\"text\": \"…\"}");
    for (const auto& item : body->items())
        if (item.key() != "text") co_return invalid_input("invalid_suggestion", item.key(), "未知字段：" + item.key());
    auto text = body->find("text");
    if (text == body->end() || !text->is_string())
        co_return invalid_input("invalid_suggestion", "text", "请填写建议内容");
    auto checked = check_free_text(text->get<std::string>(), suggestion_min_chars, suggestion_max_chars);
    if (!checked.problem.empty()) co_return invalid_input("invalid_suggestion", "text", "建议" + checked.problem);
    const auto now = now_ms();
    if (campaign->state(now) != vote::campaign_state::open)
        co_return http::json_error(http::status::forbidden, "not_open", "评议不在进行中，不能提交建议");

    suggestion s;
    s.unit = unit->id;
    s.text = std::move(checked.text);
    s.at_ms = now;
    auto added = co_await add_suggestion(*w.redis, campaign->id, s, session->pseudonym, now, ec);
    if (ec) co_return redis_unavailable();
    if (!added.id) {
        auto res = http::json_error(http::status::too_many_requests, "suggestion_limit",
                                    "今天已提交 " + std::to_string(suggestions_per_day) + " 条建议，请明天再来");
        res.set(http::field::retry_after, std::to_string(seconds_to_next_day(now)));
        co_return res;
    }
    log::info("suggestion received", {{"campaign", campaign->id}, {"unit", unit->id}, {"id", *added.id}});
    co_return json_ok({{"id", *added.id},
                       {"state", to_string(suggestion_state::pending)},
                       {"message", "提交成功，审核后公开"},
                       {"left_today", added.left_today}},
                      http::status::created);
}

// GET suggestions: anyone gets the approved ones by unit; with ?status=
// staff get the moderation list.
asio::awaitable<http::reply> list_suggestions(worker_state& w, http::request_context& ctx) {
    auto status = http::query_param(ctx.query, "status");
    error_code ec;
    if (!status) {
        auto found = co_await find_campaign(w, ctx);
        if (!found.campaign) co_return std::move(found.refusal);
        const auto& c = *found.campaign;
        auto approved = co_await load_suggestions(*w.redis, c.id, suggestion_state::approved, list_limit, ec);
        if (ec) co_return redis_unavailable();
        json units = json::array();
        for (const auto& u : c.units) {
            json list = json::array();
            for (const auto& s : approved.items)
                if (s.unit == u.id) list.push_back(public_json(s));
            units.push_back({{"id", u.id}, {"name", u.name}, {"suggestions", std::move(list)}});
        }
        co_return json_ok({{"campaign", c.id}, {"units", std::move(units)}});
    }
    auto found = co_await find_staff_campaign(w, ctx, false, false);
    if (!found.campaign) co_return std::move(found.refusal);
    const auto& c = *found.campaign;
    auto state = parse_suggestion_state(*status);
    if (!state && *status != "all")
        co_return invalid_input("invalid_status", "status", "status 须为 pending、approved、rejected 或 all");
    auto list = co_await load_suggestions(*w.redis, c.id, state, list_limit, ec);
    if (ec) co_return redis_unavailable();
    json items = json::array();
    for (const auto& s : list.items) items.push_back(staff_json(c, s));
    co_return json_ok({{"campaign", c.id},
                       {"status", *status},
                       {"counts", {{"pending", list.pending}, {"approved", list.approved}, {"rejected", list.rejected}}},
                       {"limit", list_limit},
                       {"suggestions", std::move(items)}});
}

asio::awaitable<http::reply> moderate(worker_state& w, http::request_context& ctx) {
    auto found = co_await find_staff_campaign(w, ctx, true, true);
    if (!found.campaign) co_return std::move(found.refusal);
    const auto& c = *found.campaign;
    const auto& who = found.who->name;
    auto body = body_json(ctx);
    if (!body) co_return not_json();
    if (!body->is_object())
        co_return invalid_input("invalid_moderation", "", "请求体须为对象 {\"decision\", \"reason\"}");
    for (const auto& item : body->items())
        if (item.key() != "decision" && item.key() != "reason")
            co_return invalid_input("invalid_moderation", item.key(), "未知字段：" + item.key());
    auto field = body->find("decision");
    const std::string decision = field != body->end() && field->is_string() ? field->get<std::string>() : "";
    if (decision != "approve" && decision != "reject")
        co_return invalid_input("invalid_moderation", "decision", "decision 须为 approve 或 reject");
    std::string reason;
    if (auto r = body->find("reason"); r != body->end() && !r->is_null()) {
        if (!r->is_string()) co_return invalid_input("invalid_moderation", "reason", "reason 须为文字");
        auto checked = check_free_text(r->get<std::string>(), 0, max_reason_chars);
        if (!checked.problem.empty()) co_return invalid_input("invalid_moderation", "reason", "理由" + checked.problem);
        reason = std::move(checked.text);
    }
    if (decision == "reject" && reason.empty())
        co_return invalid_input("invalid_moderation", "reason", "不予公开须写明理由");

    error_code ec;
    auto s = co_await find_suggestion(*w.redis, c.id, ctx.param("sid"), ec);
    if (ec) co_return redis_unavailable();
    if (!s) co_return http::json_error(http::status::not_found, "suggestion_not_found", "没有这条建议");
    s->state = decision == "approve" ? suggestion_state::approved : suggestion_state::rejected;
    s->moderator = who;
    s->reason = reason;
    s->moderated_ms = now_ms();
    const json detail = {{"suggestion", s->id}, {"unit", s->unit}, {"decision", decision}, {"reason", reason}};
    // Recorded first: a decision that cannot be recorded is not made.
    co_await record_admin_action(*w.redis, *found.who, "suggestion.moderate", c.id, detail, ec);
    if (ec) co_return redis_unavailable();
    auto stored = co_await store_moderation(*w.redis, c.id, *s, ec);
    if (ec) co_return redis_unavailable();
    if (!stored) co_return http::json_error(http::status::not_found, "suggestion_not_found", "没有这条建议");
    log::info("suggestion moderated", {{"campaign", c.id}, {"id", s->id}, {"decision", decision}, {"by", who}});
    co_return json_ok(staff_json(c, *s));
}

// The due date of the campaign's reports: when its successor opens.
asio::awaitable<std::optional<std::int64_t>> due_of(worker_state& w, std::string_view cid, error_code& ec) {
    auto all = co_await w.campaigns->all(ec);
    co_return rectification_due(cid, all);
}

std::string_view state_name(const rectification_report* r) {
    if (!r) return "none";
    return r->submitted_ms ? "submitted" : "draft";
}

asio::awaitable<http::reply> list_rectifications(worker_state& w, http::request_context& ctx) {
    auto found = co_await find_staff_campaign(w, ctx, false, false);
    if (!found.campaign) co_return std::move(found.refusal);
    const auto& c = *found.campaign;
    error_code ec;
    auto due = co_await due_of(w, c.id, ec);
    if (ec) co_return redis_unavailable();
    auto reports = co_await load_rectifications(*w.redis, c.id, ec);
    if (ec) co_return redis_unavailable();
    const auto now = now_ms();
    json units = json::array();
    for (const auto& u : c.units) {
        auto it = reports.find(u.id);
        const rectification_report* r = it == reports.end() ? nullptr : &it->second;
        const auto submitted = r ? r->submitted_ms : std::nullopt;
        units.push_back({{"id", u.id},
                         {"name", u.name},
                         {"state", state_name(r)},
                         {"saved_at", time_json(r ? r->saved_ms : 0)},
                         {"submitted_at", time_json(submitted)},
                         {"status", to_string(status_of(submitted, due, now))}});
    }
    co_return json_ok({{"campaign", c.id}, {"due", time_json(due)}, {"units", std::move(units)}});
}

json report_items_json(const rectification_report& r) {
    json items = json::array();
    for (const auto& a : r.items)
        items.push_back({{"id", a.item.id}, {"from", a.item.from}, {"text", a.item.text}, {"answer", a.answer}});
    return items;
}

// What last year's units reported, for this year's vote page.
asio::awaitable<http::reply> previous_rectifications(worker_state& w, http::request_context& ctx) {
    auto found = co_await find_campaign(w, ctx);
    if (!found.campaign) co_return std::move(found.refusal);
    const auto& c = *found.campaign;
    if (c.previous_campaign.empty()) co_return json_ok({{"campaign", c.id}, {"previous", nullptr}, {"units", json::array()}});
    error_code ec;
    auto previous = co_await w.campaigns->get(c.previous_campaign, ec);
    if (ec) co_return redis_unavailable();
    if (!previous) co_return json_ok({{"campaign", c.id}, {"previous", nullptr}, {"units", json::array()}});
    auto reports = co_await load_rectifications(*w.redis, previous->id, ec);
    if (ec) co_return redis_unavailable();
    json units = json::array();
    for (const auto& u : c.units) {
        auto it = reports.find(u.id);
        if (it == reports.end() || !it->second.submitted_ms || !previous->find_unit(u.id)) continue;
        const auto& r = it->second;
        units.push_back({{"id", u.id},
                         {"name", u.name},
                         {"overall", r.overall},
                         {"items", report_items_json(r)},
                         {"submitted_at", time_json(r.submitted_ms)}});
    }
    co_return json_ok({{"campaign", c.id},
                       {"previous", {{"id", previous->id}, {"title", previous->title}}},
                       {"units", std::move(units)}});
}

// The holder of a unit's portal link, on that unit of that campaign.
struct unit_holder {
    campaign_ptr campaign;
    const vote::unit* unit = nullptr;
    http::response refusal;  // when !campaign
};

asio::awaitable<unit_holder> check_unit_link(worker_state& w, http::request_context& ctx) {
    auto token = presented_link_token(ctx);
    if (!token)
        co_return unit_holder{nullptr, nullptr,
                              http::json_error(http::status::unauthorized, "link_required", "请通过本单位的填报链接打开")};
    if (!unit_link_valid(w.shared.cookie_signer, ctx.param("cid"), ctx.param("uid"), *token))
        co_return unit_holder{nullptr, nullptr,
                              http::json_error(http::status::forbidden, "invalid_link", "链接无效，或不是本单位的链接")};
    auto found = co_await find_campaign(w, ctx);
    if (!found.campaign) co_return unit_holder{nullptr, nullptr, std::move(found.refusal)};
    const auto* unit = found.campaign->find_unit(ctx.param("uid"));
    if (!unit) co_return unit_holder{nullptr, nullptr, unit_not_found()};
    co_return unit_holder{std::move(found.campaign), unit, {}};
}

// What the unit may answer now: its approved suggestions, then the panel's
// comments once the results are published.
struct unit_feedback {
    std::vector<feedback_item> items;
    bool comments_published = false;
};

asio::awaitable<unit_feedback> load_feedback(worker_state& w, const vote::campaign& c, const vote::unit& u,
                                             error_code& ec) {
    unit_feedback out;
    auto approved = co_await load_suggestions(*w.redis, c.id, suggestion_state::approved, list_limit, ec);
    if (ec) co_return out;
    std::vector<suggestion> mine;
    for (auto& s : approved.items)
        if (s.unit == u.id) mine.push_back(std::move(s));
    auto inputs = co_await published_field(*w.redis, c.id, "inputs", ec);
    if (ec) co_return out;
    out.comments_published = inputs.has_value();
    out.items = feedback_items(mine, inputs ? published_comments(*inputs, u.id) : std::vector<std::string>{});
    co_return out;
}

json holder_json(const vote::campaign& c, const vote::unit& u) {
    return {{"campaign", {{"id", c.id}, {"title", c.title}, {"organizer", c.organizer},
                          {"state", vote::to_string(c.state(now_ms()))}}},
            {"unit", {{"id", u.id}, {"name", u.name}}}};
}

asio::awaitable<http::reply> get_feedback(worker_state& w, http::request_context& ctx) {
    auto holder = co_await check_unit_link(w, ctx);
    if (!holder.campaign) co_return std::move(holder.refusal);
    error_code ec;
    auto feedback = co_await load_feedback(w, *holder.campaign, *holder.unit, ec);
    if (ec) co_return redis_unavailable();
    json items = json::array();
    for (const auto& i : feedback.items)
        items.push_back({{"id", i.id},
                         {"kind", i.kind == feedback_kind::suggestion ? "suggestion" : "comment"},
                         {"from", i.from},
                         {"text", i.text}});
    auto answer = holder_json(*holder.campaign, *holder.unit);
    answer["comments_published"] = feedback.comments_published;
    answer["items"] = std::move(items);
    co_return json_ok(answer);
}

// The unit's report as its page shows it, with the due date and status.
asio::awaitable<http::reply> report_answer(worker_state& w, const unit_holder& holder, http::status s) {
    const auto& c = *holder.campaign;
    error_code ec;
    auto due = co_await due_of(w, c.id, ec);
    if (ec) co_return redis_unavailable();
    auto stored = co_await load_rectification(*w.redis, c.id, holder.unit->id, ec);
    if (ec) co_return redis_unavailable();
    const rectification_report* r = stored ? &stored->report : nullptr;
    const auto submitted = r ? r->submitted_ms : std::nullopt;
    json answers = json::object();
    if (r)
        for (const auto& a : r->items) answers[a.item.id] = a.answer;
    auto answer = holder_json(c, *holder.unit);
    answer.update({{"state", state_name(r)},
                   {"overall", r ? r->overall : ""},
                   {"answers", std::move(answers)},
                   {"items", r ? report_items_json(*r) : json::array()},
                   {"saved_at", time_json(r ? r->saved_ms : 0)},
                   {"submitted_at", time_json(submitted)},
                   {"due", time_json(due)},
                   {"status", to_string(status_of(submitted, due, now_ms()))}});
    co_return json_ok(answer, s);
}

http::response already_submitted() {
    return http::json_error(http::status::conflict, "already_submitted", "整改情况已经提交，不能再修改");
}

asio::awaitable<http::reply> get_rectification(worker_state& w, http::request_context& ctx) {
    auto holder = co_await check_unit_link(w, ctx);
    if (!holder.campaign) co_return std::move(holder.refusal);
    co_return co_await report_answer(w, holder, http::status::ok);
}

asio::awaitable<http::reply> put_rectification(worker_state& w, http::request_context& ctx) {
    auto holder = co_await check_unit_link(w, ctx);
    if (!holder.campaign) co_return std::move(holder.refusal);
    const auto& c = *holder.campaign;
    error_code ec;
    auto feedback = co_await load_feedback(w, c, *holder.unit, ec);
    if (ec) co_return redis_unavailable();
    auto parsed = parse_rectification(ctx.req.body(), feedback.items, now_ms());
    if (auto* err = std::get_if<vote::error>(&parsed)) co_return invalid_input(err->code, err->path, err->message);
    auto saved = co_await save_rectification(*w.redis, c.id, holder.unit->id, std::get<rectification_report>(parsed), ec);
    if (ec) co_return redis_unavailable();
    if (!saved) co_return already_submitted();
    co_return co_await report_answer(w, holder, http::status::ok);
}

asio::awaitable<http::reply> submit(worker_state& w, http::request_context& ctx) {
    auto holder = co_await check_unit_link(w, ctx);
    if (!holder.campaign) co_return std::move(holder.refusal);
    const auto& c = *holder.campaign;
    const auto& uid = holder.unit->id;
    error_code ec;
    auto stored = co_await load_rectification(*w.redis, c.id, uid, ec);
    if (ec) co_return redis_unavailable();
    if (!stored) co_return http::json_error(http::status::conflict, "no_draft", "请先保存整改情况，再提交");
    if (stored->report.submitted_ms) co_return already_submitted();
    if (stored->report.overall.empty())
        co_return http::json_error(http::status::conflict, "incomplete", "请填写整改情况总体说明后再提交");
    const json detail = {{"unit", uid}, {"answered", stored->report.items.size()}};
    // Recorded first, as staff actions are: a submission that cannot be recorded is not made.
    co_await record_admin_action(*w.redis, "link:unit:" + uid, "rectification.submit", c.id, detail, ec);
    if (ec) co_return redis_unavailable();
    auto outcome = co_await submit_rectification(*w.redis, c.id, uid, stored->text, now_ms(), ec);
    if (ec) co_return redis_unavailable();
    if (outcome == submit_outcome::already_submitted) co_return already_submitted();
    if (outcome == submit_outcome::changed)
        co_return http::json_error(http::status::conflict, "changed", "整改情况刚被修改，请刷新页面核对后再提交");
    log::info("rectification submitted", {{"campaign", c.id}, {"unit", uid}});
    co_return co_await report_answer(w, holder, http::status::ok);
}

}  // namespace

void add_suggestion_routes(http::router& r, worker_state& w) {
    const std::string base = "/api/v1/campaigns/{cid}";
    const std::string unit = base + "/units/{uid}";
    r.add(http::verb::post, unit + "/suggestions",
          [&w](http::request_context& ctx) { return leave_suggestion(w, ctx); }, {.body_limit = 8 * 1024});
    r.add(http::verb::get, base + "/suggestions", [&w](http::request_context& ctx) { return list_suggestions(w, ctx); });
    r.add(http::verb::post, base + "/suggestions/{sid}/moderate",
          [&w](http::request_context& ctx) { return moderate(w, ctx); }, {.body_limit = 8 * 1024});
    r.add(http::verb::get, base + "/rectifications",
          [&w](http::request_context& ctx) { return list_rectifications(w, ctx); });
    r.add(http::verb::get, base + "/previous-rectifications",
          [&w](http::request_context& ctx) { return previous_rectifications(w, ctx); });
    r.add(http::verb::get, unit + "/feedback", [&w](http::request_context& ctx) { return get_feedback(w, ctx); });
    r.add(http::verb::get, unit + "/rectification",
          [&w](http::request_context& ctx) { return get_rectification(w, ctx); });
    r.add(http::verb::put, unit + "/rectification",
          [&w](http::request_context& ctx) { return put_rectification(w, ctx); }, {.body_limit = 512 * 1024});
    r.add(http::verb::post, unit + "/rectification/submit",
          [&w](http::request_context& ctx) { return submit(w, ctx); });
    r.add(http::verb::get, "/unit/{cid}/rectification", [&w](http::request_context& ctx) -> asio::awaitable<http::reply> {
        co_return serve_link_page(w, ctx, "unit/rectification.html");
    });
}

}  // namespace pingyi::server
