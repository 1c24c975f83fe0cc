#include "vote/campaign_store.hpp"

#include "vote/keys.hpp"

namespace pingyi::vote {

namespace {

// KEYS: 1 campaign, 2 rules. ARGV: 1 the JSON, 2-6 the rules' fields,
// 7 (replace only) the JSON expected in place.
constexpr std::string_view store_campaign_lua = R"lua(
local function store()
  redis.call('SET', KEYS[1], ARGV[1])
  redis.call('HSET', KEYS[2], 'opens_ms', ARGV[2], 'closes_ms', ARGV[3], 'per_unit_per_day', ARGV[4],
             'per_day', ARGV[5], 'mode', ARGV[6])
end
)lua";

script_call store_call(const campaign& c) {
    return {{keys::campaign(c.id), keys::rules(c.id)},
            {c.to_json().dump(), std::to_string(c.opens_ms), std::to_string(c.closes_ms),
             std::to_string(c.rules.per_unit_per_day), std::to_string(c.rules.per_day),
             c.satisfaction_mode() ? "ratings" : "units"}};
}

}  // namespace

const lua_script& create_campaign_script() {
    static const lua_script script(std::string(store_campaign_lua) + R"lua(
if redis.call('EXISTS', KEYS[1]) == 1 then return 0 end
store()
return 1
)lua");
    return script;
}

script_call create_campaign_call(const campaign& c) { return store_call(c); }

const lua_script& replace_campaign_script() {
    static const lua_script script(std::string(store_campaign_lua) + R"lua(
local current = redis.call('GET', KEYS[1])
if not current then return -1 end
if current ~= ARGV[7] then return 0 end
store()
return 1
)lua");
    return script;
}

script_call replace_campaign_call(std::string_view before_json, const campaign& after) {
    auto call = store_call(after);
    call.args.emplace_back(before_json);
    return call;
}

std::vector<std::string> get_campaign_command(std::string_view cid) { return {"GET", keys::campaign(cid)}; }

}  // namespace pingyi::vote
