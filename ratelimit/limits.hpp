// The rate-limit configuration: named limits with their defaults, the global
// mode (PINGYI_RATELIMIT) and the per-limit shadow switch, and the decision
// a route takes from a limiter's answer.
#pragma once

#include <array>
#include <cstdint>
#include <stdexcept>
#include <string_view>

#include <nlohmann/json_fwd.hpp>

#include "ratelimit/answer.hpp"

namespace pingyi::ratelimit {

// enforce: refuse with 429; shadow: count and log, never refuse; off: do not
// consult the limiter at all.
enum class mode { enforce, shadow, off };

// GCRA parameters in redis-cell's terms: `count` requests per `period_ms`,
// and up to `burst + 1` requests at once (max_burst = burst).
struct limit {
    std::string_view name;   // the metrics label and the config key
    std::int64_t count;
    std::int64_t period_ms;
    std::int64_t burst;
    bool shadow = false;     // this limit only counts and logs
};

struct config {
    mode global = mode::enforce;
    // docs/ratelimit.md explains every default.
    limit ballot_voter{"ballot_voter", 20, 60'000, 10};
    limit ballot_address{"ballot_address", 600, 60'000, 200};
    limit campaign{"campaign", 20'000, 1'000, 10'000};
    limit wechat_address{"wechat_address", 1'000, 1'000, 1'000};
    limit login_account{"login_account", 5, 60'000, 4};
    limit login_address{"login_address", 20, 60'000, 19};
    // The in-process flood guard (local_bucket), per worker thread.
    limit flood_address{"flood_address", 200, 1'000, 1'000};

    std::array<const limit*, 7> all() const;
};

class config_error : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

// `where` names the source in the error, e.g. "PINGYI_RATELIMIT".
mode parse_mode(std::string_view text, std::string_view where);
std::string_view to_string(mode m);

// The "ratelimit" section of the config file, e.g.
// {"mode": "shadow", "limits": {"ballot_voter": {"count": 20, "period_s": 60, "burst": 10, "shadow": false}}}.
// Whatever is not given keeps its default; unknown names and fields, wrong
// types and out-of-range values throw config_error naming the exact place.
config parse_config(const nlohmann::json& section);

// The mode that applies to one limit under the global mode.
mode effective_mode(mode global, const limit& l);

struct decision {
    bool limited = false;           // counts in pingyi_ratelimit_limited_total{limit}
    bool refuse = false;            // answer 429
    std::int64_t retry_after_s = 0; // the Retry-After header when refusing
};

decision decide(mode global, const limit& l, const answer& a);

// ceil(retry_after_ms / 1000), at least 1 (also for -1: "never" still needs a
// positive header).
std::int64_t retry_after_seconds(std::int64_t retry_after_ms);

}  // namespace pingyi::ratelimit
