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
    auto add = [&out](std::string_view outcome, std::int64_t n) {
        const auto colon = outcome.find(':');
        if (colon == std::string_view::npos) {
            auto it = out.find(outcome);
            if (it != out.end() && it->is_number()) *it = it->get<std::int64_t>() + n;
            return;
        }
        const std::string group(outcome.substr(0, colon));
        if (group != "rate_limited" && group != "shadow_limited") return;
        auto& slot = out[group][std::string(outcome.substr(colon + 1))];
        slot = (slot.is_number() ? slot.get<std::int64_t>() : 0) + n;
    };
    for (std::size_t i = 0; i + 1 < reply.size(); i += 2) {
        std::string_view field = reply[i];
        const std::string& text = reply[i + 1];
        std::int64_t n = 0;
        if (std::from_chars(text.data(), text.data() + text.size(), n).ec != std::errc{}) continue;
        const auto bar = field.find('|');
        add(field.substr(0, bar), n);
        if (bar == std::string_view::npos) continue;
        std::string_view shadow = field.substr(bar + 1);
        while (!shadow.empty()) {
            const auto comma = shadow.find(',');
            add("shadow_limited:" + std::string(shadow.substr(0, comma)), n);
            if (comma == std::string_view::npos) break;
            shadow.remove_prefix(comma + 1);
        }
    }
    return out;
}

}  // namespace pingyi::vote
