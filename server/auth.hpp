// Who is calling an admin endpoint: a script with the bearer token
// (PINGYI_ADMIN_TOKEN), or a staff member with a pingyi_staff session (and,
// on writes, the X-CSRF-Token header matching the session's token).
#pragma once

#include <optional>
#include <string>

#include <boost/asio/awaitable.hpp>

#include "http/types.hpp"

namespace pingyi::server {

struct worker_state;

enum class staff_role { viewer, admin };

struct principal {
    std::string name;  // the staff user, or "token" for the bearer token
    staff_role role = staff_role::viewer;
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
// for session callers (403 csrf when missing or wrong).
boost::asio::awaitable<auth_result> authenticate(worker_state& w, const http::request_context& ctx, bool need_admin,
                                                 bool write);

}  // namespace pingyi::server
