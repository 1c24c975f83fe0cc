// Annual filings (Art. 17): the units not evaluated this year file a work
// plan by 31 March and a year-end summary by 31 December; the office checks
// them. Per organizer and year: the roster of units that must file (admins
// set it), each unit's signed link (server/filing_links.hpp), the unit's
// uploads through it, the office's review, and the list of units to remind.
// Staff see their own organizer's filings; the city level may name another
// with ?organizer=. The rules are in server/filings.hpp, the keys in
// server/filing_store.hpp.
#include <nlohmann/json.hpp>

#include "http/query.hpp"
#include "server/admin_log.hpp"
#include "server/app.hpp"
#include "server/pages.hpp"
#include "server/attachment_store.hpp"
#include "server/auth.hpp"
#include "server/file_type.hpp"
#include "server/filing_links.hpp"
#include "server/filing_store.hpp"
#include "server/filings.hpp"
#include "server/log.hpp"
#include "server/organizer_scope.hpp"
#include "server/responses.hpp"
#include "server/signed_links.hpp"
#include "vote/time.hpp"

namespace pingyi::server {

namespace asio = boost::asio;
using boost::system::error_code;
using nlohmann::json;

namespace {

constexpr std::string_view note_header = "X-Filing-Note";

http::response invalid_year() {
    return http::json_error(http::status::not_found, "invalid_year",
                            "年份须为 " + std::to_string(min_filing_year) + " 至 " + std::to_string(max_filing_year) +
                                " 之间的四位数字");
}

http::response unit_not_found() {
    return http::json_error(http::status::not_found, "unit_not_found", "该年度的备案名单中没有这个单位");
}

http::response invalid_link() {
    return http::json_error(http::status::forbidden, "invalid_link", "备案链接无效，或不是这个单位、这一年度的链接");
}

http::response filing_accepted() {
    return http::json_error(http::status::conflict, "filing_accepted",
                            "该材料已审核通过，不能再替换；如需更正请联系普法办");
}

http::response nothing_filed() {
    return http::json_error(http::status::conflict, "nothing_filed", "该单位尚未提交这份材料");
}

http::response filing_changed() {
    return http::json_error(http::status::conflict, "filing_changed", "单位刚刚重新上传了材料，请刷新后再审核");
}

// A body's string field; "" when absent or not a string.
std::string string_field(const json& body, const char* name) {
    auto it = body.find(name);
    return it != body.end() && it->is_string() ? it->get<std::string>() : std::string();
}

// The organizer and year a route is about, and who asks.
struct filing_scope {
    std::string organizer;  // "" = the city office
    int year = 0;
    std::optional<principal> staff;  // unset: a unit's link holder
    std::string link_unit;           // the link holder's unit
    http::response refusal;          // when !ok
    bool ok = false;
};

// Staff: the caller's own organizer; the city level may name another
// (?organizer=, "" the city office itself). A county's staff naming another
// is refused (403).
asio::awaitable<filing_scope> staff_scope(worker_state& w, const http::request_context& ctx, bool need_admin,
                                          bool write) {
    filing_scope out;
    auto year = parse_filing_year(ctx.param("year"));
    if (!year) {
        out.refusal = invalid_year();
        co_return out;
    }
    out.year = *year;
    auto auth = co_await authenticate(w, ctx, need_admin, write);
    if (!auth.who) {
        out.refusal = std::move(auth.refusal);
        co_return out;
    }
    out.organizer = http::query_param(ctx.query, "organizer").value_or(auth.who->organizer);
    if (!in_scope(*auth.who, out.organizer)) {
        out.refusal =
            http::json_error(http::status::forbidden, "organizer_forbidden", "只能查看和管理本单位的年度备案");
        co_return out;
    }
    if (!out.organizer.empty() && !find_organizer(w.shared.cfg, out.organizer)) {
        out.refusal = http::json_error(http::status::not_found, "unknown_organizer",
                                       "organizer 不是配置文件中的组织单位：" + out.organizer);
        co_return out;
    }
    out.staff = std::move(auth.who);
    out.ok = true;
    co_return out;
}

// A unit's route: the holder of exactly this unit's link for this organizer
// and year (another's is refused, even for staff); without a link, staff
// may read (`staff_reads`) and nothing else.
asio::awaitable<filing_scope> unit_scope(worker_state& w, const http::request_context& ctx, bool staff_reads) {
    if (auto token = presented_link_token(ctx)) {
        filing_scope out;
        auto year = parse_filing_year(ctx.param("year"));
        if (!year) {
            out.refusal = invalid_year();
            co_return out;
        }
        out.year = *year;
        out.organizer = http::query_param(ctx.query, "o").value_or("");
        if (!filing_link_valid(w.shared.cookie_signer, out.organizer, out.year, ctx.param("uid"), *token)) {
            out.refusal = invalid_link();
            co_return out;
        }
        out.link_unit = ctx.param("uid");
        out.ok = true;
        co_return out;
    }
    if (staff_reads) co_return co_await staff_scope(w, ctx, false, false);
    filing_scope out;
    out.refusal = http::json_error(http::status::unauthorized, "link_required", "请通过普法办发给本单位的备案链接打开");
    co_return out;
}

// Audit first: a change that cannot be recorded is not made.
asio::awaitable<bool> audit(worker_state& w, const filing_scope& scope, std::string_view action, json detail) {
    detail["organizer"] = scope.organizer;
    detail["year"] = scope.year;
    error_code ec;
    const std::string link_holder = "link:filing:" + scope.link_unit;
    if (scope.staff)
        co_await record_admin_action(*w.redis, *scope.staff, action, "", detail, ec);
    else
        co_await record_admin_action(*w.redis, link_holder, action, "", detail, ec);
    co_return !ec;
}

json organizer_json(const worker_state& w, std::string_view organizer) {
    auto o = describe_organizer(w.shared.cfg, organizer);
    return {{"id", o.id}, {"name", o.name}};
}

json due_json(int year) {
    json due = json::object();
    for (auto kind : filing_kinds)
        due[std::string(to_string(kind))] = vote::format_rfc3339_shanghai(filing_due_ms(year, kind));
    return due;
}

const roster_unit* find_unit(const std::vector<roster_unit>& roster, std::string_view uid) {
    for (const auto& u : roster)
        if (u.id == uid) return &u;
    return nullptr;
}

// Every unit on the scope's roster with what it filed that year.
asio::awaitable<std::vector<unit_filings>> load_year(worker_state& w, const filing_scope& scope, error_code& ec) {
    auto roster = co_await load_roster(*w.redis, scope.organizer, scope.year, ec);
    if (ec) co_return std::vector<unit_filings>{};
    co_return co_await load_filings(*w.redis, scope.organizer, scope.year, roster, ec);
}

asio::awaitable<http::reply> get_roster(worker_state& w, http::request_context& ctx) {
    auto scope = co_await staff_scope(w, ctx, false, false);
    if (!scope.ok) co_return std::move(scope.refusal);
    error_code ec;
    auto filed = co_await load_year(w, scope, ec);
    if (ec) co_return redis_unavailable();
    const auto now = now_ms();
    json counts = json::object();
    for (auto kind : filing_kinds)
        for (auto timing :
             {filing_timing::not_due_yet, filing_timing::on_time, filing_timing::late, filing_timing::missing})
            counts[std::string(to_string(kind))][std::string(to_string(timing))] = 0;
    json units = json::array();
    for (const auto& u : filed) {
        json entry = {{"id", u.unit.id}, {"name", u.unit.name}, {"contact", u.unit.contact}};
        for (auto kind : filing_kinds) {
            const auto& f = u.of(kind);
            auto status = filing_json(scope.year, kind, f, now);
            if (f) status["attachment"] = f->attachment;
            auto& count = counts[std::string(to_string(kind))][status["timing"].get<std::string>()];
            count = count.get<int>() + 1;
            entry[std::string(to_string(kind))] = std::move(status);
        }
        units.push_back(std::move(entry));
    }
    auto res = json_ok({{"year", scope.year},
                        {"organizer", organizer_json(w, scope.organizer)},
                        {"now", vote::format_rfc3339_shanghai(now)},
                        {"due", due_json(scope.year)},
                        {"counts", std::move(counts)},
                        {"reminders", reminders_at(scope.year, filed, now).size()},
                        {"units", std::move(units)}});
    res.set(http::field::cache_control, "no-store");
    co_return res;
}

asio::awaitable<http::reply> put_roster(worker_state& w, http::request_context& ctx) {
    auto scope = co_await staff_scope(w, ctx, true, true);
    if (!scope.ok) co_return std::move(scope.refusal);
    const auto type = ctx.req[http::field::content_type];
    std::variant<std::vector<roster_unit>, vote::error> parsed;
    if (type.starts_with("text/csv")) {
        parsed = roster_from_csv(ctx.req.body());
    } else {
        auto body = json::parse(ctx.req.body(), nullptr, false);
        if (body.is_discarded())
            co_return invalid_input("invalid_json", "", "请求体须为有效的 JSON 数组，或 text/csv 的名单");
        parsed = roster_from_json(body);
    }
    if (auto* err = std::get_if<vote::error>(&parsed)) co_return invalid_input(err->code, err->path, err->message);
    const auto& roster = std::get<std::vector<roster_unit>>(parsed);
    const json detail = {{"units", roster.size()}};
    const bool recorded = co_await audit(w, scope, "filings.roster", detail);
    if (!recorded) co_return redis_unavailable();
    error_code ec;
    co_await save_roster(*w.redis, scope.organizer, scope.year, roster, ec);
    if (ec) co_return redis_unavailable();
    log::info("filing roster set", {{"organizer", scope.organizer}, {"year", scope.year}, {"units", roster.size()}});
    co_return json_ok(
        {{"year", scope.year}, {"organizer", organizer_json(w, scope.organizer)}, {"units", roster_json(roster)}});
}

asio::awaitable<http::reply> create_links(worker_state& w, http::request_context& ctx) {
    auto scope = co_await staff_scope(w, ctx, true, true);
    if (!scope.ok) co_return std::move(scope.refusal);
    error_code ec;
    auto roster = co_await load_roster(*w.redis, scope.organizer, scope.year, ec);
    if (ec) co_return redis_unavailable();
    const json detail = {{"units", roster.size()}};
    const bool recorded = co_await audit(w, scope, "filings.links", detail);
    if (!recorded) co_return redis_unavailable();
    json links = json::array();
    for (const auto& u : roster) {
        auto token = filing_link_token(w.shared.cookie_signer, scope.organizer, scope.year, u.id);
        links.push_back({{"unit", u.id},
                         {"name", u.name},
                         {"url", filing_url(w.shared.cfg.public_url, scope.organizer, scope.year, u.id, token)}});
    }
    auto res = json_ok({{"links", std::move(links)}});
    res.set(http::field::cache_control, "no-store");
    co_return res;
}

// The unit on the scope's roster, with what it filed; or the refusal.
struct unit_record {
    std::optional<unit_filings> filed;
    http::response refusal;
};

asio::awaitable<unit_record> load_unit(worker_state& w, const filing_scope& scope, std::string_view uid) {
    error_code ec;
    auto roster = co_await load_roster(*w.redis, scope.organizer, scope.year, ec);
    if (ec) co_return unit_record{std::nullopt, redis_unavailable()};
    const auto* unit = find_unit(roster, uid);
    if (!unit) co_return unit_record{std::nullopt, unit_not_found()};
    const std::vector<roster_unit> one{*unit};
    auto filed = co_await load_filings(*w.redis, scope.organizer, scope.year, one, ec);
    if (ec || filed.empty()) co_return unit_record{std::nullopt, redis_unavailable()};
    co_return unit_record{std::move(filed.front()), {}};
}

asio::awaitable<http::reply> get_unit(worker_state& w, http::request_context& ctx) {
    auto scope = co_await unit_scope(w, ctx, true);
    if (!scope.ok) co_return std::move(scope.refusal);
    const auto& uid = ctx.param("uid");
    auto record = co_await load_unit(w, scope, uid);
    if (!record.filed) co_return std::move(record.refusal);
    const auto& u = *record.filed;
    const auto now = now_ms();
    json out = {{"year", scope.year},
                {"organizer", organizer_json(w, scope.organizer)},
                {"unit", {{"id", u.unit.id}, {"name", u.unit.name}}},
                {"now", vote::format_rfc3339_shanghai(now)},
                {"limits", {{"attachment_bytes", w.shared.cfg.attachment_max_bytes},
                            {"types", accepted_file_types_text()},
                            {"note_chars", max_note_chars}}},
                {"uploads", !w.shared.cfg.attachments_dir.empty()}};
    if (scope.staff) out["unit"]["contact"] = u.unit.contact;
    for (auto kind : filing_kinds) {
        const auto& f = u.of(kind);
        auto status = filing_json(scope.year, kind, f, now);
        if (f) {
            // Units see the office's comment, not which staff member wrote it.
            if (!scope.staff) status.erase("reviewer");
            error_code ec;
            auto files = co_await list_attachments(w, filing_keys::filing(scope.organizer, scope.year, uid, kind), ec);
            if (ec) co_return redis_unavailable();
            status["attachment"] = nullptr;
            for (const auto& a : files)
                if (a.id == f->attachment) status["attachment"] = a.to_json();
        }
        out[std::string(to_string(kind))] = std::move(status);
    }
    auto res = json_ok(out);
    res.set(http::field::cache_control, "no-store");
    co_return res;
}

// The X-Filing-Note header: percent-encoded UTF-8, optional.
std::optional<std::string> note_of(const http::request_context& ctx) {
    auto raw = ctx.req[note_header];
    return http::percent_decode(std::string_view(raw.data(), raw.size()));
}

asio::awaitable<http::reply> upload_filing(worker_state& w, http::request_context& ctx) {
    auto kind = parse_filing_kind(ctx.param("kind"));
    if (!kind) co_return http::json_error(http::status::not_found, "not_found", "页面不存在");
    auto scope = co_await unit_scope(w, ctx, false);
    if (!scope.ok) co_return std::move(scope.refusal);
    const auto& uid = ctx.param("uid");
    auto note = note_of(ctx);
    if (!note || !valid_text(*note, max_note_chars))
        co_return invalid_input("invalid_note", "",
                                "说明须为百分号编码的 UTF-8 文字，不超过 " + std::to_string(max_note_chars) + " 字");
    auto record = co_await load_unit(w, scope, uid);
    if (!record.filed) co_return std::move(record.refusal);
    const auto& before = record.filed->of(*kind);
    if (before && before->review == review_state::accepted) co_return filing_accepted();

    const auto owner = filing_keys::filing(scope.organizer, scope.year, uid, *kind);
    auto stored = co_await store_attachment(w, owner, ctx);
    if (auto* refusal = std::get_if<http::response>(&stored)) co_return std::move(*refusal);
    const auto& file = std::get<attachment>(stored);
    error_code ec;
    const json detail = {{"unit", uid}, {"kind", to_string(*kind)}, {"attachment", file.id}, {"sha256", file.sha256},
                         {"size", file.size}};
    const bool recorded = co_await audit(w, scope, "filing.submit", detail);
    if (!recorded) {
        co_await remove_attachment(w, owner, file.id, ec);
        co_return redis_unavailable();
    }
    filing f;
    f.attachment = file.id;
    f.note = *note;
    f.submitted_ms = file.uploaded_ms;
    auto submitted = co_await submit_filing(*w.redis, scope.organizer, scope.year, uid, *kind, f, ec);
    if (ec) co_return redis_unavailable();
    if (!submitted.stored) {
        co_await remove_attachment(w, owner, file.id, ec);
        co_return filing_accepted();
    }
    if (!submitted.replaced.empty()) co_await remove_attachment(w, owner, submitted.replaced, ec);
    log::info("filing submitted", {{"organizer", scope.organizer}, {"year", scope.year}, {"unit", uid},
                                   {"kind", to_string(*kind)}, {"attachment", file.id}});
    auto status = filing_json(scope.year, *kind, f, now_ms());
    status["attachment"] = file.to_json();
    co_return json_ok(status, http::status::created);
}

asio::awaitable<http::reply> download_filing(worker_state& w, http::request_context& ctx) {
    auto kind = parse_filing_kind(ctx.param("kind"));
    if (!kind) co_return http::json_error(http::status::not_found, "not_found", "页面不存在");
    auto scope = co_await unit_scope(w, ctx, true);
    if (!scope.ok) co_return std::move(scope.refusal);
    const auto& uid = ctx.param("uid");
    co_return co_await serve_attachment(w, filing_keys::filing(scope.organizer, scope.year, uid, *kind),
                                        ctx.param("aid"), ctx);
}

asio::awaitable<http::reply> review(worker_state& w, http::request_context& ctx) {
    auto kind = parse_filing_kind(ctx.param("kind"));
    if (!kind) co_return http::json_error(http::status::not_found, "not_found", "页面不存在");
    auto scope = co_await staff_scope(w, ctx, true, true);
    if (!scope.ok) co_return std::move(scope.refusal);
    const auto& uid = ctx.param("uid");
    auto body = json::parse(ctx.req.body(), nullptr, false);
    if (!body.is_object()) co_return invalid_input("invalid_json", "", "请求体须为 JSON 对象");
    const auto decision = string_field(body, "decision");
    if (decision != "accept" && decision != "return")
        co_return invalid_input("invalid_decision", "decision", "decision 须为 accept（通过）或 return（退回）");
    const auto state = decision == "accept" ? review_state::accepted : review_state::returned;
    const auto comment = string_field(body, "comment");
    if (!valid_text(comment, max_comment_chars))
        co_return invalid_input("invalid_comment", "comment",
                                "意见不能超过 " + std::to_string(max_comment_chars) + " 字");
    if (state == review_state::returned && comment.find_first_not_of(" \t\r\n") == std::string::npos)
        co_return invalid_input("comment_required", "comment", "退回时请写明原因，单位会看到这段意见");
    const auto seen = string_field(body, "attachment");

    auto record = co_await load_unit(w, scope, uid);
    if (!record.filed) co_return std::move(record.refusal);
    // Refused before the audit when already clear; the store checks again.
    const auto& current = record.filed->of(*kind);
    if (!current) co_return nothing_filed();
    if (!seen.empty() && seen != current->attachment) co_return filing_changed();
    const json detail = {{"unit", uid}, {"kind", to_string(*kind)}, {"decision", decision}, {"comment", comment}};
    const bool recorded = co_await audit(w, scope, "filing.review", detail);
    if (!recorded) co_return redis_unavailable();
    error_code ec;
    const auto now = now_ms();
    auto outcome = co_await review_filing(*w.redis, scope.organizer, scope.year, uid, *kind, seen, state, comment,
                                          scope.staff->name, now, ec);
    if (ec) co_return redis_unavailable();
    if (outcome == review_outcome::nothing_filed) co_return nothing_filed();
    if (outcome == review_outcome::changed) co_return filing_changed();
    auto reloaded = co_await load_unit(w, scope, uid);
    if (!reloaded.filed) co_return std::move(reloaded.refusal);
    co_return json_ok(filing_json(scope.year, *kind, reloaded.filed->of(*kind), now));
}

asio::awaitable<http::reply> reminders(worker_state& w, http::request_context& ctx) {
    auto scope = co_await staff_scope(w, ctx, false, false);
    if (!scope.ok) co_return std::move(scope.refusal);
    error_code ec;
    auto filed = co_await load_year(w, scope, ec);
    if (ec) co_return redis_unavailable();
    http::response res{http::status::ok, 11};
    res.set(http::field::content_type, "text/csv; charset=utf-8");
    auto name = "年度备案催报名单-" + std::to_string(scope.year) + ".csv";
    res.set(http::field::content_disposition, "attachment; filename=\"filing-reminders-" + std::to_string(scope.year) +
                                                  ".csv\"; filename*=UTF-8''" + http::url_encode(name));
    res.set(http::field::cache_control, "no-store");
    res.body() = reminders_csv(scope.year, reminders_at(scope.year, filed, now_ms()));
    co_return res;
}

}  // namespace

void add_filing_routes(http::router& r, worker_state& w) {
    const std::string base = "/api/v1/filings/{year}";
    const std::string unit = base + "/units/{uid}";
    r.add(http::verb::get, base, [&w](http::request_context& ctx) { return get_roster(w, ctx); });
    r.add(http::verb::put, base + "/units", [&w](http::request_context& ctx) { return put_roster(w, ctx); },
          {.body_limit = 1024 * 1024});
    r.add(http::verb::post, base + "/links", [&w](http::request_context& ctx) { return create_links(w, ctx); });
    r.add(http::verb::get, base + "/reminders.csv", [&w](http::request_context& ctx) { return reminders(w, ctx); });
    r.add(http::verb::get, unit, [&w](http::request_context& ctx) { return get_unit(w, ctx); });
    r.add(http::verb::post, unit + "/{kind}", [&w](http::request_context& ctx) { return upload_filing(w, ctx); },
          upload_route_options(w.shared.cfg));
    r.add(http::verb::get, unit + "/{kind}/attachments/{aid}",
          [&w](http::request_context& ctx) { return download_filing(w, ctx); });
    r.add(http::verb::post, unit + "/{kind}/review", [&w](http::request_context& ctx) { return review(w, ctx); },
          {.body_limit = 16 * 1024});
    r.add(http::verb::get, "/unit/filings/{year}", [&w](http::request_context& ctx) -> asio::awaitable<http::reply> {
        co_return serve_link_page(w, ctx, "unit/filings.html");
    });
}

}  // namespace pingyi::server
