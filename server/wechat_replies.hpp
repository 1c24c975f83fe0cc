// What the official account answers: pure decisions from a message and the
// campaigns, so they are testable without a server.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "vote/campaign.hpp"
#include "wechat/message.hpp"
#include "wechat/reply.hpp"

namespace pingyi::server {

// The welcome on subscribing when no single open campaign has its own: the
// default account is the city's “韶司在线”; an organizer's own account is
// one whose name pingyi does not know.
inline constexpr std::string_view city_welcome = "感谢关注“韶司在线”！回复“投票”参加评议投票。";
inline constexpr std::string_view organizer_welcome = "感谢关注！回复“投票”参加评议投票。";

// The reply XML (plaintext) for a message, or nullopt for "success".
// `campaigns` are the account's; public_url has no trailing slash.
std::optional<std::string> wechat_reply_for(const wechat::message& m,
                                            const std::vector<const vote::campaign*>& campaigns,
                                            const std::string& public_url, std::int64_t now_ms,
                                            std::string_view welcome);

}  // namespace pingyi::server
