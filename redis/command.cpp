#include "redis/command.hpp"

#include <memory>
#include <new>
#include <stdexcept>

#include <hiredis/hiredis.h>

namespace pingyi::redis {
namespace {

struct command_deleter {
    void operator()(char* c) const { redisFreeCommand(c); }
};

}  // namespace

void append_command(std::string& out, const std::vector<std::string>& args) {
    // Redis answers nothing to an empty command, which would shift every
    // later reply onto the wrong caller.
    if (args.empty()) throw std::invalid_argument("redis: empty command");
    std::vector<const char*> argv;
    std::vector<size_t> lens;
    argv.reserve(args.size());
    lens.reserve(args.size());
    for (const auto& a : args) {
        argv.push_back(a.data());
        lens.push_back(a.size());
    }
    char* raw = nullptr;
    int len = redisFormatCommandArgv(&raw, static_cast<int>(args.size()), argv.data(), lens.data());
    std::unique_ptr<char, command_deleter> encoded(raw);
    if (len < 0) throw std::bad_alloc();  // hiredis fails only when out of memory
    out.append(encoded.get(), static_cast<std::size_t>(len));
}

}  // namespace pingyi::redis
