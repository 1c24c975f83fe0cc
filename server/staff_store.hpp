// Staff accounts and sessions in Redis. The record-building is pure, so the
// CLI (`pingyi user ...`, blocking hiredis) writes users exactly as the
// server does.
//
//   pingyi:staff:user:<name>        HASH role (admin|viewer|auditor), password (server/password.hpp), created (ms),
//                                   history (the previous hashes, newest first, space-separated),
//                                   must_change (1: the password must be changed before anything else),
//                                   totp (the active TOTP secret, base32), totp_step (the last time step
//                                   accepted), totp_pending (a secret set up but not yet confirmed),
//                                   organizer (the organizer whose campaigns the user sees; absent: the
//                                   city level, every organizer's; server/organizer_scope.hpp)
//   pingyi:staff:recovery:<name>    SET of the unused recovery codes' digests (server/recovery_codes.hpp)
//   pingyi:staff:session:<sha256>   HASH user, role, organizer (the user's at login), csrf, expires
//                                   (absolute, ms), created (ms), and restricted (a code, see
//                                   session_restriction) when the session may only do what that code
//                                   asks; the key's TTL is the idle timeout, refreshed on every use
//   pingyi:staff:sessions:<name>    SET of the user's session keys (some may have expired), so that a
//                                   password change can end the others; kept as long as a session lives
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
std::string staff_recovery_key(std::string_view name);
std::string staff_sessions_key(std::string_view name);

// [A-Za-z0-9_.-]{1,64}.
bool valid_staff_name(std::string_view name);
std::optional<staff_role> parse_staff_role(std::string_view text);
std::string_view to_string(staff_role role);

struct staff_user {
    std::string name;
    staff_role role = staff_role::viewer;
    std::string password_hash;
    std::int64_t created_ms = 0;
    std::vector<std::string> previous_hashes{};  // newest first
    bool must_change_password = false;
    std::string totp_secret{};  // base32; empty: no TOTP
    std::uint64_t totp_step = 0;
    std::string totp_pending{};  // base32; empty: none set up
    std::string organizer{};     // "" = the city level
};

// TOTP is required of admins (and optional for everyone else).
bool totp_required(staff_role role);

// What a new session of this user must do before anything else, as the
// machine code the refusals carry: "password_change_required" (a bootstrap
// password below the policy), then "totp_enrolment_required" (an admin
// without TOTP); "" when nothing.
std::string_view session_restriction(const staff_user& user);
bool is_restriction(std::string_view code);
// The Chinese message for such a code.
std::string_view restriction_message(std::string_view code);
// What a restricted session may still reach: who am I, its TOTP and
// password, the page for them, and logging out.
bool open_while_restricted(std::string_view path);

// EVAL creating the user unless one of that name exists (two servers
// bootstrapping at once, or the CLI racing one): replies 1 created, 0 exists.
std::vector<std::string> create_user_command(const staff_user& user);

// The hashes a new password must not match: the current one and the
// previous ones, password_reuse_depth in all.
std::vector<std::string> recent_password_hashes(const staff_user& user);
// EVAL replacing the password if it is still `user.password_hash` (no
// concurrent change came first), keeping the history and clearing
// must_change: replies 1 changed, 0 not (changed meanwhile, or no user).
std::vector<std::string> set_password_command(const staff_user& user, std::string_view new_hash);

// EVAL giving an existing user another role: replies the role it had, nil
// when there is no such user.
std::vector<std::string> set_role_command(std::string_view name, staff_role role);

// EVAL putting an existing user under another organizer ("" = the city
// level): replies the organizer it had ("" for the city level), nil when
// there is no such user.
std::vector<std::string> set_organizer_command(std::string_view name, std::string_view organizer);

// HSET of a secret set up but not yet confirmed (replacing any earlier one).
std::vector<std::string> set_pending_totp_command(std::string_view name, std::string_view secret);
// EVAL making the pending secret (if it is still `secret`) the active one,
// with `step` accepted already and the recovery codes (digests) replacing
// any earlier ones: replies 1 done, 0 not (another setup came between).
std::vector<std::string> activate_totp_command(std::string_view name, std::string_view secret, std::uint64_t step,
                                               const std::vector<std::string>& recovery_digests);
// EVAL recording `step` as the last accepted one if it is later than the
// stored one and the secret is still `secret`: replies 1, else 0 (a replay,
// or a race with another login using the same code).
std::vector<std::string> accept_totp_step_command(std::string_view name, std::string_view secret, std::uint64_t step);
// SREM of a recovery code's digest: replies 1 when it was unused.
std::vector<std::string> use_recovery_code_command(std::string_view name, std::string_view digest);
// HDEL of the TOTP fields and DEL of the recovery codes.
std::vector<std::vector<std::string>> remove_totp_commands(std::string_view name);

// HSET and PEXPIRE of a new session, and its entry in the user's set of
// sessions, for one pipelined round trip; the session carries the user's
// session_restriction(), if any.
std::vector<std::vector<std::string>> create_session_commands(std::string_view token, const staff_user& user,
                                                              std::string_view csrf, std::int64_t now_ms,
                                                              std::chrono::milliseconds idle);
// HSET (or HDEL) of a session's restriction after the user did what it asked.
std::vector<std::string> restrict_session_command(std::string_view token, std::string_view restriction);
// EVAL ending every session of the user but the one of `keep_token` (after
// a password change): replies how many were still alive.
std::vector<std::string> end_other_sessions_command(std::string_view name, std::string_view keep_token);

// HMGET of a user record, and the user it replies (each field nullopt when
// nil): nullopt when there is none or the record is unusable.
std::vector<std::string> find_user_command(std::string_view name);
std::optional<staff_user> staff_user_from_fields(std::string name,
                                                 const std::vector<std::optional<std::string>>& fields);

// The user, or nullopt when there is none (or the record is unusable).
boost::asio::awaitable<std::optional<staff_user>> find_staff_user(redis::connection& redis, std::string name,
                                                                  boost::system::error_code& ec);
// False when the name is taken.
boost::asio::awaitable<bool> create_staff_user(redis::connection& redis, const staff_user& user,
                                               boost::system::error_code& ec);

}  // namespace pingyi::server
