// The staff audit trail: every admin action (who, what, when, on what) is
// appended to one Redis stream. Only appended; no route deletes from it.
#pragma once

#include <string>
#include <string_view>

#include <boost/asio/awaitable.hpp>
#include <boost/system/error_code.hpp>
#include <nlohmann/json.hpp>

namespace pingyi::redis {
class connection;
}

namespace pingyi::server {

inline constexpr std::string_view admin_log_key = "pingyi:admin-log";

// Appends {time, who, action, campaign, detail}; ec when Redis failed (the
// caller refuses the action then: no action goes unrecorded).
boost::asio::awaitable<void> record_admin_action(redis::connection& redis, std::string_view who,
                                                 std::string_view action, std::string_view campaign,
                                                 const nlohmann::json& detail, boost::system::error_code& ec);

}  // namespace pingyi::server
