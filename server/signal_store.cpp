#include "server/signal_store.hpp"

#include <charconv>
#include <set>

#include <nlohmann/json.hpp>

#include "http/client_address.hpp"
#include "redis/connection.hpp"
#include "server/app.hpp"
#include "server/ballot_log.hpp"

namespace pingyi::server {

namespace asio = boost::asio;
using boost::system::error_code;
using nlohmann::json;

std::string signal_reviews_key(std::string_view cid) { return "{c:" + std::string(cid) + "}:signal-reviews"; }

std::string subscribed_key(std::string_view pseudonym) { return "pingyi:wx:subscribed:" + std::string(pseudonym); }

std::string_view to_string(review_decision d) { return d == review_decision::fraud ? "fraud" : "fine"; }

std::optional<review_decision> parse_review_decision(std::string_view text) {
    if (text == "fine") return review_decision::fine;
    if (text == "fraud") return review_decision::fraud;
    return std::nullopt;
}

std::string encode_review(const signal_review& r) {
    return json{{"decision", to_string(r.decision)}, {"reason", r.reason}, {"by", r.by}, {"at", r.at_ms}}.dump();
}

std::optional<signal_review> decode_review(std::string_view text) {
    auto j = json::parse(text, nullptr, false);
    if (!j.is_object() || !j.contains("decision") || !j["decision"].is_string()) return std::nullopt;
    auto decision = parse_review_decision(j["decision"].get<std::string>());
    if (!decision) return std::nullopt;
    return signal_review{*decision, j.value("reason", std::string()), j.value("by", std::string()),
                         j.value("at", std::int64_t{0})};
}

asio::awaitable<std::map<std::string, signal_review>> load_reviews(redis::connection& redis, std::string_view cid,
                                                                   error_code& ec) {
    std::map<std::string, signal_review> out;
    std::vector<std::string> command{"HGETALL", signal_reviews_key(cid)};
    auto r = co_await redis.exec(std::move(command));
    if (r.ec) {
        ec = r.ec;
        co_return out;
    }
    const auto& flat = r.value.elements();
    for (std::size_t i = 0; i + 1 < flat.size(); i += 2)
        if (auto review = decode_review(flat[i + 1].str())) out.emplace(flat[i].str(), std::move(*review));
    co_return out;
}

asio::awaitable<void> store_review(redis::connection& redis, std::string_view cid, std::string_view id,
                                   const signal_review& r, error_code& ec) {
    std::vector<std::string> command{"HSET", signal_reviews_key(cid), std::string(id), encode_review(r)};
    auto result = co_await redis.exec(std::move(command));
    if (result.ec) ec = result.ec;
    else if (result.value.is_error()) ec = make_error_code(boost::system::errc::io_error);
}

namespace {

std::optional<std::int64_t> seconds_of(const redis::result& r) {
    if (r.ec || !r.value.is_string()) return std::nullopt;
    const auto& text = r.value.str();
    std::int64_t value = 0;
    auto [end, err] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (err != std::errc{} || end != text.data() + text.size()) return std::nullopt;
    return value;
}

}  // namespace

signal_store::signal_store(redis::connection& redis, std::int64_t window_ms, vote::anomaly_config config)
    : redis_(redis), window_ms_(window_ms), config_(config) {}

asio::awaitable<std::map<std::uint64_t, vote::ballot_origin>> signal_store::origins_of(
    std::string_view cid, const std::vector<vote::log_entry>& entries, error_code& ec) {
    std::map<std::int64_t, std::vector<std::uint64_t>> buckets;
    for (const auto& e : entries) buckets[vote::origin_bucket(e.time_ms, window_ms_)].push_back(e.seq);
    std::vector<std::vector<std::string>> lookups;
    for (const auto& [bucket, seqs] : buckets) lookups.push_back(vote::origin_lookup_command(cid, bucket, seqs));
    auto replies = co_await redis_.exec_many(std::move(lookups));
    std::map<std::uint64_t, vote::ballot_origin> out;
    auto reply = replies.begin();
    for (const auto& [bucket, seqs] : buckets) {
        if (reply == replies.end() || reply->ec) {
            ec = reply == replies.end() ? make_error_code(boost::system::errc::io_error) : reply->ec;
            co_return out;
        }
        const auto& values = reply->value.elements();
        for (std::size_t i = 0; i < seqs.size() && i < values.size(); ++i)
            if (values[i].is_string())
                if (auto o = vote::parse_origin(values[i].str())) out.emplace(seqs[i], std::move(*o));
        ++reply;
    }
    co_return out;
}

asio::awaitable<signal_store::snapshot> signal_store::current(const vote::campaign& c, error_code& ec) {
    const bool retained = now_ms() < c.personal_data_until_ms();
    const auto now = std::chrono::steady_clock::now();
    const auto rebuild_after = std::chrono::milliseconds(vote::origin_bucket_width(window_ms_));
    auto& slot = analyses_[c.id];
    if (!slot || (slot->with_origins && (!retained || now - slot->built >= rebuild_after)))
        slot = std::make_shared<analysis>(analysis{vote::analyzer(c.units, config_), retained, now});
    const auto held = slot;
    auto& a = held->analyzer;
    for (;;) {
        auto entries = co_await read_log(redis_, c.id, a.last_seq() + 1, 0, page, ec);
        if (ec) co_return snapshot{};
        std::map<std::uint64_t, vote::ballot_origin> origins;
        if (held->with_origins && !entries.empty()) {
            origins = co_await origins_of(c.id, entries, ec);
            if (ec) co_return snapshot{};
        }
        // The follow times of voters seen for the first time, one pipelined
        // batch a page, looked up by the account pseudonym of their origin.
        std::vector<std::pair<std::string, std::string>> fresh_voters;  // log pseudonym, account
        std::set<std::string, std::less<>> asked;
        for (const auto& e : entries) {
            auto o = origins.find(e.seq);
            if (o != origins.end() && !a.knows(e.voter) && asked.insert(e.voter).second)
                fresh_voters.emplace_back(e.voter, o->second.account);
        }
        std::map<std::string, std::int64_t, std::less<>> followed;
        if (!fresh_voters.empty()) {
            std::vector<std::vector<std::string>> gets;
            for (const auto& v : fresh_voters) gets.push_back({"GET", subscribed_key(v.second)});
            auto replies = co_await redis_.exec_many(std::move(gets));
            for (std::size_t i = 0; i < replies.size() && i < fresh_voters.size(); ++i) {
                if (replies[i].ec) {
                    ec = replies[i].ec;
                    co_return snapshot{};
                }
                if (auto s = seconds_of(replies[i])) followed.emplace(fresh_voters[i].first, *s);
            }
        }
        auto before = a.last_seq();
        for (auto& e : entries) {
            if (e.seq <= a.last_seq()) continue;  // another request on this worker got here first
            if (e.seq != a.last_seq() + 1) break;  // a gap: the log is not what it should be; stop here
            std::optional<std::int64_t> followed_at;
            if (auto f = followed.find(e.voter); f != followed.end()) followed_at = f->second;
            if (auto o = origins.find(e.seq); o != origins.end()) e.address = o->second.address;
            a.add(e, http::network_of(e.address).value_or(""), followed_at);
        }
        if (entries.size() < page || a.last_seq() == before) break;
    }
    co_return snapshot{a.last_seq(), a.signals()};
}

}  // namespace pingyi::server
