// What the official account answers: pure decisions from a message and the
// campaigns, so they are testable without a server.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "vote/campaign.hpp"
#include "wechat/message.hpp"
#include "wechat/reply.hpp"

namespace pingyi::server {

// The reply XML (plaintext) for a message, or nullopt for "success".
// public_url has no trailing slash.
std::optional<std::string> wechat_reply_for(const wechat::message& m,
                                            const std::vector<const vote::campaign*>& campaigns,
                                            const std::string& public_url, std::int64_t now_ms);

}  // namespace pingyi::server
