// Refused ballots by reason, as the ballot script counts them in the
// {c:<cid>}:refused hash, for the staff dashboard. The script makes one
// HINCRBY per ballot: a field is "<outcome>|<shadow limits>", the outcome
// "already_voted", "daily_limit", "not_open", "rate_limited:<limit>" or empty
// (accepted), the shadow limits (those in shadow mode that would have
// refused) comma-separated; "|<shadow limits>" is left out when there are
// none. Hashes written before this format have "shadow_limited:<limit>"
// fields, which are read too.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

namespace pingyi::vote {

// HGETALL of the hash; its reply is field, value, field, value...
std::vector<std::string> refusals_command(std::string_view cid);

// {"rate_limited": {"<limit>": n}, "shadow_limited": {"<limit>": n},
//  "already_voted": n, "daily_limit": n, "not_open": n}, zeros included.
nlohmann::json refusals_json(const std::vector<std::string>& hgetall_reply);

}  // namespace pingyi::vote
