#include "tests/support/redis_server.hpp"

#include <csignal>
#include <stdexcept>

namespace pingyi::test {

redis_server::redis_server(std::vector<std::string> extra_args)
    : port_(free_port()), extra_args_(std::move(extra_args)) {
    start();
}

redis_server::~redis_server() { process_.stop(SIGKILL, 2000); }

void redis_server::start() {
    std::vector<std::string> argv{"redis-server",  "--port", std::to_string(port_), "--bind", "127.0.0.1",
                                  "--dir",         dir_.path(), "--save", "", "--appendonly", "no",
                                  "--daemonize",   "no"};
    argv.insert(argv.end(), extra_args_.begin(), extra_args_.end());
    process_ = child_process(argv, {}, dir_.path() + "/redis.log");
    if (!wait_for_port(port_, 10000)) throw std::runtime_error("redis-server did not start");
}

void redis_server::kill_hard() { process_.stop(SIGKILL, 5000); }
void redis_server::pause() const { process_.signal(SIGSTOP); }
void redis_server::resume() const { process_.signal(SIGCONT); }

sync_redis::sync_redis(int port) : ctx_(redisConnect("127.0.0.1", port)) {
    if (!ctx_ || ctx_->err) throw std::runtime_error("cannot connect to redis");
}

reply_ptr sync_redis::command(const std::vector<std::string>& args) {
    std::vector<const char*> argv;
    std::vector<size_t> lens;
    for (const auto& a : args) {
        argv.push_back(a.data());
        lens.push_back(a.size());
    }
    auto* r = static_cast<redisReply*>(
        redisCommandArgv(ctx_.get(), static_cast<int>(argv.size()), argv.data(), lens.data()));
    if (!r) throw std::runtime_error("redis command failed: connection error");
    return reply_ptr(r);
}

long long sync_redis::integer(const std::vector<std::string>& args) {
    auto r = command(args);
    if (r->type != REDIS_REPLY_INTEGER) throw std::runtime_error("expected an integer reply");
    return r->integer;
}

std::string sync_redis::string(const std::vector<std::string>& args) {
    auto r = command(args);
    if (r->type == REDIS_REPLY_NIL) return {};
    if (r->type != REDIS_REPLY_STRING && r->type != REDIS_REPLY_STATUS)
        throw std::runtime_error(r->type == REDIS_REPLY_ERROR ? std::string(r->str, r->len) : "expected a string");
    return std::string(r->str, r->len);
}

}  // namespace pingyi::test
