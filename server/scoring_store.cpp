#include "server/scoring_store.hpp"

#include <algorithm>
#include <set>

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

namespace scoring_keys {
using vote::keys::tagged;

std::string panel(std::string_view cid) { return tagged(cid, "panel"); }
std::string peer(std::string_view cid) { return tagged(cid, "peer"); }
std::string status(std::string_view cid) { return tagged(cid, "status"); }
std::string judges(std::string_view cid) { return tagged(cid, "judges"); }
std::string revision(std::string_view cid) { return tagged(cid, "eval-rev"); }
std::string published(std::string_view cid) { return tagged(cid, "published"); }
}  // namespace scoring_keys

namespace {

// KEYS: panel, peer, status, tally, judges, revision, published.
const redis::script& snapshot_script() {
    static const redis::script s("scoring_snapshot", R"lua(
return {
  redis.call('HGETALL', KEYS[1]),
  redis.call('HGETALL', KEYS[2]),
  redis.call('HGETALL', KEYS[3]),
  redis.call('HGETALL', KEYS[4]),
  redis.call('ZRANGE', KEYS[5], 0, -1),
  redis.call('GET', KEYS[6]) or '0',
  redis.call('EXISTS', KEYS[7])
}
)lua");
    return s;
}

// KEYS: published, revision, the hash to change. ARGV[1]: 'replace' (the
// hash becomes exactly the pairs that follow) or 'set'; then field, value.
const redis::script& change_script() {
    static const redis::script s("scoring_change", R"lua(
if redis.call('EXISTS', KEYS[1]) == 1 then return 0 end
if ARGV[1] == 'replace' then redis.call('DEL', KEYS[3]) end
for i = 2, #ARGV, 2 do redis.call('HSET', KEYS[3], ARGV[i], ARGV[i + 1]) end
redis.call('INCR', KEYS[2])
return 1
)lua");
    return s;
}

// KEYS: published, revision. ARGV[1]: the revision the results were
// computed from; then field, value.
const redis::script& publish_script() {
    static const redis::script s("scoring_publish", R"lua(
if redis.call('EXISTS', KEYS[1]) == 1 then return 0 end
if (redis.call('GET', KEYS[2]) or '0') ~= ARGV[1] then return -1 end
for i = 2, #ARGV, 2 do redis.call('HSET', KEYS[1], ARGV[i], ARGV[i + 1]) end
return 1
)lua");
    return s;
}

bool failed(const redis::result& r, error_code& ec) { return command_failed(r, ec, "scoring"); }

std::vector<std::string> strings_of(const redis::reply& r) {
    std::vector<std::string> out;
    for (const auto& e : r.elements()) out.push_back(e.str());
    return out;
}

template <class Decoded, class Decode>
std::vector<std::pair<std::string, Decoded>> decode_hash(const redis::reply& r, Decode decode, std::string_view what) {
    std::vector<std::pair<std::string, Decoded>> out;
    auto flat = strings_of(r);
    for (std::size_t i = 0; i + 1 < flat.size(); i += 2) {
        auto value = decode(flat[i], flat[i + 1]);
        if (value)
            out.emplace_back(flat[i], std::move(*value));
        else  // never written by this code; skipped so one bad field cannot block the results
            log::error("unreadable scoring record", {{"what", what}, {"field", flat[i]}});
    }
    return out;
}

void add_item(std::vector<score_sheet>& sheets, const std::string& owner, sheet_item item, std::int64_t at_ms,
              const std::string& by) {
    auto it = std::find_if(sheets.begin(), sheets.end(), [&](const score_sheet& s) { return s.owner == owner; });
    if (it == sheets.end()) it = sheets.insert(sheets.end(), score_sheet{owner, at_ms, by, {}});
    it->items.push_back(std::move(item));
}

}  // namespace

