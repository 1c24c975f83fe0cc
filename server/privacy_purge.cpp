#include "server/privacy_purge.hpp"

#include <charconv>
#include <chrono>

#include <nlohmann/json.hpp>

#include "redis/connection.hpp"
#include "server/admin_log.hpp"
#include "server/app.hpp"
#include "server/background_task.hpp"
#include "server/campaign_cache.hpp"
#include "server/log.hpp"
#include "server/signal_store.hpp"
#include "server/suggestion_store.hpp"
#include "vote/keys.hpp"
#include "vote/time.hpp"

namespace pingyi::server {

namespace asio = boost::asio;
using boost::system::error_code;

namespace {

constexpr std::chrono::hours purge_every{1};
constexpr std::chrono::seconds purge_retry{10};

error_code redis_error() { return boost::system::errc::make_error_code(boost::system::errc::io_error); }

// Every campaign whose retention is over and that is not purged yet.
asio::awaitable<void> purge_due(worker_state& w, error_code& ec) {
    auto campaigns = co_await w.campaigns->all(ec);
    if (ec) co_return;
    for (const auto& c : campaigns) {
        const auto now = now_ms();
        if (now < c->personal_data_until_ms()) continue;
        auto done = co_await purged_at(*w.redis, c->id, ec);
        if (ec) co_return;
        if (done) continue;
        auto deleted = co_await purge_personal_data(*w.redis, *c, "system", now, ec);
        if (ec) co_return;
        log::info("personal data purged", {{"campaign", c->id}, {"keys", deleted}});
    }
}

}  // namespace

asio::awaitable<std::optional<std::int64_t>> purged_at(redis::connection& redis, std::string_view cid,
                                                       error_code& ec) {
    std::vector<std::string> command{"HGET", vote::keys::rules(cid), "purged_ms"};
    auto r = co_await redis.exec(std::move(command));
    if (!r.ok()) {
        ec = r.ec ? r.ec : redis_error();
        co_return std::nullopt;
    }
    if (!r.value.is_string()) co_return std::nullopt;
    std::int64_t at = 0;
    const auto& text = r.value.str();
    std::from_chars(text.data(), text.data() + text.size(), at);
    co_return at;
}

asio::awaitable<std::uint64_t> purge_personal_data(redis::connection& redis, const vote::campaign& c,
                                                   std::string_view who, std::int64_t now_ms, error_code& ec) {
    const auto reviews = signal_reviews_key(c.id);
    std::uint64_t deleted = 0;
    std::string cursor = "0";
    do {
        std::vector<std::string> scan{"SCAN", cursor, "MATCH", vote::keys::pattern(c.id), "COUNT", "1000"};
        auto page = co_await redis.exec(std::move(scan));
        if (!page.ok() || page.value.elements().size() != 2) {
            ec = page.ec ? page.ec : redis_error();
            co_return deleted;
        }
        cursor = page.value.elements()[0].str();
        std::vector<std::string> unlink{"UNLINK"};
        for (const auto& key : page.value.elements()[1].elements())
            if (vote::keys::holds_personal_data(c.id, key.str()) || key.str() == reviews ||
                suggestion_keys::holds_personal_data(c.id, key.str()))
                unlink.push_back(key.str());
        if (unlink.size() == 1) continue;
        auto gone = co_await redis.exec(std::move(unlink));
        if (!gone.ok()) {
            ec = gone.ec ? gone.ec : redis_error();
            co_return deleted;
        }
        deleted += static_cast<std::uint64_t>(gone.value.integer());
    } while (cursor != "0");

    nlohmann::json detail = {{"keys", deleted},
                             {"retention_days", c.privacy.retention_days},
                             {"closes_at", vote::format_rfc3339_shanghai(c.closes_ms)}};
    co_await record_admin_action(redis, who, "campaign.purge", c.id, detail, ec);
    if (ec) co_return deleted;
    // Last: a purge cut short before here is done again on the next round.
    std::vector<std::string> mark{"HSET", vote::keys::rules(c.id), "purged_ms", std::to_string(now_ms)};
    auto marked = co_await redis.exec(std::move(mark));
    if (!marked.ok()) ec = marked.ec ? marked.ec : redis_error();
    co_return deleted;
}

void start_purge_task(worker_state& w) {
    start_background_task(w, purge_every, purge_retry, [&w](error_code& ec) -> asio::awaitable<void> {
        co_await purge_due(w, ec);
        if (ec) log::warn("personal data purge failed", {{"error", ec.message()}});
    });
}

}  // namespace pingyi::server
