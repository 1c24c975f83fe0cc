// Redis key names of a campaign. Every key carries the hash tag {c:<cid>}
// so that a campaign lives in one slot (one Lua script may touch them all).
#pragma once

#include <string>
#include <string_view>

namespace pingyi::vote::keys {

std::string campaign(std::string_view cid);     // STRING: the campaign JSON
std::string rules(std::string_view cid);        // HASH: what the ballot script reads
std::string tally(std::string_view cid);        // HASH: unit (or unit:band) -> count, #ballots, #voters
std::string log(std::string_view cid);          // STREAM: the audit log, IDs <seq>-0
std::string voter(std::string_view cid, std::string_view voter);  // HASH: today's de-dup record
std::string idempotency(std::string_view cid, std::string_view voter, std::string_view key);  // STRING
std::string limit_voter(std::string_view cid, std::string_view voter);     // GCRA state
std::string limit_address(std::string_view cid, std::string_view address);  // GCRA state
std::string limit_campaign(std::string_view cid);                          // GCRA state
std::string refusals(std::string_view cid);  // HASH: refused ballots by reason (and limit name)

}  // namespace pingyi::vote::keys
