#include "server/campaign_cache.hpp"

#include "redis/connection.hpp"
#include "vote/campaign_store.hpp"

namespace pingyi::server {

campaign_cache::campaign_cache(redis::connection& redis, campaign_generation& changes)
    : redis_(redis), changes_(changes) {}

void campaign_cache::invalidate() { changes_.fetch_add(1, std::memory_order_release); }

bool campaign_cache::fresh(std::chrono::steady_clock::time_point loaded, std::uint64_t generation,
                           std::chrono::steady_clock::time_point now) const {
    return now - loaded < fresh_for && generation == changes_.load(std::memory_order_acquire);
}

boost::asio::awaitable<campaign_ptr> campaign_cache::get(std::string cid, boost::system::error_code& ec) {
    auto now = std::chrono::steady_clock::now();
    const auto generation = changes_.load(std::memory_order_acquire);
    auto it = entries_.find(cid);
    if (it != entries_.end() && fresh(it->second.loaded, it->second.generation, now)) co_return it->second.value;
    auto command = vote::get_campaign_command(cid);
    auto r = co_await redis_.exec(std::move(command));
    if (r.ec) {
        ec = r.ec;
        co_return nullptr;
    }
    campaign_ptr value;
    if (r.value.type() == redis::reply::kind::string) {
        auto parsed = vote::parse_campaign(r.value.str());
        if (auto* c = std::get_if<vote::campaign>(&parsed)) value = std::make_shared<const vote::campaign>(std::move(*c));
    }
    entries_[cid] = entry{value, now, generation};
    co_return value;
}

boost::asio::awaitable<std::vector<campaign_ptr>> campaign_cache::all(boost::system::error_code& ec) {
    auto now = std::chrono::steady_clock::now();
    if (!fresh(index_loaded_, index_generation_, now)) {
        const auto generation = changes_.load(std::memory_order_acquire);
        std::vector<std::string> command{"ZRANGE", std::string(index_key), "0", "-1"};
        auto r = co_await redis_.exec(std::move(command));
        if (r.ec) {
            ec = r.ec;
            co_return std::vector<campaign_ptr>{};
        }
        index_.clear();
        for (const auto& e : r.value.elements()) index_.push_back(e.str());
        index_loaded_ = now;
        index_generation_ = generation;
    }
    std::vector<campaign_ptr> out;
    for (const auto& cid : index_) {
        auto c = co_await get(cid, ec);
        if (ec) co_return std::vector<campaign_ptr>{};
        if (c) out.push_back(std::move(c));
    }
    co_return out;
}

}  // namespace pingyi::server
