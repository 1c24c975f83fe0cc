// The units' portal (Art. 6, 7): the campaign's indicator system, each
// unit's self-assessment (a score and evidence per indicator, attachments,
// its disclosure), its submission, and its review by staff, whose acceptance
// publishes the disclosure on the vote page. A unit acts through its signed
// portal link (server/unit_links.hpp) and reaches nothing but its own
// self-assessment; staff read every unit's, and admins review them.
#include <algorithm>
#include <map>

#include <nlohmann/json.hpp>

#include "http/query.hpp"
#include "redis/connection.hpp"
#include "server/admin_log.hpp"
#include "server/app.hpp"
#include "server/pages.hpp"
#include "server/attachment_store.hpp"
#include "server/auth.hpp"
#include "server/campaign_cache.hpp"
#include "server/log.hpp"
#include "server/responses.hpp"
#include "server/route_campaign.hpp"
#include "server/self_assessment_store.hpp"
#include "server/signed_links.hpp"
#include "server/unit_links.hpp"
#include "vote/campaign_store.hpp"
#include "vote/indicators.hpp"
#include "vote/time.hpp"

namespace pingyi::server {

namespace asio = boost::asio;
using boost::system::error_code;
using nlohmann::json;

namespace {

constexpr std::size_t max_comment_chars = 2000;
constexpr std::size_t max_attachments = 50;
// A change decided on a record that changed meanwhile is decided again;
// past this many tries someone else keeps changing it.
constexpr int change_attempts = 3;
constexpr std::string_view template_file = "templates/indicators.example.csv";

json time_json(std::int64_t ms) { return ms > 0 ? json(vote::format_rfc3339_shanghai(ms)) : json(nullptr); }

http::response unit_not_found() { return http::json_error(http::status::not_found, "unit_not_found", "没有这个单位"); }

http::response invalid_link() {
    return http::json_error(http::status::forbidden, "invalid_link", "单位链接无效，或不是这个单位的链接");
}

http::response changing() {
    return http::json_error(http::status::conflict, "self_assessment_changed", "自评刚被修改过，请刷新页面后重试");
}

http::response not_editable(assessment_state s) {
    if (s == assessment_state::accepted)
        return http::json_error(http::status::conflict, "self_assessment_accepted", "自评已审核通过，不能再修改");
    return http::json_error(http::status::conflict, "self_assessment_submitted",
                            "自评已提交，正在等待审核；如需修改，请联系普法办退回");
}

std::optional<json> body_json(const http::request_context& ctx) {
    auto j = json::parse(ctx.req.body(), nullptr, false);
    if (j.is_discarded()) return std::nullopt;
    return j;
}

http::response not_json() { return invalid_input("invalid_json", "", "请求体须为有效的 JSON"); }

std::size_t char_count(std::string_view s) {
    return static_cast<std::size_t>(
        std::count_if(s.begin(), s.end(), [](char c) { return (static_cast<unsigned char>(c) & 0xC0) != 0x80; }));
}

// Who calls a unit's route: the holder of that unit's link, or staff.
struct unit_caller {
    campaign_ptr campaign;  // null when refused
    const vote::unit* unit = nullptr;
    std::optional<principal> staff;  // unset: the unit's link holder
    http::response refusal;

