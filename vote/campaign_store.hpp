// Storing and loading a campaign in Redis: the JSON under {c:<cid>}:campaign
// and the fields the ballot script reads under {c:<cid>}:rules, always
// written together by one script: creating refuses an id already taken
// (→ 409), replacing refuses a campaign changed since it was read.
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

// Replaces a campaign only if its stored JSON is still `before_json` (what
// the edit was checked against): 1 replaced, 0 changed meanwhile, -1 gone.
const lua_script& replace_campaign_script();
script_call replace_campaign_call(std::string_view before_json, const campaign& after);

// GET: the stored JSON (nil: no such campaign); parse it with parse_campaign.
std::vector<std::string> get_campaign_command(std::string_view cid);

}  // namespace pingyi::vote
