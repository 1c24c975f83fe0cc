#include "server/suggestion_store.hpp"

#include <nlohmann/json.hpp>

#include "redis/connection.hpp"
#include "redis/script.hpp"
#include "server/log.hpp"
#include "server/store_result.hpp"
#include "vote/keys.hpp"
#include "vote/time.hpp"

namespace pingyi::server {

namespace asio = boost::asio;
using boost::system::error_code;
using nlohmann::json;

namespace {

constexpr suggestion_state all_states[] = {suggestion_state::pending, suggestion_state::approved,
                                           suggestion_state::rejected};

// The next code point of `s` from `i` (advanced past it); -1 for a byte
// sequence that is not UTF-8 (overlong, a surrogate, beyond U+10FFFF, cut off).
long next_code_point(std::string_view s, std::size_t& i) {
    const auto lead = static_cast<unsigned char>(s[i]);
    if (lead < 0x80) {
        ++i;
        return lead;
    }
    std::size_t extra = 0;
    long least = 0;  // the smallest code point that needs this many bytes
    if ((lead & 0xE0) == 0xC0) {
        extra = 1;
        least = 0x80;
    } else if ((lead & 0xF0) == 0xE0) {
        extra = 2;
        least = 0x800;
    } else if ((lead & 0xF8) == 0xF0) {
        extra = 3;
        least = 0x10000;
    } else {
        return -1;
    }
    if (i + extra >= s.size()) return -1;
    long cp = lead & (0x3F >> extra);
    for (std::size_t k = 1; k <= extra; ++k) {
        const auto next = static_cast<unsigned char>(s[i + k]);
        if ((next & 0xC0) != 0x80) return -1;
        cp = (cp << 6) | (next & 0x3F);
    }
    i += extra + 1;
    if (cp < least || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return -1;
    return cp;
}

bool is_space(long cp) { return cp == ' ' || cp == '\t' || cp == '\n' || cp == '\r' || cp == 0x3000; }

// C0 and C1 controls but the line break, DEL, and the bidirectional
// overrides and isolates (which can make a text read differently from what it is).
bool is_refused_control(long cp) {
    if (cp == '\n') return false;
    return cp < 0x20 || (cp >= 0x7F && cp <= 0x9F) || (cp >= 0x202A && cp <= 0x202E) ||
           (cp >= 0x2066 && cp <= 0x2069);
}

using vote::keys::tagged;

// KEYS: today's counts, sequence, records, pending, voters. ARGV: voter,
// limit, lifetime of the day's counts (ms), record.
const redis::script& add_script() {
    static const redis::script s("suggestion_add", R"lua(
local used = tonumber(redis.call('HGET', KEYS[1], ARGV[1]) or '0')
local limit = tonumber(ARGV[2])
if used >= limit then return {0, 0} end
redis.call('HSET', KEYS[1], ARGV[1], used + 1)
redis.call('PEXPIRE', KEYS[1], ARGV[3])
local id = redis.call('INCR', KEYS[2])
redis.call('HSET', KEYS[3], id, ARGV[4])
redis.call('ZADD', KEYS[4], id, id)
redis.call('HSET', KEYS[5], id, ARGV[1])
return {id, limit - used - 1}
)lua");
    return s;
}

// KEYS: records, pending, approved, rejected. ARGV: 'all' or the index
// (2..4) of the one state's key, the limit. Answers the three counts, the
// ids and their records.
const redis::script& list_script() {
    static const redis::script s("suggestion_list", R"lua(
local limit = tonumber(ARGV[2])
local ids = {}
local from = ARGV[1] == 'all' and 2 or tonumber(ARGV[1])
local to = ARGV[1] == 'all' and 4 or from
for k = from, to do
  for _, id in ipairs(redis.call('ZRANGE', KEYS[k], 0, limit - 1)) do ids[#ids + 1] = tonumber(id) end
end
table.sort(ids)
while #ids > limit do table.remove(ids) end
local records = {}
if #ids > 0 then records = redis.call('HMGET', KEYS[1], unpack(ids)) end
for k = 1, #ids do ids[k] = tostring(ids[k]) end
return {{redis.call('ZCARD', KEYS[2]), redis.call('ZCARD', KEYS[3]), redis.call('ZCARD', KEYS[4])}, ids, records}
)lua");
    return s;
}

// KEYS: records, pending, approved, rejected. ARGV: id, record, the index
// (2..4) of the new state's key.
const redis::script& moderate_script() {
    static const redis::script s("suggestion_moderate", R"lua(
if redis.call('HEXISTS', KEYS[1], ARGV[1]) == 0 then return 0 end
redis.call('HSET', KEYS[1], ARGV[1], ARGV[2])
for k = 2, 4 do redis.call('ZREM', KEYS[k], ARGV[1]) end
redis.call('ZADD', KEYS[tonumber(ARGV[3])], ARGV[1], ARGV[1])
return 1
)lua");
    return s;
}

// The place of a state's key among the scripts' KEYS (Lua counts from 1).
std::string key_index(suggestion_state s) { return std::to_string(static_cast<int>(s) + 2); }

std::vector<std::string> state_keys(std::string_view cid) {
    std::vector<std::string> keys{suggestion_keys::records(cid)};
    for (auto s : all_states) keys.push_back(suggestion_keys::by_state(cid, s));
    return keys;
}

bool failed(const redis::result& r, error_code& ec) { return command_failed(r, ec, "suggestion"); }

error_code protocol_error() { return boost::system::errc::make_error_code(boost::system::errc::protocol_error); }

}  // namespace

checked_text check_free_text(std::string_view raw, std::size_t min_chars, std::size_t max_chars) {
    struct character {
        long cp;
        std::string_view bytes;
    };
    std::vector<character> chars;
    for (std::size_t i = 0; i < raw.size();) {
        const auto start = i;
        auto cp = next_code_point(raw, i);
        if (cp < 0) return {{}, "文字编码有误，请重新输入"};
        if (cp == '\r' && i < raw.size() && raw[i] == '\n') continue;  // "\r\n": the "\n" follows
        chars.push_back({cp, raw.substr(start, i - start)});
    }
    std::size_t first = 0;
    std::size_t last = chars.size();
    while (first < last && is_space(chars[first].cp)) ++first;
    while (last > first && is_space(chars[last - 1].cp)) --last;
    std::string text;
    for (std::size_t k = first; k < last; ++k) {
        if (is_refused_control(chars[k].cp)) return {{}, "不能包含换行以外的控制字符"};
        text += chars[k].bytes;
    }
    const std::size_t count = last - first;
    if (count < min_chars) return {{}, min_chars <= 1 ? "请填写内容" : "至少需要 " + std::to_string(min_chars) + " 个字"};
    if (count > max_chars) return {{}, "不能超过 " + std::to_string(max_chars) + " 个字"};
    return {std::move(text), {}};
}

std::string_view to_string(suggestion_state s) {
    switch (s) {
    case suggestion_state::pending: return "pending";
    case suggestion_state::approved: return "approved";
    case suggestion_state::rejected: return "rejected";
    }
    return "pending";
}

std::optional<suggestion_state> parse_suggestion_state(std::string_view text) {
    for (auto s : all_states)
        if (to_string(s) == text) return s;
    return std::nullopt;
}

std::string encode_suggestion(const suggestion& s) {
    json j = {{"unit", s.unit}, {"text", s.text}, {"at", s.at_ms}, {"state", to_string(s.state)}};
    if (s.state != suggestion_state::pending)
        j.update({{"by", s.moderator}, {"reason", s.reason}, {"moderated_at", s.moderated_ms}});
    return j.dump();
}

std::optional<suggestion> decode_suggestion(std::string_view id, std::string_view text) {
    auto j = json::parse(text, nullptr, false);
    if (!j.is_object()) return std::nullopt;
    auto string_of = [&](const char* name) { return j.contains(name) && j[name].is_string(); };
    if (!string_of("unit") || !string_of("text") || !string_of("state")) return std::nullopt;
    auto state = parse_suggestion_state(j["state"].get<std::string>());
    if (!state) return std::nullopt;
    suggestion s;
    s.id = std::string(id);
    s.unit = j["unit"].get<std::string>();
    s.text = j["text"].get<std::string>();
    s.at_ms = j.value("at", std::int64_t{0});
    s.state = *state;
    s.moderator = j.value("by", std::string());
    s.reason = j.value("reason", std::string());
    s.moderated_ms = j.value("moderated_at", std::int64_t{0});
    return s;
}

namespace suggestion_keys {
std::string records(std::string_view cid) { return tagged(cid, "suggestions"); }
std::string by_state(std::string_view cid, suggestion_state s) {
    return tagged(cid, "suggestions:" + std::string(to_string(s)));
}
std::string sequence(std::string_view cid) { return tagged(cid, "suggestion-seq"); }
std::string voters(std::string_view cid) { return tagged(cid, "suggestion-voters"); }
std::string day(std::string_view cid, std::int64_t day_number) {
    return tagged(cid, "suggestion-day:" + std::to_string(day_number));
}
bool holds_personal_data(std::string_view cid, std::string_view key) {
    return key == voters(cid) || key.starts_with(tagged(cid, "suggestion-day:"));
}
}  // namespace suggestion_keys

asio::awaitable<added_suggestion> add_suggestion(redis::connection& redis, std::string_view cid, const suggestion& s,
                                                 std::string_view voter, std::int64_t now_ms, error_code& ec) {
    std::vector<std::string> keys{suggestion_keys::day(cid, vote::day_number(now_ms)), suggestion_keys::sequence(cid),
                                  suggestion_keys::records(cid),
                                  suggestion_keys::by_state(cid, suggestion_state::pending),
                                  suggestion_keys::voters(cid)};
    std::vector<std::string> args{std::string(voter), std::to_string(suggestions_per_day),
                                  std::to_string(2 * vote::day_ms), encode_suggestion(s)};
    auto r = co_await redis.eval(add_script(), std::move(keys), std::move(args));
    added_suggestion out;
    if (failed(r, ec)) co_return out;
    const auto& parts = r.value.elements();
    if (parts.size() != 2) {
        ec = protocol_error();
        co_return out;
    }
    if (parts[0].integer() > 0) out.id = std::to_string(parts[0].integer());
    out.left_today = parts[1].integer();
    co_return out;
}

asio::awaitable<suggestion_list> load_suggestions(redis::connection& redis, std::string_view cid,
                                                  std::optional<suggestion_state> state, std::size_t limit,
                                                  error_code& ec) {
    std::vector<std::string> args{state ? key_index(*state) : "all", std::to_string(limit)};
    auto r = co_await redis.eval(list_script(), state_keys(cid), std::move(args));
    suggestion_list out;
    if (failed(r, ec)) co_return out;
    const auto& parts = r.value.elements();
    if (parts.size() != 3 || parts[0].elements().size() != 3 ||
        parts[1].elements().size() != parts[2].elements().size()) {
        ec = protocol_error();
        co_return out;
    }
    const auto& counts = parts[0].elements();
    out.pending = static_cast<std::uint64_t>(counts[0].integer());
    out.approved = static_cast<std::uint64_t>(counts[1].integer());
    out.rejected = static_cast<std::uint64_t>(counts[2].integer());
    const auto& ids = parts[1].elements();
    const auto& records = parts[2].elements();
    for (std::size_t i = 0; i < ids.size(); ++i) {
        if (records[i].is_nil()) continue;
        auto s = decode_suggestion(ids[i].str(), records[i].str());
        if (s)
            out.items.push_back(std::move(*s));
        else  // never written by this code; skipped so one bad record cannot hide the rest
            log::error("unreadable suggestion", {{"campaign", cid}, {"id", ids[i].str()}});
    }
    co_return out;
}

asio::awaitable<std::optional<suggestion>> find_suggestion(redis::connection& redis, std::string_view cid,
                                                           std::string_view id, error_code& ec) {
    std::vector<std::string> command{"HGET", suggestion_keys::records(cid), std::string(id)};
    auto r = co_await redis.exec(std::move(command));
    if (failed(r, ec) || r.value.is_nil()) co_return std::nullopt;
    co_return decode_suggestion(id, r.value.str());
}

asio::awaitable<bool> store_moderation(redis::connection& redis, std::string_view cid, const suggestion& s,
                                       error_code& ec) {
    std::vector<std::string> args{s.id, encode_suggestion(s), key_index(s.state)};
    auto r = co_await redis.eval(moderate_script(), state_keys(cid), std::move(args));
    if (failed(r, ec)) co_return false;
    co_return r.value.integer() == 1;
}

}  // namespace pingyi::server
