// The staff audit trail (等保2.0 安全审计): its export as NDJSON or CSV, its
// verification, and the page showing both, for auditors and admins. No route
// deletes from the trail: the retention trim (worker 0, once a day) drops
// only entries older than audit_retention_days, itself at least 180.
#include <chrono>
#include <limits>
#include <optional>

#include <nlohmann/json.hpp>

#include "http/query.hpp"
#include "http/streamer.hpp"
#include "redis/connection.hpp"
#include "server/admin_log.hpp"
#include "server/app.hpp"
#include "server/background_task.hpp"
#include "server/auth.hpp"
#include "server/log.hpp"
#include "server/responses.hpp"
#include "vote/time.hpp"

namespace pingyi::server {

namespace asio = boost::asio;
using boost::system::error_code;
using nlohmann::json;

namespace {

constexpr std::size_t page_size = 1000;
constexpr std::chrono::hours trim_every{24};
constexpr std::chrono::seconds trim_retry{10};

enum class trail_format { ndjson, csv };

// ?since= as given; a '+' in the offset arrives as a space unless the
// client percent-encoded it, so that is read as '+' too.
std::optional<std::int64_t> parse_since(std::string text) {
    if (auto t = vote::parse_rfc3339(text)) return t;
    for (auto& c : text)
        if (c == ' ') c = '+';
    return vote::parse_rfc3339(text);
}

// Every retained entry is hashed (the chain runs from the anchor); those
// before `since` are not written. The NDJSON starts with the anchor line of
// the first entry written, so any export can be checked by itself.
asio::awaitable<void> stream_trail(worker_state& w, http::streamer& s, trail_bounds bounds, trail_format format,
                                   std::int64_t since_ms) {
    trail_checker chain(bounds.anchor);
    bool started = format == trail_format::csv;
    std::string out = format == trail_format::csv ? csv_header() : std::string();
    error_code ec;
    while (chain.last_seq() < bounds.appended) {
        auto page = co_await read_trail(*w.redis, chain.last_seq() + 1, bounds.appended, page_size, ec);
        if (ec) co_return;  // a short file: its verification says so
        bool broken = false;
        for (const auto& e : page.entries) {
            chain_anchor before;
            if (!started) before = {chain.last_seq(), chain.report().head};
            auto hash = chain.add(e);
            if (!hash) {
                broken = true;  // a gap: the file stops before it, and verify names it
                break;
            }
            if (e.time_ms < since_ms) continue;
            if (!started) out += anchor_line(before) + "\n";
            started = true;
            out += format == trail_format::csv ? csv_row(e, *hash) : ndjson_line(e, *hash) + "\n";
        }
        if (!out.empty()) co_await s.write(out, ec);
        out.clear();
        if (ec || broken || !page.unreadable.empty()) co_return;
        if (page.read < page_size) break;
    }
    // Nothing was written yet: the CSV header, or the anchor the next entry will follow.
    if (!started) out = anchor_line({chain.last_seq(), chain.report().head}) + "\n";
    if (!out.empty()) co_await s.write(out, ec);
}

asio::awaitable<http::reply> export_trail(worker_state& w, http::request_context& ctx) {
    auto auth = co_await authenticate_audit_reader(w, ctx);
    if (!auth.who) co_return std::move(auth.refusal);
    auto format_text = http::query_param(ctx.query, "format").value_or("ndjson");
    if (format_text != "ndjson" && format_text != "csv")
        co_return invalid_input("invalid_format", "", "参数 format 须为 ndjson 或 csv");
    const auto format = format_text == "csv" ? trail_format::csv : trail_format::ndjson;
    std::int64_t since_ms = std::numeric_limits<std::int64_t>::min();
    if (auto since = http::query_param(ctx.query, "since")) {
        auto parsed = parse_since(*since);
        if (!parsed)
            co_return invalid_input("invalid_since", "", "参数 since 须为 RFC 3339 时间，如 2024-01-01T00:00:00+08:00");
        since_ms = *parsed;
    }
    // Reading the trail is on the trail too.
    error_code ec;
    json detail = {{"format", format_text}, {"address", ctx.client_address}};
    if (since_ms != std::numeric_limits<std::int64_t>::min()) detail["since"] = vote::format_rfc3339_shanghai(since_ms);
    co_await record_admin_action(*w.redis, auth.who->name, "audit.export", "", detail, ec);
    if (ec) co_return redis_unavailable();
    auto bounds = co_await read_trail_bounds(*w.redis, ec);
    if (ec) co_return redis_unavailable();

    http::reply out;
    out.res = http::response{http::status::ok, 11};
    if (format == trail_format::csv) {
        out.res.set(http::field::content_type, "text/csv; charset=utf-8");
        out.res.set(http::field::content_disposition, "attachment; filename=\"pingyi-audit-trail.csv\"");
    } else {
        out.res.set(http::field::content_type, "application/x-ndjson; charset=utf-8");
        out.res.set(http::field::content_disposition, "attachment; filename=\"pingyi-audit-trail.ndjson\"");
    }
    out.res.set(http::field::cache_control, "no-store");
    out.stream = [&w, bounds, format, since_ms](http::streamer& s) {
        return stream_trail(w, s, bounds, format, since_ms);
    };
    co_return out;
}

asio::awaitable<http::reply> verify_trail_route(worker_state& w, http::request_context& ctx) {
    auto auth = co_await authenticate_audit_reader(w, ctx);
    if (!auth.who) co_return std::move(auth.refusal);
    error_code ec;
    auto report = co_await verify_admin_log(*w.redis, ec);
    if (ec) co_return redis_unavailable();
    if (!report.ok) log::error("audit trail verification failed", {{"problem", report.problem}});
    auto res = json_ok({{"ok", report.ok},
                        {"count", report.count},
                        {"head", report.head},
                        {"anchor", {{"seq", report.anchor.seq}, {"hash", report.anchor.hash}}},
                        {"problem", report.ok ? json(nullptr) : json(report.problem)}});
    res.set(http::field::cache_control, "no-store");
    co_return res;
}

asio::awaitable<http::reply> audit_page(worker_state& w, http::request_context& ctx) {
    auto auth = co_await authenticate_audit_reader(w, ctx);
    if (auth.who) co_return w.shared.web.serve(ctx.req, "admin/audit.html", "no-cache");
    switch (auth.refusal.result()) {
    case http::status::unauthorized: co_return login_redirect(ctx);
    case http::status::forbidden:
        co_return message_page(http::status::forbidden, "没有权限", "只有市级的审计员和管理员可以查看审计记录。", "/admin",
                               "返回评议管理");
    default: co_return message_page(auth.refusal.result(), "服务暂时不可用", "请稍后刷新页面。", "", "");
    }
}

}  // namespace

void add_audit_routes(http::router& r, worker_state& w) {
    // Every server's first worker trims: the trim script lets only one of
    // them drop a given entry.
    if (w.index == 0)
        start_background_task(w, trim_every, trim_retry, [&w](error_code& ec) -> asio::awaitable<void> {
            auto dropped = co_await trim_admin_log(*w.redis, now_ms(), w.shared.cfg.audit_retention_days, ec);
            if (ec) log::warn("audit trail trim failed", {{"error", ec.message()}});
            else if (dropped > 0) log::info("audit trail trimmed", {{"entries", dropped}});
        });
    r.add(http::verb::get, "/api/v1/admin/audit-trail",
          [&w](http::request_context& ctx) { return export_trail(w, ctx); });
    r.add(http::verb::get, "/api/v1/admin/audit-trail/verify",
          [&w](http::request_context& ctx) { return verify_trail_route(w, ctx); });
    r.add(http::verb::get, "/admin/audit", [&w](http::request_context& ctx) { return audit_page(w, ctx); });
}

}  // namespace pingyi::server
