// Campaigns for the vote/ unit tests: the contract's minimal body, and
// reading one that must be valid or must be refused.
#pragma once

#include <doctest/doctest.h>

#include <nlohmann/json.hpp>

#include "vote/campaign.hpp"

namespace pingyi::vote::test {

// Only the required fields: two units, 20–27 December 2019 (Beijing time).
inline nlohmann::json minimal_campaign_body() {
    return nlohmann::json::parse(R"({"id": "sg2019", "title": "2019年评议",
        "opens_at": "2019-12-20T09:00:00+08:00", "closes_at": "2019-12-27T18:00:00+08:00",
        "units": [{"id": "u01", "name": "市公安局"}, {"id": "u02", "name": "市司法局"}]})");
}

inline campaign valid_campaign(const nlohmann::json& body) {
    auto r = campaign_from_json(body);
    REQUIRE(std::holds_alternative<campaign>(r));
    return std::get<campaign>(r);
}

inline error campaign_refusal(const nlohmann::json& body) {
    auto r = campaign_from_json(body);
    REQUIRE(std::holds_alternative<error>(r));
    return std::get<error>(r);
}

}  // namespace pingyi::vote::test
