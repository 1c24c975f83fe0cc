// What a rate limiter answers for one request, in the shape of redis-cell's
// CL.THROTTLE reply (milliseconds instead of seconds).
#pragma once

#include <cstdint>

namespace pingyi::ratelimit {

struct answer {
    bool limited = false;
    std::int64_t remaining = 0;        // requests that would still pass right now
    std::int64_t retry_after_ms = -1;  // -1 when allowed (or when it can never pass)
    std::int64_t reset_after_ms = 0;   // until the limit is back to full capacity
};

}  // namespace pingyi::ratelimit
