#include "redis/error.hpp"

#include <string>

namespace pingyi::redis {
namespace {

class category final : public boost::system::error_category {
public:
    const char* name() const noexcept override { return "pingyi.redis"; }
    std::string message(int ev) const override {
        switch (static_cast<error>(ev)) {
            case error::not_connected: return "not connected to redis";
            case error::timeout: return "redis command timed out";
            case error::connection_lost: return "redis connection lost";
            case error::protocol: return "redis protocol error";
            case error::handshake: return "redis handshake (AUTH, SELECT, SCRIPT LOAD) failed";
            case error::stopped: return "redis connection stopped";
        }
        return "unknown redis error";
    }
};

}  // namespace

const boost::system::error_category& error_category() noexcept {
    static const category instance;
    return instance;
}

boost::system::error_code make_error_code(error e) noexcept {
    return {static_cast<int>(e), error_category()};
}

}  // namespace pingyi::redis
