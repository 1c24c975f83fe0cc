#include "server/limit_check.hpp"

#include "ratelimit/gcra.hpp"
#include "redis/connection.hpp"
#include "server/app.hpp"
#include "server/log.hpp"

namespace pingyi::server {

boost::asio::awaitable<ratelimit::decision> check_limit(worker_state& w, const ratelimit::limit& l, std::string key) {
    const auto global = w.shared.limits.global;
    if (ratelimit::effective_mode(global, l) == ratelimit::mode::off) co_return ratelimit::decision{};
    auto args = ratelimit::gcra_script_args(l, 0);
    std::vector<std::string> keys{std::move(key)};
    auto r = co_await w.redis->eval(w.shared.scripts.gcra, std::move(keys), {args.begin(), args.end()});
    const auto& v = r.value.elements();
    if (r.ec || r.value.is_error() || v.size() != 4) co_return ratelimit::decision{};
    ratelimit::answer a{v[0].integer() == 1, v[1].integer(), v[2].integer(), v[3].integer()};
    auto d = ratelimit::decide(global, l, a);
    if (d.limited) {
        w.shared.stats.limit_limited(l.name);
        if (!d.refuse) log::info("rate limit (shadow) would have refused", {{"limit", l.name}});
    } else {
        w.shared.stats.limit_allowed(l.name);
    }
    co_return d;
}

}  // namespace pingyi::server
