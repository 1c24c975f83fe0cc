#include "server/durable_eval.hpp"

#include <chrono>
#include <iterator>

#include "server/app.hpp"

namespace pingyi::server {

namespace asio = boost::asio;

namespace {

// How long WAIT may hold this worker's connection. Redis serves a blocked
// client's later commands only after the WAIT returns, so every request
// pipelined behind it waits too: keep it well under the connection's
// command_timeout (1 s), and long enough for a replica on the LAN (< 1 ms
// normally).
constexpr std::chrono::milliseconds wait_timeout{250};

class category final : public boost::system::error_category {
public:
    const char* name() const noexcept override { return "pingyi.durability"; }
    std::string message(int ev) const override {
        switch (static_cast<durability_error>(ev)) {
            case durability_error::replication_pending: return "written on the redis master, not yet on enough replicas";
            case durability_error::no_replicas: return "the redis master refused to write without its replicas";
        }
        return "unknown durability error";
    }
};

std::vector<std::string> wait_command(int replicas) {
    return {"WAIT", std::to_string(replicas), std::to_string(wait_timeout.count())};
}

bool is_noscript(const redis::result& r) { return !r.ec && r.value.is_error() && r.value.str().starts_with("NOSCRIPT"); }

// The script's result, judged by what WAIT said about it.
redis::result judge(redis::result script, const redis::result& wait, int required) {
    if (script.ec) return script;
    if (script.value.is_error()) {
        // Not a result to confirm; NOREPLICAS: the master wrote nothing.
        if (script.value.str().starts_with("NOREPLICAS")) script.ec = durability_error::no_replicas;
        return script;
    }
    if (wait.ec) {
        // Written on a master we lost: whether it survives is unknown.
        script.ec = wait.ec;
        return script;
    }
    if (!wait.value.is_integer() || wait.value.integer() < required) script.ec = durability_error::replication_pending;
    return script;
}

}  // namespace

const boost::system::error_category& durability_category() noexcept {
    static const category instance;
    return instance;
}

boost::system::error_code make_error_code(durability_error e) noexcept {
    return {static_cast<int>(e), durability_category()};
}

asio::awaitable<redis::result> durable_eval(worker_state& w, const redis::script& s, std::vector<std::string> keys,
                                            std::vector<std::string> args) {
    const int required = w.shared.cfg.redis_min_replicas;
    if (required == 0) {
        redis::result plain = co_await w.redis->eval(s, std::move(keys), std::move(args));
        co_return plain;
    }
    std::vector<std::string> evalsha;
    evalsha.reserve(3 + keys.size() + args.size());
    evalsha.push_back("EVALSHA");
    evalsha.push_back(s.sha());
    evalsha.push_back(std::to_string(keys.size()));
    evalsha.insert(evalsha.end(), keys.begin(), keys.end());
    evalsha.insert(evalsha.end(), args.begin(), args.end());
    std::vector<std::vector<std::string>> pipeline{std::move(evalsha), wait_command(required)};
    std::vector<redis::result> first = co_await w.redis->exec_many(std::move(pipeline));
    if (!is_noscript(first[0])) co_return judge(std::move(first[0]), first[1], required);
    // The script cache was lost (restart, failover): eval reloads it; then
    // WAIT on its own, one extra round trip in this rare case.
    redis::result script = co_await w.redis->eval(s, std::move(keys), std::move(args));
    redis::result wait = co_await w.redis->exec(wait_command(required));
    co_return judge(std::move(script), wait, required);
}

http::response replication_pending() {
    auto res = http::json_error(http::status::service_unavailable, "replication_pending",
                                "您的投票已记录，请不要担心，也无需重复投票；数据正在同步到备份服务器。"
                                "您可以稍后在“我的投票凭证”中查看。");
    res.set(http::field::retry_after, "1");
    return res;
}

}  // namespace pingyi::server
