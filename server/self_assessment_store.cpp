#include "server/self_assessment_store.hpp"

#include <nlohmann/json.hpp>

#include "redis/connection.hpp"
#include "redis/script.hpp"
#include "server/log.hpp"
#include "server/store_result.hpp"
#include "vote/keys.hpp"

namespace pingyi::server {

namespace asio = boost::asio;
using boost::system::error_code;
using nlohmann::json;

namespace self_assessment_keys {
using vote::keys::tagged;

std::string indicators(std::string_view cid) { return tagged(cid, "indicators"); }
std::string records(std::string_view cid) { return tagged(cid, "self"); }
std::string states(std::string_view cid) { return tagged(cid, "self-state"); }
std::string attachments_owner(std::string_view cid, std::string_view uid) {
    return tagged(cid, "self:" + std::string(uid));
}
}  // namespace self_assessment_keys

namespace {

// KEYS: indicators, states. ARGV[1]: the new system.
const redis::script& indicators_script() {
    static const redis::script s("indicators_replace", R"lua(
for _, state in ipairs(redis.call('HVALS', KEYS[2])) do
  if state == 'submitted' or state == 'accepted' then return 0 end
end
redis.call('SET', KEYS[1], ARGV[1])
return 1
)lua");
    return s;
}

// KEYS: records, states, indicators. ARGV: unit, the record expected ('' none),
// the indicators expected ('' none), the new record, its state.
const redis::script& record_script() {
    static const redis::script s("self_assessment_replace", R"lua(
if (redis.call('HGET', KEYS[1], ARGV[1]) or '') ~= ARGV[2] then return 0 end
if (redis.call('GET', KEYS[3]) or '') ~= ARGV[3] then return 0 end
redis.call('HSET', KEYS[1], ARGV[1], ARGV[4])
redis.call('HSET', KEYS[2], ARGV[1], ARGV[5])
return 1
)lua");
    return s;
}

bool failed(const redis::result& r, error_code& ec) { return command_failed(r, ec, "self-assessment"); }

error_code unreadable(std::string_view what, std::string_view cid) {
    log::error("stored self-assessment data unreadable", {{"what", what}, {"campaign", cid}});
    return boost::system::errc::make_error_code(boost::system::errc::illegal_byte_sequence);
}

// The indicators' GET and the states' HVALS.
std::optional<stored_indicators> indicators_of(const redis::reply& text, const redis::reply& states) {
    auto out = text.is_nil() ? std::optional(stored_indicators{}) : decode_indicators(text.str());
    if (!out) return out;
    for (const auto& s : states.elements())
        if (s.str() == "submitted" || s.str() == "accepted") out->locked = true;
    return out;
}

std::vector<std::vector<std::string>> indicator_commands(std::string_view cid) {
    return {{"GET", self_assessment_keys::indicators(cid)}, {"HVALS", self_assessment_keys::states(cid)}};
}

struct indicators_and_reply {
    stored_indicators indicators;
    redis::reply extra;
};

// The campaign's indicators and, in the same round trip, the reply to
// `extra` (none if empty). ec: a reply failed, or the indicators are unreadable.
asio::awaitable<indicators_and_reply> load_with_indicators(redis::connection& redis, std::string_view cid,
                                                           std::vector<std::string> extra, error_code& ec) {
    auto commands = indicator_commands(cid);
    if (!extra.empty()) commands.push_back(std::move(extra));
    auto replies = co_await redis.exec_many(std::move(commands));
    indicators_and_reply out;
    for (const auto& r : replies)
        if (failed(r, ec)) co_return out;
    auto indicators = indicators_of(replies[0].value, replies[1].value);
    if (!indicators) {
        ec = unreadable("indicators", cid);
        co_return out;
    }
    out.indicators = std::move(*indicators);
    if (replies.size() > 2) out.extra = std::move(replies[2].value);
    co_return out;
}

}  // namespace

std::string_view to_string(assessment_state s) {
    switch (s) {
        case assessment_state::draft:
            return "draft";
        case assessment_state::submitted:
            return "submitted";
        case assessment_state::accepted:
            return "accepted";
        case assessment_state::returned:
            return "returned";
    }
    return "draft";
}

std::optional<assessment_state> parse_assessment_state(std::string_view text) {
    for (auto s :
         {assessment_state::draft, assessment_state::submitted, assessment_state::accepted, assessment_state::returned})
        if (to_string(s) == text) return s;
    return std::nullopt;
}

bool editable(assessment_state s) { return s == assessment_state::draft || s == assessment_state::returned; }

std::string encode_record(const assessment_record& r) {
    auto j = r.content.to_json();
    j["state"] = to_string(r.state);
    j["saved_at"] = r.saved_ms;
    j["submitted_at"] = r.submitted_ms;
    j["reviewed_at"] = r.reviewed_ms;
    j["reviewer"] = r.reviewer;
    j["comment"] = r.comment;
    return j.dump();
}

std::optional<assessment_record> decode_record(std::string_view text) {
    auto j = json::parse(text, nullptr, false);
    if (!j.is_object() || !j.contains("state") || !j["state"].is_string()) return std::nullopt;
    auto state = parse_assessment_state(j["state"].get<std::string>());
    if (!state) return std::nullopt;
    json content = json::object();
    for (const char* key : {"items", "disclosure"})
        if (j.contains(key)) content[key] = j[key];
    auto parsed = vote::self_assessment_from_json(content);
    auto* a = std::get_if<vote::self_assessment>(&parsed);
    if (!a) return std::nullopt;
    try {
        return assessment_record{*state,
                                 std::move(*a),
                                 j.value("saved_at", std::int64_t{0}),
                                 j.value("submitted_at", std::int64_t{0}),
                                 j.value("reviewed_at", std::int64_t{0}),
                                 j.value("reviewer", std::string()),
                                 j.value("comment", std::string())};
    } catch (const json::exception&) {  // a field of the wrong type
        return std::nullopt;
    }
}

std::string encode_indicators(const vote::indicator_system& system, std::int64_t at_ms, std::string_view by) {
    auto j = system.to_json();
    j["at"] = at_ms;
    j["by"] = by;
    return j.dump();
}

std::optional<stored_indicators> decode_indicators(std::string text) {
    auto j = json::parse(text, nullptr, false);
    if (!j.is_object() || !j.contains("categories")) return std::nullopt;
    auto parsed = vote::indicators_from_json(json{{"categories", j["categories"]}});
    auto* system = std::get_if<vote::indicator_system>(&parsed);
    if (!system) return std::nullopt;
    try {
        return stored_indicators{std::move(text), std::move(*system), j.value("at", std::int64_t{0}),
                                 j.value("by", std::string())};
    } catch (const json::exception&) {
        return std::nullopt;
    }
}

asio::awaitable<stored_indicators> load_indicators(redis::connection& redis, std::string_view cid, error_code& ec) {
    std::vector<std::string> no_extra;
    auto loaded = co_await load_with_indicators(redis, cid, std::move(no_extra), ec);
    co_return std::move(loaded.indicators);
}

asio::awaitable<unit_assessment> load_unit_assessment(redis::connection& redis, std::string_view cid,
                                                      std::string_view uid, error_code& ec) {
    std::vector<std::string> record_command{"HGET", self_assessment_keys::records(cid), std::string(uid)};
    auto loaded = co_await load_with_indicators(redis, cid, std::move(record_command), ec);
    unit_assessment out;
    if (ec) co_return out;
    out.indicators = std::move(loaded.indicators);
    if (loaded.extra.is_nil()) co_return out;
    out.record_text = loaded.extra.str();
    out.record = decode_record(out.record_text);
    if (!out.record) ec = unreadable("record", cid);
    co_return out;
}

asio::awaitable<campaign_assessments> load_assessments(redis::connection& redis, std::string_view cid, error_code& ec) {
    std::vector<std::string> records_command{"HGETALL", self_assessment_keys::records(cid)};
    auto loaded = co_await load_with_indicators(redis, cid, std::move(records_command), ec);
    campaign_assessments out;
    if (ec) co_return out;
    out.indicators = std::move(loaded.indicators);
    auto flat = loaded.extra.strings();
    for (std::size_t i = 0; i + 1 < flat.size(); i += 2) {
        auto record = decode_record(flat[i + 1]);
        if (!record) {
            ec = unreadable("record", cid);
            co_return out;
        }
        out.records.emplace(flat[i], std::move(*record));
    }
    co_return out;
}

asio::awaitable<bool> replace_indicators(redis::connection& redis, std::string_view cid, std::string text,
                                         error_code& ec) {
    std::vector<std::string> keys{self_assessment_keys::indicators(cid), self_assessment_keys::states(cid)};
    std::vector<std::string> args{std::move(text)};
    auto r = co_await redis.eval(indicators_script(), std::move(keys), std::move(args));
    if (failed(r, ec)) co_return false;
    co_return r.value.integer() == 1;
}

asio::awaitable<bool> replace_record(redis::connection& redis, std::string_view cid, std::string_view uid,
                                     const unit_assessment& before, const assessment_record& after, error_code& ec) {
    std::vector<std::string> keys{self_assessment_keys::records(cid), self_assessment_keys::states(cid),
                                  self_assessment_keys::indicators(cid)};
    std::vector<std::string> args{std::string(uid), before.record_text, before.indicators.text, encode_record(after),
                                  std::string(to_string(after.state))};
    auto r = co_await redis.eval(record_script(), std::move(keys), std::move(args));
    if (failed(r, ec)) co_return false;
    co_return r.value.integer() == 1;
}

}  // namespace pingyi::server
