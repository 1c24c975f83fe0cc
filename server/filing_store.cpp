#include "server/filing_store.hpp"

#include <nlohmann/json.hpp>

#include "redis/connection.hpp"
#include "redis/script.hpp"
#include "server/log.hpp"
#include "server/store_result.hpp"

namespace pingyi::server {

namespace asio = boost::asio;
using boost::system::error_code;
using nlohmann::json;

namespace filing_keys {
namespace {
// The organizer and year as one hash tag: a year's keys share a slot.
std::string scope(std::string_view organizer, int year) {
    std::string k = "pingyi:filings:{";
    k.append(organizer.empty() ? "-" : organizer).append(":").append(std::to_string(year)).append("}:");
    return k;
}
}  // namespace

std::string roster(std::string_view organizer, int year) { return scope(organizer, year) + "roster"; }

std::string filing(std::string_view organizer, int year, std::string_view uid, filing_kind kind) {
    auto k = scope(organizer, year);
    k.append(uid).append(":").append(to_string(kind));
    return k;
}
}  // namespace filing_keys

namespace {

// KEYS: the filing. ARGV: attachment, note, submitted. nil when accepted
// (nothing changes); else the attachment it replaced ("" if none).
const redis::script& submit_script() {
    static const redis::script s("filing_submit", R"lua(
if redis.call('HGET', KEYS[1], 'review') == 'accepted' then return false end
local replaced = redis.call('HGET', KEYS[1], 'attachment') or ''
redis.call('DEL', KEYS[1])
redis.call('HSET', KEYS[1], 'attachment', ARGV[1], 'note', ARGV[2], 'submitted', ARGV[3], 'review', 'pending')
return replaced
)lua");
    return s;
}

// KEYS: the filing. ARGV: the attachment the reviewer saw ('' any), review,
// comment, reviewer, reviewed. 0 nothing filed, -1 another upload since, 1 done.
const redis::script& review_script() {
    static const redis::script s("filing_review", R"lua(
local current = redis.call('HGET', KEYS[1], 'attachment')
if not current then return 0 end
if ARGV[1] ~= '' and ARGV[1] ~= current then return -1 end
redis.call('HSET', KEYS[1], 'review', ARGV[2], 'comment', ARGV[3], 'reviewer', ARGV[4], 'reviewed', ARGV[5])
return 1
)lua");
    return s;
}

bool failed(const redis::result& r, error_code& ec) { return command_failed(r, ec, "filing"); }

std::int64_t integer_of(const std::string& text) {
    try {
        return std::stoll(text);
    } catch (const std::exception&) {
        return 0;
    }
}

// An HGETALL's field, value pairs as a filing; nullopt when nothing was filed.
std::optional<filing> filing_of(const std::vector<std::string>& fields) {
    if (fields.empty()) return std::nullopt;
    filing f;
    for (std::size_t i = 0; i + 1 < fields.size(); i += 2) {
        const auto& name = fields[i];
        const auto& value = fields[i + 1];
        if (name == "attachment") f.attachment = value;
        else if (name == "note") f.note = value;
        else if (name == "submitted") f.submitted_ms = integer_of(value);
        else if (name == "review") f.review = parse_review_state(value).value_or(review_state::pending);
        else if (name == "comment") f.comment = value;
        else if (name == "reviewer") f.reviewer = value;
        else if (name == "reviewed") f.reviewed_ms = integer_of(value);
    }
    return f;
}

}  // namespace

asio::awaitable<std::vector<roster_unit>> load_roster(redis::connection& redis, std::string_view organizer, int year,
                                                      error_code& ec) {
    std::vector<std::string> command{"GET", filing_keys::roster(organizer, year)};
    auto r = co_await redis.exec(std::move(command));
    if (failed(r, ec) || r.value.is_nil()) co_return std::vector<roster_unit>{};
    auto parsed = roster_from_json(json::parse(r.value.str(), nullptr, false));
    if (auto* units = std::get_if<std::vector<roster_unit>>(&parsed)) co_return std::move(*units);
    log::error("stored roster unreadable", {{"organizer", organizer}, {"year", year}});
    ec = boost::system::errc::make_error_code(boost::system::errc::io_error);
    co_return std::vector<roster_unit>{};
}

asio::awaitable<void> save_roster(redis::connection& redis, std::string_view organizer, int year,
                                  const std::vector<roster_unit>& units, error_code& ec) {
    std::vector<std::string> command{"SET", filing_keys::roster(organizer, year), roster_json(units).dump()};
    auto r = co_await redis.exec(std::move(command));
    failed(r, ec);
}

asio::awaitable<std::vector<unit_filings>> load_filings(redis::connection& redis, std::string_view organizer, int year,
                                                        const std::vector<roster_unit>& units, error_code& ec) {
    std::vector<unit_filings> out;
    if (units.empty()) co_return out;
    std::vector<std::vector<std::string>> commands;
    for (const auto& u : units)
        for (auto kind : filing_kinds)
            commands.push_back({"HGETALL", filing_keys::filing(organizer, year, u.id, kind)});
    auto replies = co_await redis.exec_many(std::move(commands));
    for (const auto& r : replies)
        if (failed(r, ec)) co_return out;
    for (std::size_t i = 0; i < units.size(); ++i)
        out.push_back(
            {units[i], filing_of(replies[2 * i].value.strings()), filing_of(replies[2 * i + 1].value.strings())});
    co_return out;
}

asio::awaitable<submit_result> submit_filing(redis::connection& redis, std::string_view organizer, int year,
                                             std::string_view uid, filing_kind kind, const filing& f,
                                             error_code& ec) {
    std::vector<std::string> keys{filing_keys::filing(organizer, year, uid, kind)};
    std::vector<std::string> args{f.attachment, f.note, std::to_string(f.submitted_ms)};
    auto r = co_await redis.eval(submit_script(), std::move(keys), std::move(args));
    if (failed(r, ec) || r.value.is_nil()) co_return submit_result{};
    co_return submit_result{true, r.value.str()};
}

asio::awaitable<review_outcome> review_filing(redis::connection& redis, std::string_view organizer, int year,
                                              std::string_view uid, filing_kind kind, std::string_view seen,
                                              review_state state, std::string_view comment, std::string_view reviewer,
                                              std::int64_t at_ms, error_code& ec) {
    std::vector<std::string> keys{filing_keys::filing(organizer, year, uid, kind)};
    std::vector<std::string> args{std::string(seen), std::string(to_string(state)), std::string(comment),
                                  std::string(reviewer), std::to_string(at_ms)};
    auto r = co_await redis.eval(review_script(), std::move(keys), std::move(args));
    if (failed(r, ec)) co_return review_outcome::nothing_filed;
    if (r.value.integer() == 0) co_return review_outcome::nothing_filed;
    if (r.value.integer() < 0) co_return review_outcome::changed;
    co_return review_outcome::reviewed;
}

}  // namespace pingyi::server
