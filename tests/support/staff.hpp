// A staff member signing in to a running pingyi-server as the login page
// does: the password, then for an account with TOTP the code computed from
// its secret (server/totp.hpp); an admin without TOTP enrols it on the way,
// as the server requires of admins.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "tests/support/http_client.hpp"
#include "tests/support/redis_server.hpp"

namespace pingyi::test {

// `pingyi user add <name> --role <role>` against the Redis at redis_url,
// the password on stdin, as an operator runs it; its exit status.
int add_staff_user(const std::string& redis_url, const std::string& name, const std::string& role,
                   const std::string& password);

// The staff audit trail (pingyi:admin-log) as it is stored, oldest first:
// each entry's fields as strings.
std::vector<nlohmann::json> admin_log_entries(sync_redis& db);
// Only each entry's action.
std::vector<std::string> admin_log_actions(sync_redis& db);

// The value of cookie `name` among a response's Set-Cookie lines; "" if none.
std::string set_cookie_value(const http_result& r, const std::string& name);

struct staff_session {
    std::string token;
    std::string csrf;

    // Headers for a call: JSON, the cookies, and on writes the CSRF header.
    std::map<std::string, std::string> headers(bool write = true) const;
};

class staff_member {
public:
    staff_member(int port, std::string name, std::string password);

    // POST /admin/login with the name, the password and `extra` fields
    // (e.g. {"totp", "123456"}); nothing more.
    http_result login(const std::map<std::string, std::string>& extra = {}) const;
    // A working session: the password, the next TOTP code when the account
    // has TOTP, and enrolment first when an admin has none. REQUIREs success.
    staff_session sign_in();
    // Sets TOTP up and confirms it with the session; the recovery codes.
    std::vector<std::string> enrol_totp(const staff_session& s);
    // A code the server has not accepted yet: the current time step's, else
    // the next one's (it takes one step either side), else it waits for the
    // next step. The step counts as used from here on.
    std::string next_code();
    // A code of a step long past or ahead, which the server refuses.
    std::string stale_code() const;

    const std::string& totp_secret() const { return secret_; }  // base32; "" before enrolment

private:
    int port_;
    std::string name_;
    std::string password_;
    std::string secret_;
    std::uint64_t last_step_ = 0;
};

}  // namespace pingyi::test
