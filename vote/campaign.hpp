// A campaign: its units, its rules and its settings, parsed from the
// contract's "Campaign body" with every default filled in and every mistake
// named by its path. The `scoring` object is kept as given; the server
// validates it with eval::parse_scoring_config.
// parse_campaign takes the request body (or the stored JSON) as text.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include <nlohmann/json.hpp>

#include "vote/error.hpp"

namespace pingyi::vote {

struct disclosure {
    std::string duties;
    std::string measures;
    std::string results;

    bool operator==(const disclosure&) const = default;
};

struct unit {
    std::string id;
    std::string name;
    vote::disclosure disclosure;
    std::optional<std::int64_t> electorate;  // a plausible number of voters; more is flagged
};

struct rules {
    std::int64_t per_unit_per_day = 1;
    std::int64_t per_day = 5;
    std::int64_t max_choices = 5;
};

struct wechat_settings {
    std::vector<std::string> keywords;
    std::string welcome;
    std::string news_title;
    std::string news_description;
    std::optional<std::string> news_picture;
};

// What the privacy notice promises voters (个人信息保护法, docs/privacy.zh.md):
// their personal data is deleted retention_days after closes_at; the log,
// the tally and the results stay.
struct privacy_settings {
    static constexpr std::int64_t default_retention_days = 180;
    std::int64_t retention_days = default_retention_days;
};

enum class campaign_state { upcoming, open, closed };
enum class tally_visibility { staff, everyone };

std::string_view to_string(campaign_state s);

struct campaign {
    std::string id;
    std::string title;
    std::string organizer;     // the organizer's name, as shown to people
    std::string organizer_id;  // the organizer that owns it (config "organizers"); "" = the city office
    std::string previous_campaign;  // last year's campaign, whose rectification reports (整改情况) this one shows
    std::int64_t opens_ms = 0;
    std::int64_t closes_ms = 0;
    std::vector<unit> units;
    vote::rules rules;
    tally_visibility visibility = tally_visibility::staff;
    wechat_settings wechat;
    nlohmann::json scoring = nlohmann::json::object();
    privacy_settings privacy;

    campaign_state state(std::int64_t now_ms) const;
    // When the voters' personal data is due for deletion: closes_at + the retention.
    std::int64_t personal_data_until_ms() const;
    const unit* find_unit(std::string_view unit_id) const;
    // scoring.public_method == "satisfaction": ballots carry ratings.
    bool satisfaction_mode() const;
    // The band names of scoring.satisfaction_bands (default 满意/基本满意/不满意),
    // highest band value first.
    std::vector<std::string> satisfaction_bands() const;

    // The whole campaign for storage; campaign_from_json(to_json()) gives it back.
    nlohmann::json to_json() const;
    // What anyone may see: to_json() plus "state".
    nlohmann::json public_json(std::int64_t now_ms) const;
};

// [A-Za-z0-9_-]{1,64}: campaign, unit and judge ids.
bool valid_id(std::string_view id);

std::variant<campaign, error> campaign_from_json(const nlohmann::json& body);
std::variant<campaign, error> parse_campaign(std::string_view body);

}  // namespace pingyi::vote
