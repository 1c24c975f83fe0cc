// Who is calling an admin endpoint: a script with the bearer token
// (PINGYI_ADMIN_TOKEN), or a staff member with a pingyi_staff session (and,
// on writes, the X-CSRF-Token header matching the session's token). Admins
// act, viewers read, auditors read the staff audit trail and nothing else
// (separation of duties: docs/security.zh.md). Each belongs to an organizer
// (server/organizer_scope.hpp): the session carries the account's, the
// bearer token is city level.
#pragma once

#include <optional>
#include <string>

#include <boost/asio/awaitable.hpp>

#include "http/types.hpp"

namespace pingyi::server {

struct worker_state;

enum class staff_role { viewer, admin, auditor };

struct principal {
    std::string name;  // the staff user, or "token" for the bearer token
    staff_role role = staff_role::viewer;
    std::string organizer{};  // the organizer whose campaigns they may see; "" = the city level, every organizer
};

inline constexpr std::string_view staff_cookie = "pingyi_staff";

// The staff session key in Redis for a session token (the token itself is
// never stored, only its SHA-256).
std::string staff_session_key(std::string_view token);

struct auth_result {
    std::optional<principal> who;
    http::response refusal;  // 401 / 403 / 503 when !who
};

// need_admin: viewers are refused (403). write: the CSRF header is required
// for session callers (403 csrf when missing or wrong). Auditors are always
// refused (403): every route but the audit trail's and their own account's
// authenticates this way.
boost::asio::awaitable<auth_result> authenticate(worker_state& w, const http::request_context& ctx, bool need_admin,
                                                 bool write);
// Any signed-in staff member, auditors too: for what concerns their own
// account (who am I, password, two-step verification, logging out).
boost::asio::awaitable<auth_result> authenticate_staff(worker_state& w, const http::request_context& ctx, bool write);
// The staff audit trail's readers: auditors, admins and the bearer token,
// at the city level; viewers and a county's staff are refused (403).
boost::asio::awaitable<auth_result> authenticate_audit_reader(worker_state& w, const http::request_context& ctx);

// What a staff page answers a caller without a session: the login page,
// which comes back to this page afterwards.
http::response login_redirect(const http::request_context& ctx);

}  // namespace pingyi::server
