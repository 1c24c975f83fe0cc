// GCRA (generic cell rate algorithm) in Redis Lua, with the semantics of
// redis-cell's CL.THROTTLE, in milliseconds.
//
// gcra_lua_function() is Lua source defining exactly
//   local function gcra(key, now_ms, max_burst, count, period_ms, quantity)
// which returns four numbers: limited (0|1), remaining, retry_after_ms (-1
// when allowed, and when quantity > max_burst + 1 can never pass),
// reset_after_ms. It admits `count` per `period_ms` and up to max_burst + 1
// at once; quantity 0 only looks. An allowed request stores the theoretical
// arrival time (TAT, whole microseconds) in `key` with a PX expiry of
// reset_after_ms; a limited one writes nothing. Deterministic given now_ms.
// Bad arguments raise "ERR gcra: ...". Scripts (the ballot script) prepend
// this text and call gcra(...); the name and signature are stable.
//
// The same text also defines the steps gcra() is made of, for a script that
// reads several limits' states with one MGET:
//   gcra_decide(key, stored, now_ms, ...) -> the four numbers and `store`,
//     the decision on `stored` (the key's value, or false/nil if none);
//   gcra_store(key, store) writes what an allowed request stores (nothing
//     when store is nil: limited, or quantity 0).
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <string_view>

#include "ratelimit/limits.hpp"

namespace pingyi::ratelimit {

std::string_view gcra_lua_function();

// A stand-alone script: KEYS[1] = the key; ARGV = now_ms (empty or "0": the
// Redis server's TIME), max_burst, count, period_ms, quantity. Returns
// {limited, remaining, retry_after_ms, reset_after_ms}.
std::string_view gcra_script_source();

// ARGV for gcra_script_source() checking `quantity` requests against `l`.
std::array<std::string, 5> gcra_script_args(const limit& l, std::int64_t now_ms, std::int64_t quantity = 1);

}  // namespace pingyi::ratelimit