std::string encode_sheet(const score_sheet& sheet) {
    json items = json::array();
    for (const auto& i : sheet.items) {
        json item = {{"unit", i.unit}, {"score", i.score.to_json()}};
        if (!i.comment.empty()) item["comment"] = i.comment;
        items.push_back(std::move(item));
    }
    return json{{"at", sheet.at_ms}, {"by", sheet.by}, {"scores", std::move(items)}}.dump();
}

std::optional<score_sheet> decode_sheet(std::string_view owner, std::string_view text) {
    auto j = json::parse(text, nullptr, false);
    if (!j.is_object() || !j.contains("scores") || !j["scores"].is_array()) return std::nullopt;
    score_sheet sheet{std::string(owner), j.value("at", std::int64_t{0}), j.value("by", std::string()), {}};
    for (const auto& item : j["scores"]) {
        if (!item.is_object() || !item.contains("unit") || !item["unit"].is_string() || !item.contains("score"))
            return std::nullopt;
        auto score = eval::parse_score(item["score"], "score");
        if (!score) return std::nullopt;
        sheet.items.push_back({item["unit"].get<std::string>(), score.value(), item.value("comment", std::string())});
    }
    return sheet;
}

std::string encode_status(const status_record& record) {
    return json{{"status", eval::to_string(record.status)},
                {"reason", record.reason},
                {"by", record.by},
                {"at", record.at_ms}}
        .dump();
}

std::optional<status_record> decode_status(std::string_view text) {
    auto j = json::parse(text, nullptr, false);
    if (!j.is_object() || !j.contains("status") || !j["status"].is_string()) return std::nullopt;
    auto status = eval::parse_unit_status(j["status"].get<std::string>());
    if (!status) return std::nullopt;
    return status_record{*status, j.value("reason", std::string()), j.value("by", std::string()),
                         j.value("at", std::int64_t{0})};
}

std::vector<score_sheet> sheets_of(const std::vector<eval::panel_score>& scores, std::int64_t at_ms,
                                   const std::string& by) {
    std::vector<score_sheet> sheets;
    for (const auto& s : scores) add_item(sheets, s.judge, {s.unit, s.score, s.comment}, at_ms, by);
    return sheets;
}

std::vector<score_sheet> sheets_of(const std::vector<eval::peer_score>& scores, std::int64_t at_ms,
                                   const std::string& by) {
    std::vector<score_sheet> sheets;
    for (const auto& s : scores) add_item(sheets, s.rater, {s.unit, s.score, {}}, at_ms, by);
    return sheets;
}

std::vector<eval::unit> eval_units(const vote::campaign& c,
                                   const std::map<std::string, status_record, std::less<>>& statuses) {
    std::vector<eval::unit> units;
    for (const auto& u : c.units) {
        eval::unit e{u.id, u.name, eval::unit_status::present, std::nullopt};
        if (u.electorate && *u.electorate >= 0) e.electorate = static_cast<std::uint64_t>(*u.electorate);
        if (auto it = statuses.find(u.id); it != statuses.end()) e.status = it->second.status;
        units.push_back(std::move(e));
    }
    return units;
}

eval::evaluation_input evaluation_input_of(const vote::campaign& c, const eval::scoring_config& config,
                                           const scoring_snapshot& s) {
    eval::evaluation_input in;
    in.units = eval_units(c, s.statuses);
    in.config = config;
    for (const auto& sheet : s.panel)
        for (const auto& i : sheet.items) in.panel.push_back({sheet.owner, i.unit, i.score, i.comment});
    for (const auto& sheet : s.peer)
        for (const auto& i : sheet.items) in.peer.push_back({sheet.owner, i.unit, i.score});
    std::set<std::string, std::less<>> bands;
    for (const auto& b : config.satisfaction_bands) bands.insert(b.name);
    const bool ratings = config.method == eval::public_method::satisfaction;
    for (const auto& [field, count] : s.tally.counts) {
        if (count <= 0) continue;
        auto colon = field.find(':');
        std::string unit = field.substr(0, colon);
        if (!c.find_unit(unit)) continue;
        auto n = static_cast<std::uint64_t>(count);
        if (!ratings && colon == std::string::npos)
            in.public_votes.votes[unit] = n;
        else if (ratings && colon != std::string::npos && bands.contains(field.substr(colon + 1)))
            in.public_votes.ratings[unit][field.substr(colon + 1)] = n;
    }
    return in;
}

