#include "vote/campaign_store.hpp"

#include "vote/keys.hpp"

namespace pingyi::vote {

const lua_script& create_campaign_script() {
    static const lua_script script(R"lua(
if redis.call('EXISTS', KEYS[1]) == 1 then return 0 end
redis.call('SET', KEYS[1], ARGV[1])
redis.call('HSET', KEYS[2], 'opens_ms', ARGV[2], 'closes_ms', ARGV[3], 'per_unit_per_day', ARGV[4],
           'per_day', ARGV[5], 'mode', ARGV[6])
return 1
)lua");
    return script;
}

script_call create_campaign_call(const campaign& c) {
    return {{keys::campaign(c.id), keys::rules(c.id)},
            {c.to_json().dump(), std::to_string(c.opens_ms), std::to_string(c.closes_ms),
             std::to_string(c.rules.per_unit_per_day), std::to_string(c.rules.per_day),
             c.satisfaction_mode() ? "ratings" : "units"}};
}

std::vector<std::string> get_campaign_command(std::string_view cid) { return {"GET", keys::campaign(cid)}; }

}  // namespace pingyi::vote
