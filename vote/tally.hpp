// The tally: read from the {c:<cid>}:tally hash, or recounted from the audit
// log, and written as the contract's JSON:
//   {"units": [{"id": "u1", "votes": 12}], "ballots": N, "voters": N}
// satisfaction mode: each unit also has "ratings": {"满意": n, ...} and its
// "votes" is the number of ratings it got.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "vote/campaign.hpp"

namespace pingyi::vote {

struct tally_counts {
    std::map<std::string, std::int64_t> counts;  // "u1" (or "u1:满意") -> votes; no zeros
    std::int64_t ballots = 0;
    std::int64_t voters = 0;

    bool operator==(const tally_counts&) const = default;
};

// HGETALL of the tally hash; its reply is field, value, field, value...
std::vector<std::string> tally_command(std::string_view cid);
tally_counts parse_tally(const std::vector<std::string>& hgetall_reply);

// Every unit of the campaign in its order (and every band), zeros included.
nlohmann::json tally_json(const tally_counts& t, const campaign& c);
// Only what was counted, units by id (a recount has no campaign).
nlohmann::json tally_json(const tally_counts& t);
// Back from either JSON form (for `pingyi verify --tally`); nullopt if malformed.
std::optional<tally_counts> tally_from_json(const nlohmann::json& j);

}  // namespace pingyi::vote
