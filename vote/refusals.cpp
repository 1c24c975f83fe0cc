#include "vote/refusals.hpp"

#include <charconv>
#include <cstdint>

#include "vote/keys.hpp"

namespace pingyi::vote {

std::vector<std::string> refusals_command(std::string_view cid) { return {"HGETALL", keys::refusals(cid)}; }

nlohmann::json refusals_json(const std::vector<std::string>& reply) {
    // The ballot script's three limits (ratelimit/limits.hpp), named even
    // when none refused yet so the dashboard always has all three.
    const nlohmann::json no_refusals = {{"ballot_voter", 0}, {"ballot_address", 0}, {"campaign", 0}};
    nlohmann::json out = {{"rate_limited", no_refusals},
                          {"shadow_limited", no_refusals},
                          {"already_voted", 0},
                          {"daily_limit", 0},
                          {"not_open", 0}};
    for (std::size_t i = 0; i + 1 < reply.size(); i += 2) {
        std::string_view field = reply[i];
        const std::string& text = reply[i + 1];
        std::int64_t n = 0;
        if (std::from_chars(text.data(), text.data() + text.size(), n).ec != std::errc{}) continue;
        const auto colon = field.find(':');
        if (colon == std::string_view::npos) {
            if (out.contains(field)) out[std::string(field)] = n;
            continue;
        }
        const std::string group(field.substr(0, colon));
        if (group == "rate_limited" || group == "shadow_limited") out[group][std::string(field.substr(colon + 1))] = n;
    }
    return out;
}

}  // namespace pingyi::vote
