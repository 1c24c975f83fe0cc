// The evaluation API (CONTRACT.md "JSON API", issue 8): panel and peer
// scores, unit statuses, public scores, results (JSON, CSV, printable
// report), publication, and the signed scoring links judges and units use
// at the meeting. The numbers come from eval/; this file reads and writes
// its inputs (server/scoring_store.hpp) and decides who may do what.
#include <algorithm>

#include <nlohmann/json.hpp>

#include "eval/config.hpp"
#include "eval/engine.hpp"
#include "eval/id.hpp"
#include "eval/results_format.hpp"
#include "eval/score_body.hpp"
#include "http/query.hpp"
#include "redis/connection.hpp"
#include "server/admin_log.hpp"
#include "server/app.hpp"
#include "server/auth.hpp"
#include "server/campaign_cache.hpp"
#include "server/evaluation.hpp"
#include "server/log.hpp"
#include "server/report.hpp"
#include "server/responses.hpp"
#include "server/route_campaign.hpp"
#include "server/scoring_links.hpp"
#include "server/scoring_store.hpp"
#include "vote/time.hpp"

namespace pingyi::server {

namespace asio = boost::asio;
using boost::system::error_code;
using nlohmann::json;

namespace {

constexpr std::size_t max_reason_bytes = 2000;
constexpr std::size_t max_judges = 500;
// Publication computes again when scores changed meanwhile; past this many
// tries someone is still editing, and staff should finish first.
constexpr int publish_attempts = 3;

http::response scores_frozen() {
    return http::json_error(http::status::conflict, "published", "结果已发布，评分和单位状态不能再更改");
}

http::response invalid_link() {
    return http::json_error(http::status::forbidden, "invalid_link", "评分链接无效，或不是此评分人的链接");
}

http::response unit_not_found() { return http::json_error(http::status::not_found, "unit_not_found", "没有这个单位"); }

json time_json(std::int64_t ms) { return ms > 0 ? json(vote::format_rfc3339_shanghai(ms)) : json(nullptr); }

// Who makes a change, and on which campaign: the holder of exactly this
// scorer's link, else an admin of the campaign's organizer. A link that does
// not fit is refused even if the caller is staff.
struct caller {
    std::optional<principal> who;  // for the audit trail
    std::string by;                // for the stored sheet
    campaign_ptr campaign;
    http::response refusal;
};

asio::awaitable<caller> link_holder_or_admin(worker_state& w, http::request_context& ctx, const scorer& who) {
    if (auto token = presented_link_token(ctx)) {
        if (!link_token_valid(w.shared.cookie_signer, ctx.param("cid"), who, *token))
            co_return caller{std::nullopt, {}, nullptr, invalid_link()};
        auto found = co_await find_campaign(w, ctx);
        if (!found.campaign) co_return caller{std::nullopt, {}, nullptr, std::move(found.refusal)};
        co_return caller{principal{"link:" + to_string(who)}, "link", std::move(found.campaign), {}};
    }
    auto staff = co_await find_staff_campaign(w, ctx, true, true);
    if (!staff.campaign) co_return caller{std::nullopt, {}, nullptr, std::move(staff.refusal)};
    auto by = staff.who->name;
    co_return caller{std::move(staff.who), std::move(by), std::move(staff.campaign), {}};
}

// The link holder of a read (scoring form, comments): `as` and the token.
struct link_read {
    std::optional<scorer> who;
    http::response refusal;
};

link_read check_link_read(worker_state& w, http::request_context& ctx) {
    auto as = http::query_param(ctx.query, "as");
    auto who = as ? parse_scorer(*as) : std::nullopt;
    if (!who)
        return {std::nullopt, http::json_error(http::status::bad_request, "invalid_scorer",
                                               "参数 as 须为 judge:<评委编号> 或 unit:<单位编号>")};
    auto token = presented_link_token(ctx);
    if (!token) return {std::nullopt, http::json_error(http::status::unauthorized, "link_required", "请通过评分链接打开")};
    if (!link_token_valid(w.shared.cookie_signer, ctx.param("cid"), *who, *token)) return {std::nullopt, invalid_link()};
    return {who, {}};
}

std::optional<json> body_json(const http::request_context& ctx) {
    auto j = json::parse(ctx.req.body(), nullptr, false);
    if (j.is_discarded()) return std::nullopt;
    return j;
}

http::response not_json() { return invalid_input("invalid_json", "", "请求体须为有效的 JSON"); }

// Audit first: a change that cannot be recorded is not made.
asio::awaitable<bool> audit(worker_state& w, const principal& who, std::string_view action, std::string_view cid,
                            const json& detail) {
    error_code ec;
    co_await record_admin_action(*w.redis, who, action, cid, detail, ec);
    co_return !ec;
}

// The request body parsed into sheets: every owner's (owner empty) or that
// owner's alone (then always one sheet, empty when it gave no scores).
eval::result<std::vector<score_sheet>> parse_sheets(sheet_kind kind, const json& body, const std::string& owner,
                                                    const std::vector<eval::unit>& units, std::int64_t at,
                                                    const std::string& by) {
    std::vector<score_sheet> sheets;
    if (kind == sheet_kind::panel) {
        auto parsed = owner.empty() ? eval::parse_panel_scores(body, units) : eval::parse_judge_scores(body, owner, units);
        if (!parsed) return parsed.err();
        sheets = sheets_of(parsed.value(), at, by);
    } else {
        auto parsed = owner.empty() ? eval::parse_peer_scores(body, units) : eval::parse_rater_scores(body, owner, units);
        if (!parsed) return parsed.err();
        sheets = sheets_of(parsed.value(), at, by);
    }
    if (!owner.empty() && sheets.empty()) sheets.push_back({owner, at, by, {}});
    return sheets;
}

std::string_view kind_name(sheet_kind kind) { return kind == sheet_kind::panel ? "panel" : "peer"; }

std::size_t item_count(const std::vector<score_sheet>& sheets) {
    std::size_t n = 0;
    for (const auto& s : sheets) n += s.items.size();
    return n;
}

// Writes sheets after the audit record; a refusal when that failed.
asio::awaitable<std::optional<http::response>> store_sheets(worker_state& w, const std::string& cid, sheet_kind kind,
                                                            const std::vector<score_sheet>& sheets, bool whole,
                                                            const principal& who) {
    json detail = {{"owners", json::array()}, {"scores", item_count(sheets)}, {"whole", whole}};
    for (const auto& s : sheets) detail["owners"].push_back(s.owner);
    const auto action = "scores." + std::string(kind_name(kind)) + ".replace";
    auto recorded = co_await audit(w, who, action, cid, detail);
    if (!recorded) co_return redis_unavailable();
    error_code ec;
    auto changed = co_await replace_sheets(*w.redis, cid, kind, sheets, whole, ec);
    if (ec) co_return redis_unavailable();
    if (!changed) co_return scores_frozen();
    log::info("scores replaced", {{"campaign", cid}, {"action", action}, {"by", who.name}, {"detail", detail}});
    co_return std::nullopt;
}

// PUT panel-scores and peer-scores: every judge's (rater's) scores at once.
asio::awaitable<http::reply> put_all_scores(worker_state& w, http::request_context& ctx, sheet_kind kind) {
    auto staff = co_await find_staff_campaign(w, ctx, true, true);
    if (!staff.campaign) co_return std::move(staff.refusal);
    const auto& c = staff.campaign;
    auto body = body_json(ctx);
    if (!body) co_return not_json();
    auto sheets = parse_sheets(kind, *body, {}, eval_units(*c, {}), now_ms(), staff.who->name);
    if (!sheets) co_return invalid_input("invalid_scores", sheets.err().path, sheets.err().message);
    auto failure = co_await store_sheets(w, c->id, kind, sheets.value(), true, *staff.who);
    if (failure) co_return std::move(*failure);
    json owners = json::array();
    for (const auto& sheet : sheets.value()) owners.push_back(sheet.owner);
    co_return json_ok({{kind == sheet_kind::panel ? "judges" : "raters", std::move(owners)},
                       {"scores", item_count(sheets.value())}});
}

// PUT panel-scores/<judge> and peer-scores/<rater>: that one's scores only.
asio::awaitable<http::reply> put_own_scores(worker_state& w, http::request_context& ctx, sheet_kind kind) {
    const auto& owner = ctx.param(kind == sheet_kind::panel ? "judge" : "rater");
    if (!eval::is_valid_id(owner))
        co_return invalid_input("invalid_scores", "", "编号须为 1 到 64 个字母、数字、_ 或 -");
    const scorer holder{kind == sheet_kind::panel ? scorer_kind::judge : scorer_kind::unit, owner};
    auto who = co_await link_holder_or_admin(w, ctx, holder);
    if (!who.campaign) co_return std::move(who.refusal);
    const auto& c = who.campaign;
    auto body = body_json(ctx);
    if (!body) co_return not_json();
    auto at = now_ms();
    auto sheets = parse_sheets(kind, *body, owner, eval_units(*c, {}), at, who.by);
    if (!sheets) co_return invalid_input("invalid_scores", sheets.err().path, sheets.err().message);
    auto failure = co_await store_sheets(w, c->id, kind, sheets.value(), false, *who.who);
    if (failure) co_return std::move(*failure);
    co_return json_ok({{kind == sheet_kind::panel ? "judge" : "rater", owner},
                       {"scores", item_count(sheets.value())},
                       {"submitted_at", time_json(at)}});
}

asio::awaitable<http::reply> put_status(worker_state& w, http::request_context& ctx) {
    auto staff = co_await find_staff_campaign(w, ctx, true, true);
    if (!staff.campaign) co_return std::move(staff.refusal);
    const auto& c = staff.campaign;
    const auto& who = *staff.who;
    error_code ec;
    const auto& uid = ctx.param("uid");
    if (!c->find_unit(uid)) co_return unit_not_found();
    auto body = body_json(ctx);
    if (!body) co_return not_json();
    if (!body->is_object()) co_return invalid_input("invalid_status", "", "请求体须为对象 {\"status\", \"reason\"}");
    for (const auto& item : body->items())
        if (item.key() != "status" && item.key() != "reason")
            co_return invalid_input("invalid_status", item.key(), "未知字段：" + item.key());
    auto status_field = body->find("status");
    std::optional<eval::unit_status> status;
    if (status_field != body->end() && status_field->is_string())
        status = eval::parse_unit_status(status_field->get<std::string>());
    if (!status) co_return invalid_input("invalid_status", "status", "status 须为 present、absent 或 fraud");
    auto reason_field = body->find("reason");
    std::string reason;
    if (reason_field != body->end() && !reason_field->is_null()) {
        if (!reason_field->is_string()) co_return invalid_input("invalid_status", "reason", "reason 须为字符串");
        reason = reason_field->get<std::string>();
    }
    if (reason.size() > max_reason_bytes) co_return invalid_input("invalid_status", "reason", "原因过长");
    if (*status != eval::unit_status::present && reason.find_first_not_of(" \t\r\n") == std::string::npos)
        co_return invalid_input("invalid_status", "reason", "缺席评议或弄虚作假须写明原因");

    status_record record{*status, reason, who.name, now_ms()};
    json detail = {{"unit", uid}, {"status", eval::to_string(*status)}, {"reason", reason}};
    auto recorded = co_await audit(w, who, "unit.status", c->id, detail);
    if (!recorded) co_return redis_unavailable();
    auto changed = co_await set_unit_status(*w.redis, c->id, uid, record, ec);
    if (ec) co_return redis_unavailable();
    if (!changed) co_return scores_frozen();
    log::info("unit status set", {{"campaign", c->id}, {"by", who.name}, {"detail", detail}});
    co_return json_ok({{"id", uid}, {"status", eval::to_string(*status)}, {"reason", reason},
                       {"updated_at", time_json(record.at_ms)}});
}

asio::awaitable<http::reply> get_public_scores(worker_state& w, http::request_context& ctx) {
    auto staff = co_await find_staff_campaign(w, ctx, false, false);
    if (!staff.campaign) co_return std::move(staff.refusal);
    const auto& c = staff.campaign;
    evaluation e;
    auto failure = co_await evaluate_now(w, *c, e);
    if (failure) co_return std::move(*failure);
    co_return http::json_response(http::status::ok, eval::public_scores_json(e.config.method, e.units));
}

// The three forms of the results, each frozen at publication.
enum class results_form { json, csv, report };

std::string_view field_of(results_form form) {
    switch (form) {
    case results_form::json: return "results";
    case results_form::csv: return "csv";
    case results_form::report: return "report";
    }
    return "results";
}

std::string render(results_form form, const vote::campaign& c, const evaluation& e,
                   std::optional<std::int64_t> published_ms) {
    switch (form) {
    case results_form::json: return eval::results_json(e.units, published_ms.has_value());
    case results_form::csv: return eval::results_csv(e.units);
    case results_form::report: return results_report_html({c.title, c.organizer, published_ms}, e.units, e.config);
    }
    return {};
}

http::response respond(results_form form, const vote::campaign& c, std::string text) {
    switch (form) {
    case results_form::json: return http::json_response(http::status::ok, std::move(text));
    case results_form::report: return html_page(http::status::ok, std::move(text));
    case results_form::csv: break;
    }
    http::response res{http::status::ok, 11};
    res.set(http::field::content_type, "text/csv; charset=utf-8");
    res.set(http::field::content_disposition, "attachment; filename=\"" + c.id + "-results.csv\"");
    res.set(http::field::cache_control, "no-store");
    res.body() = std::move(text);
    return res;
}

// Anyone gets the published form; before publication, staff get it
// computed now (the report marked as a draft).
asio::awaitable<http::reply> get_results(worker_state& w, http::request_context& ctx, results_form form) {
    auto found = co_await find_campaign(w, ctx);
    if (!found.campaign) co_return std::move(found.refusal);
    const auto& c = found.campaign;
    error_code ec;
    auto frozen = co_await published_field(*w.redis, c->id, field_of(form), ec);
    if (ec) co_return redis_unavailable();
    if (frozen) co_return respond(form, *c, std::move(*frozen));
    auto auth = co_await authenticate_for(w, ctx, *c, false, false);
    if (!auth.who) co_return std::move(auth.refusal);
    evaluation e;
    auto failure = co_await evaluate_now(w, *c, e);
    if (failure) co_return std::move(*failure);
    co_return respond(form, *c, render(form, *c, e, std::nullopt));
}

asio::awaitable<http::reply> publish(worker_state& w, http::request_context& ctx) {
    auto staff = co_await find_staff_campaign(w, ctx, true, true);
    if (!staff.campaign) co_return std::move(staff.refusal);
    const auto& c = staff.campaign;
    const auto& who = *staff.who;
    error_code ec;
    auto already = http::json_error(http::status::conflict, "already_published", "结果已经发布，不能重复发布");
    // Frozen results must include every vote: nothing is published while ballots can still come in.
    if (c->state(now_ms()) != vote::campaign_state::closed)
        co_return http::json_error(http::status::conflict, "voting_not_closed", "网络评议尚未结束，不能发布结果");
    for (int attempt = 0; attempt < publish_attempts; ++attempt) {
        evaluation e;
        auto failure = co_await evaluate_now(w, *c, e);
        if (failure) co_return std::move(*failure);
        if (e.snapshot.published) co_return already;
        frozen_results frozen;
        frozen.at_ms = now_ms();
        frozen.by = who.name;
        frozen.results = render(results_form::json, *c, e, frozen.at_ms);
        frozen.csv = render(results_form::csv, *c, e, frozen.at_ms);
        frozen.report = render(results_form::report, *c, e, frozen.at_ms);
        frozen.inputs = frozen_inputs_json(e.input, e.snapshot).dump();
        if (attempt == 0) {
            json detail = {{"units", e.units.size()}, {"revision", e.snapshot.revision}};
            auto recorded = co_await audit(w, who, "results.publish", c->id, detail);
            if (!recorded) co_return redis_unavailable();
        }
        auto outcome = co_await publish_results(*w.redis, c->id, e.snapshot.revision, frozen, ec);
        if (ec) co_return redis_unavailable();
        if (outcome == publish_outcome::already_published) co_return already;
        if (outcome == publish_outcome::published) {
            log::info("results published", {{"campaign", c->id}, {"by", who.name}});
            co_return http::json_response(http::status::ok, std::move(frozen.results));
        }
    }
    co_return http::json_error(http::status::conflict, "scores_changing", "评分仍在变动，请稍后再发布");
}

asio::awaitable<http::reply> create_links(worker_state& w, http::request_context& ctx) {
    auto staff = co_await find_staff_campaign(w, ctx, true, true);
    if (!staff.campaign) co_return std::move(staff.refusal);
    const auto& c = staff.campaign;
    error_code ec;
    auto body = body_json(ctx);
    if (!body) co_return not_json();
    if (!body->is_object()) co_return invalid_input("invalid_judges", "", "请求体须为对象 {\"judges\": [...]}");
    for (const auto& item : body->items())
        if (item.key() != "judges") co_return invalid_input("invalid_judges", item.key(), "未知字段：" + item.key());
    std::vector<std::string> judges;
    if (auto list = body->find("judges"); list != body->end()) {
        if (!list->is_array()) co_return invalid_input("invalid_judges", "judges", "judges 须为评委编号的数组");
        if (list->size() > max_judges) co_return invalid_input("invalid_judges", "judges", "评委过多");
        for (std::size_t i = 0; i < list->size(); ++i) {
            const auto& id = (*list)[i];
            auto path = "judges[" + std::to_string(i) + "]";
            if (!id.is_string() || !eval::is_valid_id(id.get<std::string>()))
                co_return invalid_input("invalid_judges", path, "编号须为 1 到 64 个字母、数字、_ 或 -");
            if (std::find(judges.begin(), judges.end(), id.get<std::string>()) != judges.end())
                co_return invalid_input("invalid_judges", path, "评委编号重复：" + id.get<std::string>());
            judges.push_back(id.get<std::string>());
        }
    }
    const json detail = {{"judges", judges}};
    auto recorded = co_await audit(w, *staff.who, "scoring.links", c->id, detail);
    if (!recorded) co_return redis_unavailable();
    co_await register_judges(*w.redis, c->id, judges, now_ms(), ec);
    if (ec) co_return redis_unavailable();

    const auto& base = w.shared.cfg.public_url;
    auto link = [&](const scorer& who) {
        auto token = link_token(w.shared.cookie_signer, c->id, who);
        return json{{"id", who.id}, {"as", to_string(who)}, {"url", scoring_url(base, c->id, who, token)},
                    {"token", token}};
    };
    json judge_links = json::array();
    for (const auto& j : judges) judge_links.push_back(link({scorer_kind::judge, j}));
    json unit_links = json::array();
    for (const auto& u : c->units) {
        auto entry = link({scorer_kind::unit, u.id});
        entry["name"] = u.name;
        unit_links.push_back(std::move(entry));
    }
    co_return json_ok({{"judges", std::move(judge_links)}, {"units", std::move(unit_links)}});
}

const score_sheet* sheet_of(const std::vector<score_sheet>& sheets, std::string_view owner) {
    for (const auto& s : sheets)
        if (s.owner == owner) return &s;
    return nullptr;
}

json progress_entry(const std::string& id, const score_sheet* sheet) {
    return {{"id", id},
            {"submitted", sheet != nullptr},
            {"scores", sheet ? sheet->items.size() : 0},
            {"submitted_at", time_json(sheet ? sheet->at_ms : 0)}};
}

asio::awaitable<http::reply> get_progress(worker_state& w, http::request_context& ctx) {
    auto staff = co_await find_staff_campaign(w, ctx, false, false);
    if (!staff.campaign) co_return std::move(staff.refusal);
    const auto& c = staff.campaign;
    error_code ec;
    auto s = co_await load_scoring(*w.redis, c->id, ec);
    if (ec) co_return redis_unavailable();
    json judges = json::array();
    for (const auto& id : s.judges) {
        auto entry = progress_entry(id, sheet_of(s.panel, id));
        entry["linked"] = true;
        judges.push_back(std::move(entry));
    }
    for (const auto& sheet : s.panel) {
        if (std::find(s.judges.begin(), s.judges.end(), sheet.owner) != s.judges.end()) continue;
        auto entry = progress_entry(sheet.owner, &sheet);
        entry["linked"] = false;
        judges.push_back(std::move(entry));
    }
    json units = json::array();
    for (const auto& u : c->units) {
        auto entry = progress_entry(u.id, sheet_of(s.peer, u.id));
        entry["name"] = u.name;
        auto status = s.statuses.find(u.id);
        entry["status"] = eval::to_string(status == s.statuses.end() ? eval::unit_status::present : status->second.status);
        units.push_back(std::move(entry));
    }
    // How many scores a complete sheet has: judges score every unit, units every other one.
    json expected = {{"judge", c->units.size()}, {"unit", c->units.size() - 1}};
    co_return json_ok({{"published", s.published},
                       {"expected_scores", std::move(expected)},
                       {"judges", std::move(judges)},
                       {"units", std::move(units)}});
}

asio::awaitable<http::reply> get_form(worker_state& w, http::request_context& ctx) {
    auto link = check_link_read(w, ctx);
    if (!link.who) co_return std::move(link.refusal);
    const auto& who = *link.who;
    auto found = co_await find_campaign(w, ctx);
    if (!found.campaign) co_return std::move(found.refusal);
    const auto& c = found.campaign;
    error_code ec;
    const bool judge = who.kind == scorer_kind::judge;
    const auto* self = judge ? nullptr : c->find_unit(who.id);
    if (!judge && !self) co_return unit_not_found();
    auto s = co_await load_scoring(*w.redis, c->id, ec);
    if (ec) co_return redis_unavailable();
    const auto* sheet = sheet_of(judge ? s.panel : s.peer, who.id);

    json units = json::array();
    for (const auto& u : c->units) {
        if (&u == self) continue;
        auto status = s.statuses.find(u.id);
        json entry = {{"id", u.id},
                      {"name", u.name},
                      {"status", eval::to_string(status == s.statuses.end() ? eval::unit_status::present
                                                                            : status->second.status)},
                      {"score", nullptr}};
        if (judge) entry["comment"] = "";
        if (sheet) {
            for (const auto& item : sheet->items) {
                if (item.unit != u.id) continue;
                entry["score"] = item.score.to_json();
                if (judge) entry["comment"] = item.comment;
            }
        }
        units.push_back(std::move(entry));
    }
    auto path = "/api/v1/campaigns/" + c->id + (judge ? "/panel-scores/" : "/peer-scores/") + who.id;
    co_return json_ok({{"campaign", {{"id", c->id},
                                     {"title", c->title},
                                     {"organizer", c->organizer},
                                     {"state", vote::to_string(c->state(now_ms()))}}},
                       {"as", to_string(who)},
                       {"role", judge ? "judge" : "unit"},
                       {"holder", {{"id", who.id}, {"name", self ? json(self->name) : json(nullptr)}}},
                       {"comments", judge},
                       {"published", s.published},
                       {"submitted_at", time_json(sheet ? sheet->at_ms : 0)},
                       {"submit", {{"method", "PUT"}, {"url", path}}},
                       {"units", std::move(units)}});
}

asio::awaitable<http::reply> get_comments(worker_state& w, http::request_context& ctx) {
    auto link = check_link_read(w, ctx);
    if (!link.who) co_return std::move(link.refusal);
    if (link.who->kind != scorer_kind::unit)
        co_return http::json_error(http::status::forbidden, "invalid_link", "只有被评议单位的链接可以查看评议意见");
    auto found = co_await find_campaign(w, ctx);
    if (!found.campaign) co_return std::move(found.refusal);
    const auto& c = found.campaign;
    error_code ec;
    const auto* unit = c->find_unit(link.who->id);
    if (!unit) co_return unit_not_found();
    auto inputs = co_await published_field(*w.redis, c->id, "inputs", ec);
    if (ec) co_return redis_unavailable();
    if (!inputs)
        co_return http::json_error(http::status::conflict, "not_published", "结果发布后才能查看评议意见");
    json comments = json::array();
    // Numbered among this unit's commenters, so judges stay anonymous.
    for (auto& comment : published_comments(*inputs, unit->id))
        comments.push_back({{"judge", "评议员" + std::to_string(comments.size() + 1)}, {"comment", std::move(comment)}});
    co_return json_ok({{"unit", {{"id", unit->id}, {"name", unit->name}}}, {"comments", std::move(comments)}});
}

}  // namespace

void add_eval_routes(http::router& r, worker_state& w) {
    const std::string base = "/api/v1/campaigns/{cid}";
    const http::route_options big{.body_limit = 8 * 1024 * 1024};
    const http::route_options sheet{.body_limit = 1024 * 1024};
    r.add(http::verb::put, base + "/panel-scores",
          [&w](http::request_context& ctx) { return put_all_scores(w, ctx, sheet_kind::panel); }, big);
    r.add(http::verb::put, base + "/panel-scores/{judge}",
          [&w](http::request_context& ctx) { return put_own_scores(w, ctx, sheet_kind::panel); }, sheet);
    r.add(http::verb::put, base + "/peer-scores",
          [&w](http::request_context& ctx) { return put_all_scores(w, ctx, sheet_kind::peer); }, big);
    r.add(http::verb::put, base + "/peer-scores/{rater}",
          [&w](http::request_context& ctx) { return put_own_scores(w, ctx, sheet_kind::peer); }, sheet);
    r.add(http::verb::put, base + "/units/{uid}/status",
          [&w](http::request_context& ctx) { return put_status(w, ctx); });
    r.add(http::verb::get, base + "/public-scores",
          [&w](http::request_context& ctx) { return get_public_scores(w, ctx); });
    r.add(http::verb::get, base + "/results",
          [&w](http::request_context& ctx) { return get_results(w, ctx, results_form::json); });
    r.add(http::verb::get, base + "/results.csv",
          [&w](http::request_context& ctx) { return get_results(w, ctx, results_form::csv); });
    r.add(http::verb::get, base + "/report",
          [&w](http::request_context& ctx) { return get_results(w, ctx, results_form::report); });
    r.add(http::verb::post, base + "/results/publish", [&w](http::request_context& ctx) { return publish(w, ctx); });
    r.add(http::verb::post, base + "/scoring-links",
          [&w](http::request_context& ctx) { return create_links(w, ctx); });
    r.add(http::verb::get, base + "/scoring-progress",
          [&w](http::request_context& ctx) { return get_progress(w, ctx); });
    r.add(http::verb::get, base + "/scoring-form", [&w](http::request_context& ctx) { return get_form(w, ctx); });
    r.add(http::verb::get, base + "/comments", [&w](http::request_context& ctx) { return get_comments(w, ctx); });
}

}  // namespace pingyi::server
