// Campaign bodies for tests, and creating them through the admin API.
#pragma once

#include <string>

namespace pingyi::test {

inline const std::string admin_token = "test-admin-token-0123456789";

// A campaign body in CONTRACT.md's shape, open from 2019 to 2099 unless
// other times are given, with units u01..u0N.
std::string campaign_body(const std::string& id, int units = 3, const std::string& opens_at = "2019-12-20T09:00:00+08:00",
                          const std::string& closes_at = "2099-12-27T18:00:00+08:00", const std::string& extra = "");

// POSTs the body with the admin token; returns the HTTP status.
int create_campaign(int port, const std::string& body);

}  // namespace pingyi::test
