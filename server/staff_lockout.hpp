// Locking a staff account after repeated failed logins (等保 2.0 level 3:
// 登录失败处理): five failures in a row (a wrong password, TOTP code or
// recovery code) lock the name for 15 minutes; a successful login clears
// the count. Counted for unknown names too, so a lock says nothing about
// which names exist. This sits behind the login rate limits, not instead.
//
//   pingyi:staff:failures:<name>   the failures in a row; expires 15 minutes after the last one
//   pingyi:staff:locked:<name>     present while locked (PX 15 minutes)
#pragma once

#include <chrono>
#include <string>
#include <string_view>
#include <vector>

#include <boost/asio/awaitable.hpp>
#include <boost/system/error_code.hpp>

namespace pingyi::redis {
class connection;
}

namespace pingyi::server {

inline constexpr int lockout_threshold = 5;
inline constexpr std::chrono::milliseconds lockout_duration{std::chrono::minutes(15)};

// EVAL counting one failure, atomically: replies how many more are allowed
// before the lock, 0 when this one locked the account.
std::vector<std::string> record_login_failure_command(std::string_view name);
// PTTL of the lock: > 0 while locked.
std::vector<std::string> lock_remaining_command(std::string_view name);
// DEL of the failure count (a successful login), and of the lock as well
// when `unlock` (an operator setting a new password).
std::vector<std::string> clear_login_failures_command(std::string_view name, bool unlock = false);

// The time left on the lock, zero when not locked.
boost::asio::awaitable<std::chrono::milliseconds> lock_remaining(redis::connection& redis, std::string_view name,
                                                                 boost::system::error_code& ec);
// True when this failure locked the account.
boost::asio::awaitable<bool> record_login_failure(redis::connection& redis, std::string_view name,
                                                  boost::system::error_code& ec);
boost::asio::awaitable<void> clear_login_failures(redis::connection& redis, std::string_view name,
                                                  boost::system::error_code& ec);

}  // namespace pingyi::server
