// Storing and loading a campaign in Redis: the JSON under {c:<cid>}:campaign
// and the fields the ballot script reads under {c:<cid>}:rules, written
// together by one script that refuses an id already taken (→ 409).
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "vote/campaign.hpp"
#include "vote/script.hpp"

namespace pingyi::vote {

// Answers integer 1 when stored, 0 when the id exists (nothing written).
const lua_script& create_campaign_script();
script_call create_campaign_call(const campaign& c);

// GET: the stored JSON (nil: no such campaign); parse it with parse_campaign.
std::vector<std::string> get_campaign_command(std::string_view cid);

}  // namespace pingyi::vote