    // For the audit trail.
    std::string name() const { return staff ? staff->name : "link:unit:" + unit->id; }
};

// A presented token must be this unit's link for this campaign (another
// unit's is refused, even for staff); without one, staff may read
// (`staff_reads`), and the rest is for the link's holder only.
asio::awaitable<unit_caller> unit_caller_of(worker_state& w, http::request_context& ctx, std::string_view uid,
                                            bool staff_reads) {
    unit_caller out;
    if (auto token = presented_link_token(ctx)) {
        if (!vote::valid_id(uid) || !unit_link_valid(w.shared.cookie_signer, ctx.param("cid"), uid, *token)) {
            out.refusal = invalid_link();
            co_return out;
        }
        auto found = co_await find_campaign(w, ctx);
        out.campaign = std::move(found.campaign);
        out.refusal = std::move(found.refusal);
    } else if (staff_reads) {
        auto found = co_await find_staff_campaign(w, ctx, false, false);
        out.campaign = std::move(found.campaign);
        out.staff = std::move(found.who);
        out.refusal = std::move(found.refusal);
    } else {
        out.refusal = http::json_error(http::status::unauthorized, "link_required", "请通过普法办发给本单位的链接打开");
        co_return out;
    }
    if (!out.campaign) co_return out;
    out.unit = out.campaign->find_unit(uid);
    if (!out.unit) {
        out.campaign = nullptr;
        out.refusal = unit_not_found();
    }
    co_return out;
}

// Audit first: a change that cannot be recorded is not made.
asio::awaitable<bool> audit(worker_state& w, const unit_caller& caller, std::string_view action, const json& detail) {
    error_code ec;
    const auto who = caller.name();
    if (caller.staff)
        co_await record_admin_action(*w.redis, *caller.staff, action, caller.campaign->id, detail, ec);
    else
        co_await record_admin_action(*w.redis, who, action, caller.campaign->id, detail, ec);
    co_return !ec;
}

json progress_json(const vote::self_assessment& content, const vote::indicator_system& system) {
    return {{"filled", vote::filled_count(content, system)},
            {"indicator_count", system.indicator_count()},
            {"self_score", vote::tenths_json(content.total_score())},
            {"total_points", vote::tenths_json(system.total_points())},
            {"disclosure_filled", vote::disclosure_filled(content.disclosure)}};
}

// A unit that never saved starts from the disclosure the campaign shows.
assessment_record record_or_new(const unit_assessment& a, const vote::unit& u) {
    if (a.record) return *a.record;
    assessment_record fresh;
    fresh.content.disclosure = u.disclosure;
    return fresh;
}

json state_json(const unit_assessment& a) { return a.record ? to_string(a.record->state) : "none"; }

json indicators_json(const stored_indicators& s, bool staff) {
    auto out = s.system.summary_json();
    out["locked"] = s.locked;
    out["updated_at"] = time_json(s.at_ms);
    if (staff) out["updated_by"] = s.by.empty() ? json(nullptr) : json(s.by);
    return out;
}

// Everything the portal (and staff opening one unit) shows.
json view_json(const worker_state& w, const unit_caller& caller, const unit_assessment& a,
               const std::vector<attachment>& files) {
    const auto& c = *caller.campaign;
    auto record = record_or_new(a, *caller.unit);
    auto content = vote::fitted(record.content, a.indicators.system);
    json attachments = json::array();
    for (const auto& f : files) attachments.push_back(f.to_json());
    json out = content.to_json();
    out.update(progress_json(content, a.indicators.system));
    out.update({{"campaign",
                 {{"id", c.id},
                  {"title", c.title},
                  {"organizer", c.organizer},
                  {"state", vote::to_string(c.state(now_ms()))}}},
                {"unit", {{"id", caller.unit->id}, {"name", caller.unit->name}}},
                {"indicators", indicators_json(a.indicators, caller.staff.has_value())},
                {"state", state_json(a)},
                {"saved_at", time_json(record.saved_ms)},
                {"submitted_at", time_json(record.submitted_ms)},
                {"reviewed_at", time_json(record.reviewed_ms)},
                {"review_comment", record.comment},
                {"attachments", std::move(attachments)},
                {"limits",
                 {{"evidence_chars", vote::max_evidence_chars},
                  {"disclosure_chars", vote::max_disclosure_chars},
                  {"attachment_bytes", w.shared.cfg.attachment_max_bytes},
                  {"attachments", max_attachments}}}});
    if (caller.staff) out["reviewer"] = record.reviewer;
    return out;
}

// Reads the unit's self-assessment, lets `decide` make the new record (or
// the answer instead), and writes it if nothing changed meanwhile; decides
// again when something did. With an `action`, the change is audit-logged
// before it is first written (a refusal is not).
template <class Decide>
asio::awaitable<std::variant<assessment_record, http::response>> change_record(
    worker_state& w, const unit_caller& caller, const Decide& decide, std::string_view action, const json& detail) {
    bool audited = action.empty();
    for (int attempt = 0; attempt < change_attempts; ++attempt) {
        error_code ec;
        auto before = co_await load_unit_assessment(*w.redis, caller.campaign->id, caller.unit->id, ec);
        if (ec) co_return redis_unavailable();
        std::variant<assessment_record, http::response> decided = decide(before);
        if (auto* refusal = std::get_if<http::response>(&decided)) co_return std::move(*refusal);
        if (!audited) {
            audited = co_await audit(w, caller, action, detail);
            if (!audited) co_return redis_unavailable();
        }
        const auto& after = std::get<assessment_record>(decided);
        auto written = co_await replace_record(*w.redis, caller.campaign->id, caller.unit->id, before, after, ec);
        if (ec) co_return redis_unavailable();
        if (written) co_return after;
    }
    co_return changing();
}

// The unit's disclosure onto the campaign, compare-and-set as every edit of
// a campaign is (vote/campaign_store.hpp), audit-logged; the vote page shows
// it from then on. An unchanged disclosure writes nothing.
asio::awaitable<std::optional<http::response>> publish_disclosure(worker_state& w, const principal& who,
                                                                  const std::string& cid, const std::string& uid,
                                                                  const vote::disclosure& d) {
    for (int attempt = 0; attempt < change_attempts; ++attempt) {
        auto r = co_await w.redis->exec(vote::get_campaign_command(cid));
        if (!r.ok()) co_return redis_unavailable();
        if (r.value.is_nil()) co_return campaign_not_found();
        auto parsed = vote::parse_campaign(r.value.str());
        auto* c = std::get_if<vote::campaign>(&parsed);
        if (!c) {
            log::error("stored campaign unreadable", {{"campaign", cid}});
            co_return internal_error();
        }
        auto unit = std::find_if(c->units.begin(), c->units.end(), [&](const vote::unit& u) { return u.id == uid; });
        if (unit == c->units.end()) co_return unit_not_found();
        if (unit->disclosure == d) co_return std::nullopt;
        unit->disclosure = d;
        auto call = vote::replace_campaign_call(r.value.str(), *c);
        auto replaced = co_await w.redis->eval(w.shared.scripts.replace_campaign, call.keys, call.args);
        if (replaced.ec) co_return redis_unavailable();
        if (replaced.value.is_error()) {
            log::error("replace campaign failed", {{"campaign", cid}, {"error", replaced.value.str()}});
            co_return internal_error();
        }
        if (replaced.value.integer() < 0) co_return campaign_not_found();
        if (replaced.value.integer() == 0) continue;
        error_code ec;
        const json detail = {{"unit", uid}, {"changed", json::array({"units"})}, {"via", "self_assessment"}};
        co_await record_admin_action(*w.redis, who, "campaign.disclosure", cid, detail, ec);
        w.campaigns->invalidate();
        log::info("disclosure published", {{"campaign", cid}, {"unit", uid}, {"by", who.name}});
        co_return std::nullopt;
    }
    co_return http::json_error(http::status::conflict, "campaign_changed",
                               "评议活动刚被其他人修改过，请再点一次“通过”");
}

http::response csv_download(std::string body, const std::string& filename) {
    http::response res{http::status::ok, 11};
    res.set(http::field::content_type, "text/csv; charset=utf-8");
    res.set(http::field::content_disposition, "attachment; filename=\"" + filename + "\"");
    res.set(http::field::cache_control, "no-store");
    res.body() = std::move(body);
    return res;
}

// Staff, or a unit's link holder (?u=<uid> names the unit).
asio::awaitable<http::reply> get_indicators(worker_state& w, http::request_context& ctx) {
    campaign_ptr campaign;
    bool staff = false;
    if (presented_link_token(ctx)) {
        const auto uid = http::query_param(ctx.query, "u").value_or("");
        auto caller = co_await unit_caller_of(w, ctx, uid, false);
        if (!caller.campaign) co_return std::move(caller.refusal);
        campaign = std::move(caller.campaign);
    } else {
        auto found = co_await find_staff_campaign(w, ctx, false, false);
        if (!found.campaign) co_return std::move(found.refusal);
        campaign = std::move(found.campaign);
        staff = true;
    }
    error_code ec;
    auto stored = co_await load_indicators(*w.redis, campaign->id, ec);
    if (ec) co_return redis_unavailable();
    co_return json_ok(indicators_json(stored, staff));
}

asio::awaitable<http::reply> put_indicators(worker_state& w, http::request_context& ctx) {
    auto found = co_await find_staff_campaign(w, ctx, true, true);
    if (!found.campaign) co_return std::move(found.refusal);
    const bool csv = ctx.req[http::field::content_type].starts_with("text/csv");
    std::variant<vote::indicator_system, vote::error> parsed;
    if (csv) {
        parsed = vote::indicators_from_csv(ctx.req.body());
    } else {
        auto body = body_json(ctx);
        if (!body) co_return not_json();
        parsed = vote::indicators_from_json(*body);
    }
    if (auto* err = std::get_if<vote::error>(&parsed)) co_return invalid_input(err->code, err->path, err->message);
    const auto& system = std::get<vote::indicator_system>(parsed);
    const auto& cid = found.campaign->id;
    const auto at = now_ms();
    const json detail = {{"format", csv ? "csv" : "json"},
                         {"categories", system.categories.size()},
                         {"indicators", system.indicator_count()},
                         {"total_points", vote::tenths_json(system.total_points())}};
    const auto locked = http::json_error(http::status::conflict, "indicators_locked",
                                         "已有单位提交了自评，指标体系不能再修改；如确需修改，请先退回已提交的自评");
    error_code ec;
    auto current = co_await load_indicators(*w.redis, cid, ec);
    if (ec) co_return redis_unavailable();
    if (current.locked) co_return locked;
    co_await record_admin_action(*w.redis, *found.who, "indicators.replace", cid, detail, ec);
    if (ec) co_return redis_unavailable();
    auto text = encode_indicators(system, at, found.who->name);
    auto written = co_await replace_indicators(*w.redis, cid, text, ec);
    if (ec) co_return redis_unavailable();
    if (!written) co_return locked;
    log::info("indicators replaced", {{"campaign", cid}, {"by", found.who->name}, {"detail", detail}});
    co_return json_ok(indicators_json({std::move(text), system, at, found.who->name, false}, true));
}

asio::awaitable<http::reply> get_indicators_csv(worker_state& w, http::request_context& ctx) {
    auto found = co_await find_staff_campaign(w, ctx, false, false);
    if (!found.campaign) co_return std::move(found.refusal);
    error_code ec;
    auto stored = co_await load_indicators(*w.redis, found.campaign->id, ec);
    if (ec) co_return redis_unavailable();
    if (stored.system.categories.empty())
        co_return http::json_error(http::status::not_found, "indicators_not_set", "这项评议还没有设置指标体系");
    co_return csv_download(vote::indicators_csv(stored.system), found.campaign->id + "-indicators.csv");
}

asio::awaitable<http::reply> get_template(worker_state& w, http::request_context& ctx) {
    auto auth = co_await authenticate(w, ctx, false, false);
    if (!auth.who) co_return std::move(auth.refusal);
    const auto* file = w.shared.web.find(template_file);
    if (!file)
        co_return http::json_error(http::status::service_unavailable, "template_missing",
                                   "指标体系模板不在前端文件中（./dev build）");
    co_return csv_download(file->content, "indicators.example.csv");
}

asio::awaitable<http::reply> create_unit_links(worker_state& w, http::request_context& ctx) {
    auto found = co_await find_staff_campaign(w, ctx, true, true);
    if (!found.campaign) co_return std::move(found.refusal);
    const auto& c = *found.campaign;
    error_code ec;
    const json detail = {{"units", c.units.size()}};
    co_await record_admin_action(*w.redis, *found.who, "unit_links.create", c.id, detail, ec);
    if (ec) co_return redis_unavailable();
    json links = json::array();
    for (const auto& u : c.units) {
        auto token = unit_link_token(w.shared.cookie_signer, c.id, u.id);
        links.push_back(
            {{"unit", u.id}, {"name", u.name}, {"url", unit_portal_url(w.shared.cfg.public_url, c.id, u.id, token)}});
    }
    co_return json_ok({{"links", std::move(links)}});
}

asio::awaitable<http::reply> get_self_assessment(worker_state& w, http::request_context& ctx) {
    auto caller = co_await unit_caller_of(w, ctx, ctx.param("uid"), true);
    if (!caller.campaign) co_return std::move(caller.refusal);
    error_code ec;
    auto a = co_await load_unit_assessment(*w.redis, caller.campaign->id, caller.unit->id, ec);
    if (ec) co_return redis_unavailable();
    auto files =
        co_await list_attachments(w, self_assessment_keys::attachments_owner(caller.campaign->id, caller.unit->id), ec);
    if (ec) co_return redis_unavailable();
    auto res = json_ok(view_json(w, caller, a, files));
    res.set(http::field::cache_control, "no-store");
    co_return res;
}

json summary_json(const assessment_record& r, const vote::indicator_system& system) {
    json out = progress_json(r.content, system);
    out.update({{"state", to_string(r.state)},
                {"saved_at", time_json(r.saved_ms)},
                {"submitted_at", time_json(r.submitted_ms)}});
    return out;
}

asio::awaitable<http::reply> put_self_assessment(worker_state& w, http::request_context& ctx) {
    auto caller = co_await unit_caller_of(w, ctx, ctx.param("uid"), false);
    if (!caller.campaign) co_return std::move(caller.refusal);
    auto body = body_json(ctx);
    if (!body) co_return not_json();
    auto parsed = vote::self_assessment_from_json(*body);
    if (auto* err = std::get_if<vote::error>(&parsed)) co_return invalid_input(err->code, err->path, err->message);
    const auto& content = std::get<vote::self_assessment>(parsed);
    vote::indicator_system system;
    auto save = [&](const unit_assessment& before) -> std::variant<assessment_record, http::response> {
        auto record = record_or_new(before, *caller.unit);
        if (!editable(record.state)) return not_editable(record.state);
        if (auto err = vote::check_against(content, before.indicators.system))
            return invalid_input(err->code, err->path, err->message);
        record.content = vote::fitted(content, before.indicators.system);
        record.saved_ms = now_ms();
        system = before.indicators.system;
        return record;
    };
    auto changed = co_await change_record(w, caller, save, "", json());
    if (auto* refusal = std::get_if<http::response>(&changed)) co_return std::move(*refusal);
    co_return json_ok(summary_json(std::get<assessment_record>(changed), system));
}

asio::awaitable<http::reply> submit_self_assessment(worker_state& w, http::request_context& ctx) {
    auto caller = co_await unit_caller_of(w, ctx, ctx.param("uid"), false);
    if (!caller.campaign) co_return std::move(caller.refusal);
    vote::indicator_system system;
    auto submit = [&](const unit_assessment& before) -> std::variant<assessment_record, http::response> {
        auto record = record_or_new(before, *caller.unit);
        if (!editable(record.state)) return not_editable(record.state);
        system = before.indicators.system;
        if (system.categories.empty())
            return http::json_error(http::status::conflict, "indicators_not_set",
                                    "普法办还没有发布指标体系，暂时不能提交");
        if (auto err = vote::check_against(record.content, system))
            return invalid_input(err->code, err->path, err->message);
        auto missing = vote::missing_for_submit(record.content, system);
        if (!missing.empty()) {
            json list = json::array();
            for (const auto& m : missing)
                list.push_back({{"indicator", m.indicator.empty() ? json(nullptr) : json(m.indicator)},
                                {"field", m.field},
                                {"message", m.message}});
            json error = {{"code", "self_assessment_incomplete"},
                          {"message", "还有 " + std::to_string(missing.size()) + " 处没有填写，请补全后再提交"},
                          {"missing", std::move(list)}};
            return json_ok({{"error", std::move(error)}}, http::status::bad_request);
        }
        record.state = assessment_state::submitted;
        record.submitted_ms = now_ms();
        return record;
    };
    const json detail = {{"unit", caller.unit->id}};
    auto changed = co_await change_record(w, caller, submit, "self_assessment.submit", detail);
    if (auto* refusal = std::get_if<http::response>(&changed)) co_return std::move(*refusal);
    log::info("self-assessment submitted", {{"campaign", caller.campaign->id}, {"unit", caller.unit->id}});
    co_return json_ok(summary_json(std::get<assessment_record>(changed), system));
}

struct review_request {
    bool accept = false;
    std::string comment;
};

std::variant<review_request, http::response> parse_review(const http::request_context& ctx) {
    auto body = body_json(ctx);
    if (!body) return not_json();
    if (!body->is_object()) return invalid_input("invalid_review", "", "请求体须为对象 {\"decision\", \"comment\"}");
    for (const auto& item : body->items())
        if (item.key() != "decision" && item.key() != "comment")
            return invalid_input("invalid_review", item.key(), "未知字段：" + item.key());
    review_request out;
    auto decision = body->value("decision", json()).is_string() ? (*body)["decision"].get<std::string>() : "";
    if (decision != "accept" && decision != "return")
        return invalid_input("invalid_review", "decision", "decision 须为 accept（通过）或 return（退回）");
    out.accept = decision == "accept";
    if (auto comment = body->find("comment"); comment != body->end() && !comment->is_null()) {
        if (!comment->is_string()) return invalid_input("invalid_review", "comment", "comment 须为字符串");
        out.comment = comment->get<std::string>();
    }
    if (char_count(out.comment) > max_comment_chars)
        return invalid_input("invalid_review", "comment",
                             "审核意见不能超过 " + std::to_string(max_comment_chars) + " 个字");
    if (!out.accept && out.comment.find_first_not_of(" \t\r\n") == std::string::npos)
        return invalid_input("invalid_review", "comment", "退回时须写明需要修改的地方");
    return out;
}

asio::awaitable<http::reply> review_self_assessment(worker_state& w, http::request_context& ctx) {
    auto found = co_await find_staff_campaign(w, ctx, true, true);
    if (!found.campaign) co_return std::move(found.refusal);
    const auto* unit = found.campaign->find_unit(ctx.param("uid"));
    if (!unit) co_return unit_not_found();
    auto parsed = parse_review(ctx);
    if (auto* refusal = std::get_if<http::response>(&parsed)) co_return std::move(*refusal);
    const auto& review = std::get<review_request>(parsed);
    const unit_caller caller{found.campaign, unit, found.who, {}};
    const json detail = {
        {"unit", unit->id}, {"decision", review.accept ? "accept" : "return"}, {"comment", review.comment}};
    auto decide = [&](const unit_assessment& before) -> std::variant<assessment_record, http::response> {
        if (!before.record || before.record->state == assessment_state::draft ||
            before.record->state == assessment_state::returned)
            return http::json_error(http::status::conflict, "not_submitted", "这个单位的自评尚未提交，不能审核");
        auto record = *before.record;
        // Accepting again publishes the disclosure again (after a failure to), nothing else.
        if (record.state == assessment_state::accepted && review.accept) return record;
        if (record.state == assessment_state::accepted)
            return http::json_error(http::status::conflict, "self_assessment_accepted", "自评已审核通过，不能再退回");
        record.state = review.accept ? assessment_state::accepted : assessment_state::returned;
        record.reviewed_ms = now_ms();
        record.reviewer = found.who->name;
        record.comment = review.comment;
        return record;
    };
    auto changed = co_await change_record(w, caller, decide, "self_assessment.review", detail);
    if (auto* refusal = std::get_if<http::response>(&changed)) co_return std::move(*refusal);
    const auto& record = std::get<assessment_record>(changed);
    if (review.accept) {
        auto failure =
            co_await publish_disclosure(w, *found.who, found.campaign->id, unit->id, record.content.disclosure);
        if (failure) co_return std::move(*failure);
    }
    log::info("self-assessment reviewed",
              {{"campaign", found.campaign->id}, {"by", found.who->name}, {"detail", detail}});
    co_return json_ok({{"state", to_string(record.state)},
                       {"reviewed_at", time_json(record.reviewed_ms)},
                       {"reviewer", record.reviewer},
                       {"review_comment", record.comment},
                       {"disclosure_published", review.accept}});
}

// Attachments change only while the unit may still edit.
asio::awaitable<std::optional<http::response>> check_editable(worker_state& w, const unit_caller& caller) {
    error_code ec;
    auto a = co_await load_unit_assessment(*w.redis, caller.campaign->id, caller.unit->id, ec);
    if (ec) co_return redis_unavailable();
    if (a.record && !editable(a.record->state)) co_return not_editable(a.record->state);
    co_return std::nullopt;
}

asio::awaitable<http::reply> upload_attachment(worker_state& w, http::request_context& ctx) {
    auto caller = co_await unit_caller_of(w, ctx, ctx.param("uid"), false);
    if (!caller.campaign) co_return std::move(caller.refusal);
    auto refusal = co_await check_editable(w, caller);
    if (refusal) co_return std::move(*refusal);
    const auto owner = self_assessment_keys::attachments_owner(caller.campaign->id, caller.unit->id);
    error_code ec;
    auto files = co_await list_attachments(w, owner, ec);
    if (ec) co_return redis_unavailable();
    if (files.size() >= max_attachments)
        co_return http::json_error(http::status::conflict, "too_many_attachments",
                                   "附件最多 " + std::to_string(max_attachments) + " 个，请先删除不需要的附件");
    auto stored = co_await store_attachment(w, owner, ctx);
    if (auto* answer = std::get_if<http::response>(&stored)) co_return std::move(*answer);
    const auto& file = std::get<attachment>(stored);
    log::info(
        "self-assessment attachment stored",
        {{"campaign", caller.campaign->id}, {"unit", caller.unit->id}, {"attachment", file.id}, {"size", file.size}});
    co_return json_ok(file.to_json(), http::status::created);
}

asio::awaitable<http::reply> download_attachment(worker_state& w, http::request_context& ctx) {
    auto caller = co_await unit_caller_of(w, ctx, ctx.param("uid"), true);
    if (!caller.campaign) co_return std::move(caller.refusal);
    co_return co_await serve_attachment(
        w, self_assessment_keys::attachments_owner(caller.campaign->id, caller.unit->id), ctx.param("aid"), ctx);
}

asio::awaitable<http::reply> delete_attachment(worker_state& w, http::request_context& ctx) {
    auto caller = co_await unit_caller_of(w, ctx, ctx.param("uid"), false);
    if (!caller.campaign) co_return std::move(caller.refusal);
    auto refusal = co_await check_editable(w, caller);
    if (refusal) co_return std::move(*refusal);
    error_code ec;
    auto removed = co_await remove_attachment(
        w, self_assessment_keys::attachments_owner(caller.campaign->id, caller.unit->id), ctx.param("aid"), ec);
    if (ec) co_return redis_unavailable();
    if (!removed) co_return http::json_error(http::status::not_found, "attachment_not_found", "没有这个附件");
    co_return json_ok({{"id", ctx.param("aid")}, {"deleted", true}});
}

asio::awaitable<http::reply> list_self_assessments(worker_state& w, http::request_context& ctx) {
    auto found = co_await find_staff_campaign(w, ctx, false, false);
    if (!found.campaign) co_return std::move(found.refusal);
    const auto& c = *found.campaign;
    error_code ec;
    auto all = co_await load_assessments(*w.redis, c.id, ec);
    if (ec) co_return redis_unavailable();
    std::map<std::string, int> counts{{"none", 0}, {"draft", 0}, {"submitted", 0}, {"accepted", 0}, {"returned", 0}};
    json units = json::array();
    for (const auto& u : c.units) {
        auto it = all.records.find(u.id);
        const auto* record = it == all.records.end() ? nullptr : &it->second;
        auto files = co_await list_attachments(w, self_assessment_keys::attachments_owner(c.id, u.id), ec);
        if (ec) co_return redis_unavailable();
        auto content = record ? vote::fitted(record->content, all.indicators.system) : vote::self_assessment{};
        const std::string state = record ? std::string(to_string(record->state)) : "none";
        ++counts[state];
        json entry = progress_json(content, all.indicators.system);
        entry.update({{"id", u.id},
                      {"name", u.name},
                      {"state", state},
                      {"attachments", files.size()},
                      {"saved_at", time_json(record ? record->saved_ms : 0)},
                      {"submitted_at", time_json(record ? record->submitted_ms : 0)},
                      {"reviewed_at", time_json(record ? record->reviewed_ms : 0)},
                      {"reviewer", record ? record->reviewer : ""}});
        units.push_back(std::move(entry));
    }
    co_return json_ok({{"indicators",
                        {{"indicator_count", all.indicators.system.indicator_count()},
                         {"total_points", vote::tenths_json(all.indicators.system.total_points())},
                         {"locked", all.indicators.locked}}},
                       {"states", counts},
                       {"units", std::move(units)}});
}

}  // namespace

void add_unit_routes(http::router& r, worker_state& w) {
    const std::string base = "/api/v1/campaigns/{cid}";
    const std::string self = base + "/units/{uid}/self-assessment";
    const http::route_options sheet{.body_limit = 1024 * 1024};
    r.add(http::verb::get, base + "/indicators", [&w](http::request_context& ctx) { return get_indicators(w, ctx); });
    r.add(http::verb::put, base + "/indicators",
          [&w](http::request_context& ctx) { return put_indicators(w, ctx); }, sheet);
    r.add(http::verb::get, base + "/indicators.csv",
          [&w](http::request_context& ctx) { return get_indicators_csv(w, ctx); });
    r.add(http::verb::get, "/api/v1/indicator-template.csv",
          [&w](http::request_context& ctx) { return get_template(w, ctx); });
    r.add(http::verb::post, base + "/unit-links",
          [&w](http::request_context& ctx) { return create_unit_links(w, ctx); });
    r.add(http::verb::get, base + "/self-assessments",
          [&w](http::request_context& ctx) { return list_self_assessments(w, ctx); });
    r.add(http::verb::get, self, [&w](http::request_context& ctx) { return get_self_assessment(w, ctx); });
    r.add(http::verb::put, self,
          [&w](http::request_context& ctx) { return put_self_assessment(w, ctx); }, sheet);
    r.add(http::verb::post, self + "/submit",
          [&w](http::request_context& ctx) { return submit_self_assessment(w, ctx); });
    r.add(http::verb::post, self + "/review",
          [&w](http::request_context& ctx) { return review_self_assessment(w, ctx); });
    r.add(http::verb::post, self + "/attachments",
          [&w](http::request_context& ctx) { return upload_attachment(w, ctx); }, upload_route_options(w.shared.cfg));
    r.add(http::verb::get, self + "/attachments/{aid}",
          [&w](http::request_context& ctx) { return download_attachment(w, ctx); });
    r.add(http::verb::delete_, self + "/attachments/{aid}",
          [&w](http::request_context& ctx) { return delete_attachment(w, ctx); });
    r.add(http::verb::get, "/unit/{cid}", [&w](http::request_context& ctx) -> asio::awaitable<http::reply> {
        co_return serve_link_page(w, ctx, "unit/portal.html");
    });
}

}  // namespace pingyi::server
