#include "vote/ballot_script.hpp"

#include <nlohmann/json.hpp>

#include "ratelimit/gcra.hpp"
#include "vote/keys.hpp"
#include "vote/log_pseudonym.hpp"

namespace pingyi::vote {
namespace {

// KEYS: 1 rules, 2 idempotency, 3 voter record, 4 tally, 5 log,
//       6-8 GCRA state of the voter, address and campaign limits,
//       9 the refusal counts (what the dashboard shows; not part of the tally;
//       field names: vote/refusals.hpp),
//       10 the origin buckets' prefix (the script appends the bucket: same
//       hash tag, same slot), 11 the key of the log's pseudonyms.
// ARGV: 1 now_ms, 2 "1" if an idempotency key was given, 3 voter (the
//       account pseudonym), 4 client address, 5 user-agent hash, 6 receipt
//       nonce, 7-21 three limits as (name, mode, burst, count, period_ms),
//       22 the anomaly window in ms, 23 a fresh log key (kept if the campaign
//       has none yet), 24 n, then n units, then (satisfaction mode) n bands.
// Every write happens after every check, the XADD (the only write that can
// fail, on a stream ID out of order) first among them: all or nothing.
constexpr std::string_view ballot_logic = R"lua(
local now = tonumber(ARGV[1])
if not now or now <= 0 then
  local t = redis.call('TIME')
  now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
end

-- One count per ballot in the refusal hash, named by what happened and
-- which limits only counted: "already_voted", "rate_limited:campaign",
-- "already_voted|ballot_voter,campaign", "|ballot_address" (accepted, one
-- shadow limit). An accepted ballot within every limit counts nothing here.
local function count_refusal(outcome, shadow_text)
  if shadow_text ~= '' then outcome = outcome .. '|' .. shadow_text end
  if outcome ~= '' then redis.call('HINCRBY', KEYS[9], outcome, 1) end
end

local idempotent = ARGV[2] == '1'
if idempotent then
  local first = redis.call('GET', KEYS[2])
  if first then return {first, '', 1} end
end

-- The three limits' states in one read (one hash tag, one slot).
local stored = redis.call('MGET', KEYS[6], KEYS[7], KEYS[8])
local shadow, stores = {}, {}
for i = 0, 2 do
  local a = 7 + i * 5
  local mode = ARGV[a + 1]
  if mode ~= 'off' then
    local limited, _, retry_after, _, store =
      gcra_decide(KEYS[6 + i], stored[i + 1], now, ARGV[a + 2], ARGV[a + 3], ARGV[a + 4], 1)
    stores[i + 1] = store
    if limited == 1 then
      if mode == 'enforce' then
        -- Not stored: a retry after the wait must be able to pass.
        local shadow_text = table.concat(shadow, ',')
        count_refusal('rate_limited:' .. ARGV[a], shadow_text)
        return {cjson.encode({result = 'rate_limited', limit = ARGV[a], retry_after_ms = retry_after}),
                shadow_text, 0}
      end
      shadow[#shadow + 1] = ARGV[a]
    end
  end
end
for i = 1, 3 do gcra_store(KEYS[5 + i], stores[i]) end
local shadow_text = table.concat(shadow, ',')

-- Every answer but a replay or a rate limit's leaves through here, after
-- its writes (if any) succeeded.
local function answer(a)
  count_refusal(a.result == 'accepted' and '' or a.result, shadow_text)
  local text = cjson.encode(a)
  if idempotent then redis.call('SET', KEYS[2], text, 'PX', 86400000) end
  return {text, shadow_text, 0}
end

local r = redis.call('HMGET', KEYS[1], 'opens_ms', 'closes_ms', 'per_unit_per_day', 'per_day', 'mode', 'purged_ms')
if not r[1] then return {cjson.encode({result = 'unknown_campaign'}), shadow_text, 0} end
local opens, closes = tonumber(r[1]), tonumber(r[2])
local per_unit, per_day, rated = tonumber(r[3]), tonumber(r[4]), r[5] == 'ratings'
if now < opens then return answer({result = 'not_open', state = 'upcoming'}) end
-- A purged campaign has lost what de-duplicates voters: it stays closed,
-- even if closes_at is moved later.
if now >= closes or r[6] then return answer({result = 'not_open', state = 'closed'}) end

local n = tonumber(ARGV[24])
local units, items = {}, {}
for i = 1, n do
  units[i] = ARGV[24 + i]
  items[i] = rated and (units[i] .. ':' .. ARGV[24 + n + i]) or units[i]
end

-- The voter record holds only today: '#d' the Shanghai day, '#n' the
-- unit-votes cast today, and per unit the votes for it today.
local day = math.floor((now + 28800000) / 86400000)
local voter = KEYS[3]
local got = redis.call('HMGET', voter, '#d', '#n', unpack(units))
local stored_day = got[1]
local today = stored_day and tonumber(stored_day) == day
local used, counts = 0, {}
for i = 1, n do counts[i] = 0 end
if today then
  used = tonumber(got[2]) or 0
  for i = 1, n do counts[i] = tonumber(got[i + 2]) or 0 end
end
for i = 1, n do
  if counts[i] + 1 > per_unit then return answer({result = 'already_voted', unit = units[i]}) end
end
if used + n > per_day then return answer({result = 'daily_limit', remaining_today = per_day - used}) end

local log_key = redis.call('GET', KEYS[11])
local new_log_key = not log_key
if new_log_key then log_key = ARGV[23] end
local seq = (tonumber(redis.call('HGET', KEYS[4], '#ballots')) or 0) + 1
redis.call('XADD', KEYS[5], string.format('%d-0', seq), 'time', string.format('%d', now), 'nonce', ARGV[6],
           'voter', log_pseudonym(log_key, ARGV[3]), 'units', table.concat(items, ','))
if new_log_key then redis.call('SET', KEYS[11], log_key) end
-- Where the ballot came from, kept for the anomaly window only, in a bucket
-- that expires once the window has passed over all of it.
local window = tonumber(ARGV[22])
local width = math.min(math.max(window, 1), 3600000)
local bucket = now - now % width
local origin = KEYS[10] .. string.format('%d', bucket)
redis.call('HSET', origin, string.format('%d', seq), ARGV[4] .. ' ' .. ARGV[5] .. ' ' .. ARGV[3])
redis.call('PEXPIRE', origin, bucket + width + window - now)
redis.call('HSET', KEYS[4], '#ballots', seq)
if not stored_day then redis.call('HINCRBY', KEYS[4], '#voters', 1) end
for i = 1, n do redis.call('HINCRBY', KEYS[4], items[i], 1) end

if stored_day and not today then redis.call('DEL', voter) end
local fields = {'#d', day, '#n', used + n}
for i = 1, n do
  fields[#fields + 1] = units[i]
  fields[#fields + 1] = counts[i] + 1
end
redis.call('HSET', voter, unpack(fields))
-- Kept until a day after closing: its existence is what counts the voter
-- once. Relative to `now`, so that an injected clock means the same thing.
if not today then redis.call('PEXPIRE', voter, closes + 86400000 - now) end

local accepted = {result = 'accepted', receipt = string.format('%d-%s', seq, ARGV[6]), units = units,
                  remaining_today = per_day - used - n}
if rated then
  accepted.ratings = {}
  for i = 1, n do accepted.ratings[units[i]] = ARGV[24 + n + i] end
end
return answer(accepted)
)lua";

const char* mode_word(ratelimit::mode m) {
    switch (m) {
    case ratelimit::mode::enforce: return "enforce";
    case ratelimit::mode::shadow: return "shadow";
    case ratelimit::mode::off: return "off";
    }
    return "off";
}

std::vector<std::string> split_names(std::string_view text) {
    std::vector<std::string> names;
    while (!text.empty()) {
        const auto comma = text.find(',');
        names.emplace_back(text.substr(0, comma));
        if (comma == std::string_view::npos) break;
        text.remove_prefix(comma + 1);
    }
    return names;
}

}  // namespace

const lua_script& ballot_script() {
    static const lua_script script(std::string(ratelimit::gcra_lua_function()) + std::string(log_pseudonym_lua()) +
                                   std::string(ballot_logic));
    return script;
}

std::string_view ballot_script_source() { return ballot_script().source; }

bool valid_idempotency_key(std::string_view key) {
    if (key.empty() || key.size() > 128) return false;
    for (char c : key)
        if (c < 0x21 || c > 0x7e) return false;
    return true;
}

script_call ballot_call(const ballot_request& q, const ballot& b, const ratelimit::config& limits) {
    script_call call;
    call.keys = {keys::rules(q.campaign_id),
                 keys::idempotency(q.campaign_id, q.voter, q.idempotency_key),
                 keys::voter(q.campaign_id, q.voter),
                 keys::tally(q.campaign_id),
                 keys::log(q.campaign_id),
                 keys::limit_voter(q.campaign_id, q.voter),
                 keys::limit_address(q.campaign_id, q.client_address),
                 keys::limit_campaign(q.campaign_id),
                 keys::refusals(q.campaign_id),
                 keys::origin_prefix(q.campaign_id),
                 keys::log_key(q.campaign_id)};
    call.args = {std::to_string(q.now_ms), q.idempotency_key.empty() ? "0" : "1", q.voter, q.client_address,
                 q.user_agent_hash, q.nonce};
    for (const ratelimit::limit* l : {&limits.ballot_voter, &limits.ballot_address, &limits.campaign}) {
        call.args.emplace_back(l->name);
        call.args.emplace_back(mode_word(ratelimit::effective_mode(limits.global, *l)));
        call.args.push_back(std::to_string(l->burst));
        call.args.push_back(std::to_string(l->count));
        call.args.push_back(std::to_string(l->period_ms));
    }
    call.args.push_back(std::to_string(q.anomaly_window_ms));
    call.args.push_back(q.log_key.empty() ? new_log_key() : q.log_key);
    call.args.push_back(std::to_string(b.units.size()));
    call.args.insert(call.args.end(), b.units.begin(), b.units.end());
    call.args.insert(call.args.end(), b.bands.begin(), b.bands.end());
    return call;
}

std::string_view to_string(ballot_result r) {
    switch (r) {
    case ballot_result::accepted: return "accepted";
    case ballot_result::rate_limited: return "rate_limited";
    case ballot_result::not_open: return "not_open";
    case ballot_result::already_voted: return "already_voted";
    case ballot_result::daily_limit: return "daily_limit";
    case ballot_result::unknown_campaign: return "unknown_campaign";
    }
    return "unknown_campaign";
}

std::string ballot_answer::message() const {
    switch (result) {
    case ballot_result::accepted: return "投票成功，今天还可以投 " + std::to_string(remaining_today) + " 票";
    case ballot_result::rate_limited: return "操作太频繁，请稍后再试";
    case ballot_result::not_open: return state == "upcoming" ? "投票尚未开始" : "投票已经结束";
    case ballot_result::already_voted: return "您今天已经为单位 " + unit + " 投过票了";
    case ballot_result::daily_limit:
        return "超出今天的票数：今天还可以投 " + std::to_string(remaining_today) + " 票";
    case ballot_result::unknown_campaign: return "没有这个评议活动";
    }
    return {};
}

std::optional<ballot_answer> parse_ballot_answer(std::string_view json, std::string_view shadow, bool replayed) {
    const nlohmann::json j = nlohmann::json::parse(json, nullptr, false);
    if (!j.is_object() || !j.contains("result") || !j["result"].is_string()) return std::nullopt;
    ballot_answer a;
    a.json = std::string(json);
    a.replayed = replayed;
    a.shadow_limited = split_names(shadow);
    const std::string result = j["result"].get<std::string>();
    try {
        if (result == "accepted") {
            a.result = ballot_result::accepted;
            a.receipt = j.at("receipt").get<std::string>();
            a.units = j.at("units").get<std::vector<std::string>>();
            a.remaining_today = j.at("remaining_today").get<std::int64_t>();
            if (auto it = j.find("ratings"); it != j.end())
                for (const auto& u : a.units) a.bands.push_back(it->at(u).get<std::string>());
        } else if (result == "rate_limited") {
            a.result = ballot_result::rate_limited;
            a.limit = j.at("limit").get<std::string>();
            a.retry_after_ms = j.at("retry_after_ms").get<std::int64_t>();
        } else if (result == "not_open") {
            a.result = ballot_result::not_open;
            a.state = j.at("state").get<std::string>();
        } else if (result == "already_voted") {
            a.result = ballot_result::already_voted;
            a.unit = j.at("unit").get<std::string>();
        } else if (result == "daily_limit") {
            a.result = ballot_result::daily_limit;
            a.remaining_today = j.at("remaining_today").get<std::int64_t>();
        } else if (result == "unknown_campaign") {
            a.result = ballot_result::unknown_campaign;
        } else {
            return std::nullopt;
        }
    } catch (const nlohmann::json::exception&) {
        return std::nullopt;
    }
    return a;
}

}  // namespace pingyi::vote
