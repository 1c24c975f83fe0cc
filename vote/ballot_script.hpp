// The ballot script: one Lua script that decides and records a ballot, all
// or nothing, in the order CONTRACT.md gives (idempotency key, rate limits,
// window, per-unit and per-day rules, then tally + de-dup + audit log).
// docs/data-model.md describes its keys, arguments and answers.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "ratelimit/limits.hpp"
#include "vote/ballot.hpp"
#include "vote/script.hpp"

namespace pingyi::vote {

// The GCRA function followed by the ballot logic, built once.
const lua_script& ballot_script();
std::string_view ballot_script_source();

// How long a stored answer stays under its Idempotency-Key.
inline constexpr std::int64_t idempotency_ttl_ms = 24 * 3'600'000;
// How long a ballot's origin (address, user-agent hash) is kept by default: a week.
inline constexpr std::int64_t default_anomaly_window_ms = 7 * 24 * 3'600'000LL;

struct ballot_request {
    std::string campaign_id;
    std::string voter;             // account pseudonym from the session (22 chars base64url)
    std::string idempotency_key;   // empty: none given
    std::string client_address;
    std::string user_agent_hash;   // keyed hash, e.g. 12 hex digits; no spaces
    std::string nonce;             // random receipt token, [A-Za-z0-9_-], e.g. 11 chars of base64url
    std::int64_t now_ms = 0;       // 0: the Redis server's clock (production); tests inject one
    std::int64_t anomaly_window_ms = default_anomaly_window_ms;  // how long the ballot's origin is kept
    std::string log_key;           // offered if the campaign has none yet; empty: a fresh new_log_key()
};

// 1-128 visible ASCII characters (the Idempotency-Key header).
bool valid_idempotency_key(std::string_view key);

script_call ballot_call(const ballot_request& request, const ballot& b, const ratelimit::config& limits);

enum class ballot_result { accepted, rate_limited, not_open, already_voted, daily_limit, unknown_campaign };
std::string_view to_string(ballot_result r);

// The script answers a three-element array: the answer JSON (the same bytes
// on every replay), the names of shadow-mode limits that would have refused
// (comma-separated, empty if none), and 1 if the answer is a replay.
struct ballot_answer {
    ballot_result result = ballot_result::unknown_campaign;
    std::string json;                         // the answer's exact bytes
    bool replayed = false;
    std::vector<std::string> shadow_limited;  // e.g. {"ballot_address"}
    std::string receipt;                      // accepted
    std::vector<std::string> units;           // accepted
    std::vector<std::string> bands;           // accepted, satisfaction mode (same order as units)
    std::int64_t remaining_today = 0;         // accepted, daily_limit
    std::string limit;                        // rate_limited: the limit's name
    std::int64_t retry_after_ms = 0;          // rate_limited
    std::string state;                        // not_open: "upcoming" or "closed"
    std::string unit;                         // already_voted

    // 中文说明 for the voter.
    std::string message() const;
};

std::optional<ballot_answer> parse_ballot_answer(std::string_view json, std::string_view shadow, bool replayed);

}  // namespace pingyi::vote
