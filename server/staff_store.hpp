// Staff accounts and sessions in Redis. The record-building is pure, so the
// CLI (`pingyi user add`, blocking hiredis) writes users exactly as the
// server does.
//
//   pingyi:staff:user:<name>        HASH role (admin|viewer), password (server/password.hpp), created (ms)
//   pingyi:staff:session:<sha256>   HASH user, role, csrf, expires (absolute, ms), created (ms);
//                                   the key's TTL is the idle timeout, refreshed on every use
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <boost/asio/awaitable.hpp>
#include <boost/system/error_code.hpp>

#include "server/auth.hpp"

namespace pingyi::redis {
class connection;
}

namespace pingyi::server {

// A session ends this long after login whatever its use.
inline constexpr std::chrono::milliseconds staff_session_absolute{std::chrono::hours(12)};

std::string staff_user_key(std::string_view name);

// [A-Za-z0-9_.-]{1,64}.
bool valid_staff_name(std::string_view name);
std::optional<staff_role> parse_staff_role(std::string_view text);
std::string_view to_string(staff_role role);

struct staff_user {
    std::string name;
    staff_role role = staff_role::viewer;
    std::string password_hash;
    std::int64_t created_ms = 0;
};

// EVAL creating the user unless one of that name exists (two servers
// bootstrapping at once, or the CLI racing one): replies 1 created, 0 exists.
std::vector<std::string> create_user_command(const staff_user& user);

// HSET and PEXPIRE of a new session, for one pipelined round trip.
std::vector<std::vector<std::string>> create_session_commands(std::string_view token, const staff_user& user,
                                                              std::string_view csrf, std::int64_t now_ms,
                                                              std::chrono::milliseconds idle);

// The user, or nullopt when there is none (or the record is unusable).
boost::asio::awaitable<std::optional<staff_user>> find_staff_user(redis::connection& redis, std::string name,
                                                                  boost::system::error_code& ec);
// False when the name is taken.
boost::asio::awaitable<bool> create_staff_user(redis::connection& redis, const staff_user& user,
                                               boost::system::error_code& ec);

}  // namespace pingyi::server
