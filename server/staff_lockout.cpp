#include "server/staff_lockout.hpp"

#include "redis/connection.hpp"

namespace pingyi::server {

namespace {

// KEYS[1] the count, KEYS[2] the lock; ARGV the threshold, the lock's (and
// the count's) lifetime in ms. One script, so that concurrent failures from
// several servers are each counted and exactly one of them locks.
constexpr std::string_view record_failure_script =
    "local n = redis.call('INCR', KEYS[1])\n"
    "redis.call('PEXPIRE', KEYS[1], ARGV[2])\n"
    "if n < tonumber(ARGV[1]) then return tonumber(ARGV[1]) - n end\n"
    "redis.call('SET', KEYS[2], '1', 'PX', ARGV[2])\n"
    "redis.call('DEL', KEYS[1])\n"
    "return 0\n";

std::string failures_key(std::string_view name) { return "pingyi:staff:failures:" + std::string(name); }
std::string locked_key(std::string_view name) { return "pingyi:staff:locked:" + std::string(name); }

boost::system::error_code error_of(const redis::result& r) {
    return r.ec ? r.ec : boost::system::errc::make_error_code(boost::system::errc::io_error);
}

}  // namespace

std::vector<std::string> record_login_failure_command(std::string_view name) {
    return {"EVAL",
            std::string(record_failure_script),
            "2",
            failures_key(name),
            locked_key(name),
            std::to_string(lockout_threshold),
            std::to_string(lockout_duration.count())};
}

std::vector<std::string> lock_remaining_command(std::string_view name) { return {"PTTL", locked_key(name)}; }

std::vector<std::string> clear_login_failures_command(std::string_view name, bool unlock) {
    std::vector<std::string> command{"DEL", failures_key(name)};
    if (unlock) command.push_back(locked_key(name));
    return command;
}

boost::asio::awaitable<std::chrono::milliseconds> lock_remaining(redis::connection& redis, std::string_view name,
                                                                 boost::system::error_code& ec) {
    auto r = co_await redis.exec(lock_remaining_command(name));
    if (!r.ok()) {
        ec = error_of(r);
        co_return std::chrono::milliseconds{0};
    }
    co_return std::chrono::milliseconds{r.value.integer() > 0 ? r.value.integer() : 0};
}

boost::asio::awaitable<bool> record_login_failure(redis::connection& redis, std::string_view name,
                                                  boost::system::error_code& ec) {
    auto r = co_await redis.exec(record_login_failure_command(name));
    if (!r.ok()) {
        ec = error_of(r);
        co_return false;
    }
    co_return r.value.integer() == 0;
}

boost::asio::awaitable<void> clear_login_failures(redis::connection& redis, std::string_view name,
                                                  boost::system::error_code& ec) {
    auto r = co_await redis.exec(clear_login_failures_command(name));
    if (!r.ok()) ec = error_of(r);
}

}  // namespace pingyi::server
