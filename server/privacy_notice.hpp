// What the privacy page (/h5/privacy, docs/privacy.zh.md) shows besides its
// fixed text: whom to ask, how long ballots' addresses are kept, and for one
// campaign when its voters' personal data is deleted. Pure.
#pragma once

#include <cstdint>
#include <optional>

#include <nlohmann/json.hpp>

#include "server/config.hpp"
#include "vote/campaign.hpp"

namespace pingyi::server {

// {"contact", "anomaly_window_s", "retention_days", "campaign"}: contact ""
// when the operator set none; campaign null, or {"id", "title", "organizer",
// "closes_at", "retention_days", "delete_after", "purged_at" (null until done)}.
nlohmann::json privacy_notice(const config& cfg, const vote::campaign* c, std::optional<std::int64_t> purged_ms);

}  // namespace pingyi::server
