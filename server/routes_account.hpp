// A staff member's own sign-in security (等保 2.0 level 3): its state, TOTP
// set-up, confirmation (which hands out the recovery codes once) and removal
// (viewers only: admins must keep it), and the password change. Every change
// is on the admin log; no secret, code or password is.
#pragma once

#include <memory>
#include <string_view>

#include <boost/asio/awaitable.hpp>
#include <nlohmann/json_fwd.hpp>

#include "server/auth.hpp"

namespace pingyi::http {
class router;
}

namespace pingyi::server {

struct worker_state;
class password_hasher;

// The hasher is the admin routes' (one scrypt thread per worker).
void add_account_routes(http::router& r, worker_state& w, std::shared_ptr<password_hasher> hasher);

// Puts a sign-in or account event on the admin log for the staff routes,
// with the actor's organizer (a name alone: the city level, or someone not
// signed in). A Redis failure there is logged, not answered: the event has
// happened either way.
boost::asio::awaitable<void> record_staff_event(worker_state& w, const principal& who, std::string_view action,
                                                const nlohmann::json& detail);
boost::asio::awaitable<void> record_staff_event(worker_state& w, std::string_view who, std::string_view action,
                                                const nlohmann::json& detail);

}  // namespace pingyi::server
