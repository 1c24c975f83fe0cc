#include "server/privacy_notice.hpp"

#include "vote/time.hpp"

namespace pingyi::server {

nlohmann::json privacy_notice(const config& cfg, const vote::campaign* c, std::optional<std::int64_t> purged_ms) {
    nlohmann::json campaign = nullptr;
    if (c)
        campaign = {{"id", c->id},
                    {"title", c->title},
                    {"organizer", c->organizer},
                    {"closes_at", vote::format_rfc3339_shanghai(c->closes_ms)},
                    {"retention_days", c->privacy.retention_days},
                    {"delete_after", vote::format_rfc3339_shanghai(c->personal_data_until_ms())},
                    {"purged_at", purged_ms ? nlohmann::json(vote::format_rfc3339_shanghai(*purged_ms)) : nullptr}};
    return {{"contact", cfg.privacy_contact},
            {"anomaly_window_s", cfg.anomaly_window_s},
            {"retention_days", vote::privacy_settings::default_retention_days},
            {"campaign", campaign}};
}

}  // namespace pingyi::server
