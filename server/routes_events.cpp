// Live updates for the dashboard and the big screen: Server-Sent Events on
// GET /api/v1/campaigns/<cid>/events. Once a second the tally and the
// results are read again and sent when they changed (`event: tally`,
// `event: results`; staff also get `event: refusals`), with a comment line as heartbeat when nothing changed
// for a while, so proxies keep the connection open.
#include <nlohmann/json.hpp>

#include "eval/results_format.hpp"
#include "http/streamer.hpp"
#include "redis/connection.hpp"
#include "server/app.hpp"
#include "server/auth.hpp"
#include "server/campaign_cache.hpp"
#include "server/evaluation.hpp"
#include "server/responses.hpp"
#include "server/route_campaign.hpp"
#include "server/scoring_store.hpp"
#include "vote/refusals.hpp"
#include "vote/tally.hpp"

namespace pingyi::server {

namespace asio = boost::asio;
using boost::system::error_code;
using std::chrono::steady_clock;

namespace {

constexpr std::chrono::milliseconds poll_interval{1000};
constexpr std::chrono::seconds heartbeat_interval{15};
// A stream ends after this long and the browser reconnects (EventSource
// does so by itself), which checks the caller's session again.
constexpr std::chrono::minutes stream_lifetime{10};

// One SSE message; every line of the payload gets its own "data:".
std::string frame(std::string_view event, std::string_view data) {
    std::string out = "event: " + std::string(event) + "\n";
    for (;;) {
        auto eol = data.find('\n');
        out += "data: " + std::string(data.substr(0, eol)) + "\n";
        if (eol == std::string_view::npos) break;
        data.remove_prefix(eol + 1);
    }
    return out + "\n";
}

// As GET .../tally answers; nullopt when Redis did not.
asio::awaitable<std::optional<std::string>> tally_text(worker_state& w, const vote::campaign& c) {
    auto command = vote::tally_command(c.id);
    auto r = co_await w.redis->exec(std::move(command));
    if (!r.ok()) co_return std::nullopt;
    co_return vote::tally_json(vote::parse_tally(r.value.strings()), c).dump();
}

// As GET .../refusals answers; nullopt when Redis did not.
asio::awaitable<std::optional<std::string>> refusals_text(worker_state& w, const vote::campaign& c) {
    auto r = co_await w.redis->exec(vote::refusals_command(c.id));
    if (!r.ok()) co_return std::nullopt;
    co_return vote::refusals_json(r.value.strings()).dump();
}

// As GET .../results answers this caller: the published results, or for
// staff the results computed now; nullopt when there is nothing to send.
asio::awaitable<std::optional<std::string>> results_text(worker_state& w, const vote::campaign& c, bool staff) {
    error_code ec;
    auto frozen = co_await published_field(*w.redis, c.id, "results", ec);
    if (ec) co_return std::nullopt;
    if (frozen || !staff) co_return frozen;
    evaluation e;
    auto failure = co_await evaluate_now(w, c, e);
    if (failure) co_return std::nullopt;
    co_return eval::results_json(e.units, false);
}

// Adds a frame to `frames` when `text` differs from what was sent last.
void add_if_changed(std::string& frames, std::string_view event, std::optional<std::string> text, std::string& last) {
    if (!text || *text == last) return;
    frames += frame(event, *text);
    last = std::move(*text);
}

asio::awaitable<void> stream_events(worker_state& w, http::streamer& s, std::string cid, bool staff) {
    error_code ec;
    co_await s.write("retry: 2000\n\n", ec);
    if (ec) co_return;
    std::string last_tally;
    std::string last_refusals;
    std::string last_results;
    auto started = steady_clock::now();
    auto last_write = started;
    for (;;) {
        auto c = co_await w.campaigns->get(cid, ec);
        if (!ec && !c) co_return;  // the campaign is gone
        std::string frames;
        if (!ec) {
            if (staff || c->visibility == vote::tally_visibility::everyone) {
                auto tally = co_await tally_text(w, *c);
                add_if_changed(frames, "tally", std::move(tally), last_tally);
            }
            if (staff) {
                auto refusals = co_await refusals_text(w, *c);
                add_if_changed(frames, "refusals", std::move(refusals), last_refusals);
            }
            auto results = co_await results_text(w, *c, staff);
            add_if_changed(frames, "results", std::move(results), last_results);
        }
        ec = {};
        auto now = steady_clock::now();
        if (frames.empty() && now - last_write >= heartbeat_interval) frames = ": heartbeat\n\n";
        if (!frames.empty()) {
            co_await s.write(frames, ec);
            if (ec) co_return;
            last_write = now;
        }
        if (now - started >= stream_lifetime) co_return;
        auto running = co_await s.sleep(poll_interval);
        if (!running) co_return;
    }
}

// Staff of the campaign's organizer get everything; anyone else (another
// organizer's staff too) the tally when it is public and the results once
// published, and when neither is there to see a 401 (another organizer's
// staff: a 404, as on every staff route).
asio::awaitable<http::reply> events(worker_state& w, http::request_context& ctx) {
    auto found = co_await find_campaign(w, ctx);
    if (!found.campaign) co_return std::move(found.refusal);
    const auto& c = found.campaign;
    error_code ec;
    auto auth = co_await authenticate_for(w, ctx, *c, false, false);
    bool staff = auth.who.has_value();
    if (!staff) {
        auto refused = auth.refusal.result();
        if (refused != http::status::unauthorized && refused != http::status::not_found)
            co_return std::move(auth.refusal);
        auto published = co_await published_field(*w.redis, c->id, "results", ec);
        if (ec) co_return redis_unavailable();
        if (c->visibility != vote::tally_visibility::everyone && !published) co_return std::move(auth.refusal);
    }
    http::reply out;
    out.res = http::response{http::status::ok, 11};
    out.res.set(http::field::content_type, "text/event-stream; charset=utf-8");
    out.res.set(http::field::cache_control, "no-cache");
    out.res.set("X-Accel-Buffering", "no");
    out.stream = [&w, cid = c->id, staff](http::streamer& s) { return stream_events(w, s, cid, staff); };
    co_return out;
}

}  // namespace

void add_event_routes(http::router& r, worker_state& w) {
    r.add(http::verb::get, "/api/v1/campaigns/{cid}/events", [&w](http::request_context& ctx) { return events(w, ctx); });
}

}  // namespace pingyi::server
