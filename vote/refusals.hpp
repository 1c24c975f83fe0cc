// Refused ballots by reason, as the ballot script counts them in the
// {c:<cid>}:refused hash, for the staff dashboard. Fields: "already_voted",
// "daily_limit", "not_open", "rate_limited:<limit>", "shadow_limited:<limit>"
// (a limit in shadow mode that would have refused).
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
