// A real redis-server for integration tests: its own free port, its own
// temporary directory, stopped (and the directory removed) when the fixture
// goes away, even if the test failed.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include <hiredis/hiredis.h>

#include "tests/support/process.hpp"

namespace pingyi::test {

class redis_server {
public:
    // extra_args are appended to the redis-server command line,
    // e.g. {"--appendonly", "yes"}.
    explicit redis_server(std::vector<std::string> extra_args = {});
    ~redis_server();

    int port() const { return port_; }
    std::string url() const { return "redis://127.0.0.1:" + std::to_string(port_) + "/0"; }
    const std::string& dir() const { return dir_.path(); }

    void kill_hard();            // SIGKILL, as a crash would
    void start();                // (re)start on the same port and directory
    void pause() const;          // SIGSTOP
    void resume() const;         // SIGCONT

private:
    temp_dir dir_;
    int port_;
    std::vector<std::string> extra_args_;
    child_process process_;
};

struct reply_deleter {
    void operator()(redisReply* r) const { freeReplyObject(r); }
};
using reply_ptr = std::unique_ptr<redisReply, reply_deleter>;

// A blocking hiredis connection for test code (never used by the server).
class sync_redis {
public:
    explicit sync_redis(int port);
    reply_ptr command(const std::vector<std::string>& args);
    long long integer(const std::vector<std::string>& args);
    std::string string(const std::vector<std::string>& args);

private:
    struct context_deleter {
        void operator()(redisContext* c) const { redisFree(c); }
    };
    std::unique_ptr<redisContext, context_deleter> ctx_;
};

}  // namespace pingyi::test
