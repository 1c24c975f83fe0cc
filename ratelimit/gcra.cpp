#include "ratelimit/gcra.hpp"

namespace pingyi::ratelimit {

namespace {

// Times are microseconds inside so that 20,000 a second (an emission
// interval T of 50 us) stays whole. T = period_us / count need not be whole:
// every comparison is multiplied by count, and only the TAT increment is
// rounded down (at most 1 us per request in the client's favour). Lua 5.1
// numbers are doubles, exact below 2^53, hence the bound on the arguments.
constexpr std::string_view function_text = R"lua(
local function gcra_decide(key, stored, now_ms, max_burst, count, period_ms, quantity)
  now_ms, max_burst, count = tonumber(now_ms), tonumber(max_burst), tonumber(count)
  period_ms, quantity = tonumber(period_ms), tonumber(quantity)
  if not (now_ms and max_burst and count and period_ms and quantity)
      or now_ms < 0 or max_burst < 0 or count < 1 or period_ms < 1 or quantity < 0
      or now_ms % 1 ~= 0 or max_burst % 1 ~= 0 or count % 1 ~= 0
      or period_ms % 1 ~= 0 or quantity % 1 ~= 0 then
    error({err = 'ERR gcra: want whole numbers now_ms>=0 max_burst>=0 count>=1 period_ms>=1 quantity>=0'})
  end
  local now = now_ms * 1000
  local period_us = period_ms * 1000
  if count > period_us or now + period_us * (max_burst + 1 + quantity) > 2^53 then
    error({err = 'ERR gcra: count above one per microsecond, or times beyond 2^53 us'})
  end
  -- The delay variation tolerance T * (max_burst + 1), times count.
  local tolerance = period_us * (max_burst + 1)
  local tat = now
  if stored then
    stored = tonumber(stored)
    if not stored then
      error({err = 'ERR gcra: ' .. key .. ' does not hold a TAT'})
    end
    if stored > now then tat = stored end
  end
  local new_tat = tat + math.floor(period_us * quantity / count)
  if (new_tat - now) * count > tolerance then
    local remaining = math.max(0, math.floor((tolerance - (tat - now) * count) / period_us))
    local retry_after_ms = -1
    if quantity <= max_burst + 1 then
      retry_after_ms = math.ceil(((new_tat - now) * count - tolerance) / (count * 1000))
    end
    return 1, remaining, retry_after_ms, math.ceil((tat - now) / 1000)
  end
  local reset_after_ms = math.ceil((new_tat - now) / 1000)
  local store = nil
  if quantity > 0 then store = {string.format('%.0f', new_tat), string.format('%.0f', reset_after_ms)} end
  return 0, math.floor((tolerance - (new_tat - now) * count) / period_us), -1, reset_after_ms, store
end

local function gcra_store(key, store)
  if store then redis.call('SET', key, store[1], 'PX', store[2]) end
end

local function gcra(key, now_ms, max_burst, count, period_ms, quantity)
  local limited, remaining, retry_after, reset_after, store =
    gcra_decide(key, redis.call('GET', key), now_ms, max_burst, count, period_ms, quantity)
  gcra_store(key, store)
  return limited, remaining, retry_after, reset_after
end
)lua";

constexpr std::string_view script_tail = R"lua(
local now_ms = ARGV[1]
if now_ms == '' or now_ms == '0' then
  local time = redis.call('TIME')
  now_ms = tonumber(time[1]) * 1000 + math.floor(tonumber(time[2]) / 1000)
end
return {gcra(KEYS[1], now_ms, ARGV[2], ARGV[3], ARGV[4], ARGV[5])}
)lua";

}  // namespace

std::string_view gcra_lua_function() { return function_text; }

std::string_view gcra_script_source() {
    static const std::string source = std::string(function_text) + std::string(script_tail);
    return source;
}

std::array<std::string, 5> gcra_script_args(const limit& l, std::int64_t now_ms, std::int64_t quantity) {
    return {std::to_string(now_ms), std::to_string(l.burst), std::to_string(l.count), std::to_string(l.period_ms),
            std::to_string(quantity)};
}

}  // namespace pingyi::ratelimit