json frozen_inputs_json(const eval::evaluation_input& input, const scoring_snapshot& s) {
    json units = json::array();
    for (const auto& u : input.units) {
        auto it = s.statuses.find(u.id);
        units.push_back({{"id", u.id},
                         {"name", u.name},
                         {"status", eval::to_string(u.status)},
                         {"reason", it == s.statuses.end() ? "" : it->second.reason}});
    }
    json panel = json::array();
    for (const auto& p : input.panel)
        panel.push_back({{"judge", p.judge}, {"unit", p.unit}, {"score", p.score.to_string()}, {"comment", p.comment}});
    json peer = json::array();
    for (const auto& p : input.peer)
        peer.push_back({{"rater", p.rater}, {"unit", p.unit}, {"score", p.score.to_string()}});
    return {{"units", std::move(units)},
            {"panel", std::move(panel)},
            {"peer", std::move(peer)},
            {"votes", input.public_votes.votes},
            {"ratings", input.public_votes.ratings},
            {"scoring", eval::to_json(input.config)}};
}

std::vector<std::string> published_comments(std::string_view frozen_inputs, std::string_view unit) {
    auto frozen = json::parse(frozen_inputs, nullptr, false);
    std::vector<std::string> comments;
    if (!frozen.is_object() || !frozen.contains("panel") || !frozen["panel"].is_array()) return comments;
    for (const auto& p : frozen["panel"]) {
        if (!p.is_object() || p.value("unit", "") != unit) continue;
        auto comment = p.value("comment", "");
        if (!comment.empty()) comments.push_back(std::move(comment));
    }
    return comments;
}

asio::awaitable<scoring_snapshot> load_scoring(redis::connection& redis, std::string_view cid, error_code& ec) {
    std::vector<std::string> keys{scoring_keys::panel(cid),  scoring_keys::peer(cid),     scoring_keys::status(cid),
                                  vote::keys::tally(cid),    scoring_keys::judges(cid),   scoring_keys::revision(cid),
                                  scoring_keys::published(cid)};
    auto r = co_await redis.eval(snapshot_script(), std::move(keys), {});
    scoring_snapshot s;
    if (failed(r, ec)) co_return s;
    if (r.value.elements().size() != 7) {
        ec = boost::system::errc::make_error_code(boost::system::errc::protocol_error);
        co_return s;
    }
    const auto& parts = r.value.elements();
    auto sheet = [](const std::string& owner, const std::string& text) { return decode_sheet(owner, text); };
    for (auto& entry : decode_hash<score_sheet>(parts[0], sheet, "panel")) s.panel.push_back(std::move(entry.second));
    for (auto& entry : decode_hash<score_sheet>(parts[1], sheet, "peer")) s.peer.push_back(std::move(entry.second));
    auto status = [](const std::string&, const std::string& text) { return decode_status(text); };
    for (auto& [unit, decoded] : decode_hash<status_record>(parts[2], status, "status"))
        s.statuses.emplace(unit, std::move(decoded));
    s.tally = vote::parse_tally(strings_of(parts[3]));
    s.judges = strings_of(parts[4]);
    s.revision = parts[5].str();
    s.published = parts[6].integer() == 1;

    // Hash order is arbitrary: fix one, so warnings and frozen inputs read the same every time.
    auto place = [&](const std::string& judge) {
        auto it = std::find(s.judges.begin(), s.judges.end(), judge);
        return std::pair(static_cast<std::size_t>(it - s.judges.begin()), judge);
    };
    std::sort(s.panel.begin(), s.panel.end(),
              [&](const score_sheet& a, const score_sheet& b) { return place(a.owner) < place(b.owner); });
    std::sort(s.peer.begin(), s.peer.end(), [](const score_sheet& a, const score_sheet& b) { return a.owner < b.owner; });
    co_return s;
}

