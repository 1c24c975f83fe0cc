// The operator's changes to an existing staff account, each on the admin
// log and each ending the account's sessions so that it applies at once:
//   pingyi user passwd NAME       a new password (the policy and the last-five
//                                 rule apply), which also lifts a lock-out
//   pingyi user role NAME ROLE    admin, viewer or auditor
//   pingyi user organizer NAME ID|--city
//                                 the organizer whose campaigns it sees, or the
//                                 city level (every organizer's)
//   pingyi user totp-reset NAME   removes TOTP and the recovery codes (a lost
//                                 phone); an admin enrols again at the next login
#pragma once

#include <string>
#include <vector>

namespace pingyi::tools {

int run_user_passwd(const std::vector<std::string>& args);
extern const char* const user_passwd_usage;
int run_user_role(const std::vector<std::string>& args);
extern const char* const user_role_usage;
int run_user_organizer(const std::vector<std::string>& args);
extern const char* const user_organizer_usage;
int run_user_totp_reset(const std::vector<std::string>& args);
extern const char* const user_totp_reset_usage;

}  // namespace pingyi::tools
