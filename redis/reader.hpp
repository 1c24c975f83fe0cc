// Sans-io RESP2 decoding: bytes in (in any pieces), whole replies out.
// A thin owner of hiredis's redisReader; no socket involved, so it is tested
// by feeding bytes directly.
#pragma once

#include <memory>
#include <string>
#include <string_view>

#include "redis/reply.hpp"

struct redisReader;

namespace pingyi::redis {

class reader {
public:
    enum class status { reply, incomplete, error };

    reader();

    // Appends bytes as read from the socket.
    void feed(std::string_view bytes);
    // Takes the next complete reply into out. Call until it stops returning
    // status::reply: one read may hold many replies. After status::error the
    // stream is unusable (error_message() says why); make a new reader.
    status next(reply& out);
    std::string error_message() const;

private:
    struct deleter {
        void operator()(redisReader* r) const;
    };
    std::unique_ptr<redisReader, deleter> reader_;
};

}  // namespace pingyi::redis
