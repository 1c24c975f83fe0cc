#include "server/ballot_log.hpp"

#include "redis/connection.hpp"

namespace pingyi::server {

boost::asio::awaitable<std::vector<vote::log_entry>> read_log(redis::connection& redis, const std::string& cid,
                                                              std::uint64_t first_seq, std::uint64_t last_seq,
                                                              std::size_t count, boost::system::error_code& ec) {
    std::vector<vote::log_entry> out;
    auto command = vote::log_range_command(cid, first_seq, last_seq, count);
    auto r = co_await redis.exec(std::move(command));
    if (r.ec) {
        ec = r.ec;
        co_return out;
    }
    for (const auto& element : r.value.elements()) {
        const auto& parts = element.elements();
        if (parts.size() != 2) continue;
        std::vector<std::string> fields;
        for (const auto& f : parts[1].elements()) fields.push_back(f.str());
        if (auto e = vote::parse_log_entry(parts[0].str(), fields)) out.push_back(std::move(*e));
    }
    co_return out;
}

chain_cache::chain_cache(redis::connection& redis) : redis_(redis) {}

boost::asio::awaitable<chain_cache::digest> chain_cache::extend(const std::string& cid, boost::system::error_code& ec) {
    auto& c = chains_[cid];
    for (;;) {
        auto entries = co_await read_log(redis_, cid, c.running.count() + 1, 0, checkpoint_every, ec);
        if (ec) co_return digest{};
        for (const auto& e : entries) {
            if (e.seq != c.running.count() + 1) break;  // a gap: the log is not what it should be; stop here
            c.running.append(e);
            if (c.running.count() % checkpoint_every == 0) c.checkpoints.push_back(c.running.head());
        }
        if (entries.size() < checkpoint_every) break;
    }
    co_return digest{c.running.count(), c.running.head()};
}

boost::asio::awaitable<std::optional<std::string>> chain_cache::hash_of(const std::string& cid, std::uint64_t seq,
                                                                        boost::system::error_code& ec) {
    auto d = co_await extend(cid, ec);
    if (ec || seq == 0 || seq > d.count) co_return std::nullopt;
    auto& c = chains_[cid];
    std::uint64_t k = (seq - 1) / checkpoint_every;
    std::string hash = c.checkpoints[k];
    auto entries = co_await read_log(redis_, cid, k * checkpoint_every + 1, seq, checkpoint_every, ec);
    if (ec) co_return std::nullopt;
    for (const auto& e : entries) hash = vote::chain_hash(hash, vote::canonical_form(e));
    co_return hash;
}

}  // namespace pingyi::server