asio::awaitable<bool> replace_sheets(redis::connection& redis, std::string_view cid, sheet_kind kind,
                                     const std::vector<score_sheet>& sheets, bool whole, error_code& ec) {
    auto target = kind == sheet_kind::panel ? scoring_keys::panel(cid) : scoring_keys::peer(cid);
    std::vector<std::string> keys{scoring_keys::published(cid), scoring_keys::revision(cid), std::move(target)};
    std::vector<std::string> args{whole ? "replace" : "set"};
    for (const auto& sheet : sheets) {
        args.push_back(sheet.owner);
        args.push_back(encode_sheet(sheet));
    }
    auto r = co_await redis.eval(change_script(), std::move(keys), std::move(args));
    if (failed(r, ec)) co_return false;
    co_return r.value.integer() == 1;
}

asio::awaitable<bool> set_unit_status(redis::connection& redis, std::string_view cid, std::string_view unit,
                                      const status_record& record, error_code& ec) {
    std::vector<std::string> keys{scoring_keys::published(cid), scoring_keys::revision(cid),
                                  scoring_keys::status(cid)};
    std::vector<std::string> args{"set", std::string(unit), encode_status(record)};
    auto r = co_await redis.eval(change_script(), std::move(keys), std::move(args));
    if (failed(r, ec)) co_return false;
    co_return r.value.integer() == 1;
}

asio::awaitable<void> register_judges(redis::connection& redis, std::string_view cid,
                                      const std::vector<std::string>& judges, std::int64_t at_ms, error_code& ec) {
    if (judges.empty()) co_return;
    std::vector<std::string> command{"ZADD", scoring_keys::judges(cid), "NX"};
    for (std::size_t i = 0; i < judges.size(); ++i) {
        // A millisecond apart each, so one request's judges keep their order.
        command.push_back(std::to_string(at_ms + static_cast<std::int64_t>(i)));
        command.push_back(judges[i]);
    }
    auto r = co_await redis.exec(std::move(command));
    failed(r, ec);
}

asio::awaitable<publish_outcome> publish_results(redis::connection& redis, std::string_view cid,
                                                 std::string_view revision, const frozen_results& frozen,
                                                 error_code& ec) {
    std::vector<std::string> keys{scoring_keys::published(cid), scoring_keys::revision(cid)};
    std::vector<std::string> args{std::string(revision),
                                  "at",
                                  std::to_string(frozen.at_ms),
                                  "by",
                                  frozen.by,
                                  "results",
                                  frozen.results,
                                  "csv",
                                  frozen.csv,
                                  "report",
                                  frozen.report,
                                  "inputs",
                                  frozen.inputs};
    auto r = co_await redis.eval(publish_script(), std::move(keys), std::move(args));
    if (failed(r, ec)) co_return publish_outcome::changed;
    if (r.value.integer() == 0) co_return publish_outcome::already_published;
    if (r.value.integer() < 0) co_return publish_outcome::changed;
    co_return publish_outcome::published;
}

asio::awaitable<std::optional<std::string>> published_field(redis::connection& redis, std::string_view cid,
                                                            std::string_view field, error_code& ec) {
    std::vector<std::string> command{"HGET", scoring_keys::published(cid), std::string(field)};
    auto r = co_await redis.exec(std::move(command));
    if (failed(r, ec)) co_return std::nullopt;
    if (r.value.is_nil()) co_return std::nullopt;
    co_return r.value.str();
}

}  // namespace pingyi::server
