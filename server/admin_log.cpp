#include "server/admin_log.hpp"

#include <charconv>

#include "redis/connection.hpp"
#include "server/app.hpp"
#include "server/log.hpp"
#include "vote/script.hpp"
#include "vote/time.hpp"

namespace pingyi::server {

namespace {

constexpr std::string_view counter_key = "{pingyi:admin-log}:seq";
constexpr std::string_view anchor_key = "{pingyi:admin-log}:anchor";
constexpr std::string_view before_chain_key = "{pingyi:admin-log}:before-chain";
constexpr std::size_t page_size = 1000;
// A trim moving the anchor while the trail is read makes the reader start
// over from the new anchor; a trim runs once a day, so a few tries do.
constexpr int verify_attempts = 3;

// KEYS[1] the trail, KEYS[2] its counter, KEYS[3] where a trail written
// before the counter existed is kept (its IDs were times, the chain's are
// sequence numbers). ARGV time, who, action, campaign, detail. Replies the
// new entry's seq. The counter and the stream change together, so a seq
// without its entry means the entry was deleted.
constexpr std::string_view append_source =
    "if redis.call('EXISTS', KEYS[2]) == 0 and redis.call('EXISTS', KEYS[1]) == 1 then\n"
    "  if redis.call('RENAMENX', KEYS[1], KEYS[3]) == 0 then\n"
    "    return redis.error_reply('ERR audit trail without its counter')\n"
    "  end\n"
    "end\n"
    "local seq = redis.call('INCR', KEYS[2])\n"
    "redis.call('XADD', KEYS[1], seq .. '-0', 'time', ARGV[1], 'who', ARGV[2], 'action', ARGV[3],\n"
    "           'campaign', ARGV[4], 'detail', ARGV[5])\n"
    "return seq\n";

// KEYS[1] the trail, KEYS[2] its anchor. ARGV the anchor seq the trim was
// planned from, the new anchor's seq and hash, the first ID to keep. Replies
// 1, or 0 (nothing done) when another trim moved the anchor meanwhile.
constexpr std::string_view trim_source =
    "if (redis.call('HGET', KEYS[2], 'seq') or '0') ~= ARGV[1] then return 0 end\n"
    "redis.call('HSET', KEYS[2], 'seq', ARGV[2], 'hash', ARGV[3])\n"
    "redis.call('XTRIM', KEYS[1], 'MINID', ARGV[4])\n"
    "return 1\n";

const redis::script& append_script() {
    static const redis::script s("admin_append", std::string(append_source));
    return s;
}

const redis::script& trim_script() {
    static const redis::script s("admin_trim", std::string(trim_source));
    return s;
}

vote::script_call append_call(std::int64_t time_ms, std::string_view who, std::string_view action,
                              std::string_view campaign, const nlohmann::json& detail) {
    return {{std::string(admin_log_key), std::string(counter_key), std::string(before_chain_key)},
            {std::to_string(time_ms), audit_text(who), audit_text(action), audit_text(campaign), detail_text(detail)}};
}

std::string stream_id(std::uint64_t seq) { return std::to_string(seq) + "-0"; }

std::uint64_t unsigned_number(const redis::reply& r) {
    std::uint64_t v = 0;
    if (r.is_string()) std::from_chars(r.str().data(), r.str().data() + r.str().size(), v);
    return v;
}

boost::system::error_code redis_error() { return boost::system::errc::make_error_code(boost::system::errc::io_error); }

}  // namespace

boost::asio::awaitable<void> record_admin_action(redis::connection& redis, std::string_view who,
                                                 std::string_view action, std::string_view campaign,
                                                 const nlohmann::json& detail, boost::system::error_code& ec) {
    auto call = append_call(now_ms(), who, action, campaign, detail);
    auto r = co_await redis.eval(append_script(), std::move(call.keys), std::move(call.args));
    if (r.ec) {
        ec = r.ec;
    } else if (r.value.is_error()) {
        log::error("audit trail append refused", {{"action", action}, {"error", r.value.str()}});
        ec = redis_error();
    }
}

boost::asio::awaitable<void> record_admin_action(redis::connection& redis, const principal& who,
                                                 std::string_view action, std::string_view campaign,
                                                 const nlohmann::json& detail, boost::system::error_code& ec) {
    auto recorded = detail;
    if (!who.organizer.empty()) recorded["actor_organizer"] = who.organizer;
    co_await record_admin_action(redis, who.name, action, campaign, recorded, ec);
}

std::vector<std::string> admin_append_command(std::int64_t time_ms, std::string_view who, std::string_view action,
                                              std::string_view campaign, const nlohmann::json& detail) {
    static const vote::lua_script script{std::string(append_source)};
    return append_call(time_ms, who, action, campaign, detail).eval(script);
}

boost::asio::awaitable<trail_bounds> read_trail_bounds(redis::connection& redis, boost::system::error_code& ec) {
    std::vector<std::vector<std::string>> commands{{"HMGET", std::string(anchor_key), "seq", "hash"},
                                                   {"GET", std::string(counter_key)}};
    auto replies = co_await redis.exec_many(std::move(commands));
    trail_bounds out;
    for (const auto& r : replies) {
        if (!r.ok()) {
            ec = r.ec ? r.ec : redis_error();
            co_return out;
        }
    }
    const auto& anchor = replies[0].value.elements();
    if (anchor.size() == 2 && anchor[0].is_string() && anchor[1].is_string())
        out.anchor = chain_anchor{unsigned_number(anchor[0]), anchor[1].str()};
    out.appended = unsigned_number(replies[1].value);
    co_return out;
}

boost::asio::awaitable<trail_page> read_trail(redis::connection& redis, std::uint64_t first_seq,
                                              std::uint64_t last_seq, std::size_t count,
                                              boost::system::error_code& ec) {
    trail_page page;
    std::vector<std::string> command{"XRANGE", std::string(admin_log_key), stream_id(first_seq), stream_id(last_seq),
                                     "COUNT", std::to_string(count)};
    auto r = co_await redis.exec(std::move(command));
    if (!r.ok()) {
        ec = r.ec ? r.ec : redis_error();
        co_return page;
    }
    page.read = r.value.elements().size();
    for (const auto& element : r.value.elements()) {
        const auto& parts = element.elements();
        auto entry = parts.size() == 2 ? parse_admin_entry(parts[0].str(), parts[1].strings()) : std::nullopt;
        if (!entry) {
            page.unreadable = parts.empty() ? std::string("?") : parts[0].str();
            break;
        }
        page.entries.push_back(std::move(*entry));
    }
    co_return page;
}

boost::asio::awaitable<trail_report> verify_admin_log(redis::connection& redis, boost::system::error_code& ec) {
    trail_report report;
    for (int attempt = 0; attempt < verify_attempts; ++attempt) {
        auto bounds = co_await read_trail_bounds(redis, ec);
        if (ec) co_return report;
        trail_checker chain(bounds.anchor);
        while (chain.report().ok && chain.last_seq() < bounds.appended) {
            auto page = co_await read_trail(redis, chain.last_seq() + 1, bounds.appended, page_size, ec);
            if (ec) co_return report;
            for (const auto& e : page.entries)
                if (!chain.add(e)) break;
            if (!page.unreadable.empty() && chain.report().ok)
                chain.fail("记录 " + page.unreadable + " 无法读取：字段缺失或格式不对");
            if (page.read < page_size) break;
        }
        chain.finish(bounds.appended);
        report = chain.report();
        if (report.ok) co_return report;
        auto now = co_await read_trail_bounds(redis, ec);
        if (ec || now.anchor.seq == bounds.anchor.seq) co_return report;
    }
    co_return report;
}

boost::asio::awaitable<std::uint64_t> trim_admin_log(redis::connection& redis, std::int64_t now_ms,
                                                     int retention_days, boost::system::error_code& ec) {
    const std::int64_t cutoff_ms = now_ms - std::int64_t{retention_days} * vote::day_ms;
    std::uint64_t dropped = 0;
    chain_anchor anchor;
    for (;;) {
        auto bounds = co_await read_trail_bounds(redis, ec);
        if (ec) co_return dropped;
        if (bounds.appended <= bounds.anchor.seq) break;
        auto page = co_await read_trail(redis, bounds.anchor.seq + 1, bounds.appended, page_size, ec);
        if (ec) co_return dropped;
        auto plan = plan_trim(bounds.anchor, page.entries, cutoff_ms);
        if (!plan) break;
        vote::script_call call{{std::string(admin_log_key), std::string(anchor_key)},
                               {std::to_string(bounds.anchor.seq), std::to_string(plan->anchor.seq), plan->anchor.hash,
                                stream_id(plan->anchor.seq + 1)}};
        auto r = co_await redis.eval(trim_script(), std::move(call.keys), std::move(call.args));
        if (!r.ok()) {
            ec = r.ec ? r.ec : redis_error();
            co_return dropped;
        }
        if (r.value.integer() == 0) break;  // another server trims; it goes on from here
        dropped += plan->entries;
        anchor = plan->anchor;
        if (plan->entries < page.entries.size() || page.read < page_size) break;
    }
    if (dropped == 0) co_return dropped;
    nlohmann::json detail = {{"entries", dropped},
                             {"through_seq", anchor.seq},
                             {"anchor_hash", anchor.hash},
                             {"retention_days", retention_days}};
    co_await record_admin_action(redis, "system", "audit.trim", "", detail, ec);
    co_return dropped;
}

}  // namespace pingyi::server
