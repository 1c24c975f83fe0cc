// PINGYI_REDIS_URL:
//   redis://[[username]:password@]host[:port][/db]
//   sentinel://[[username]:password@]host:port[,host:port...]/master_name
// The password may be percent-encoded (e.g. %40 for '@'). With sentinel://
// the credentials are the master's; the sentinels are asked without them.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace pingyi::redis {

struct endpoint_config {
    std::string host = "127.0.0.1";
    int port = 6379;
    std::string username;  // Redis 6 ACL user; empty means AUTH <password> only
    std::string password;  // empty: no AUTH
    int db = 0;            // SELECTed on every (re)connect when not 0
};

struct redis_url {
    // redis://: the server. sentinel://: credentials and db of the master,
    // whose host and port come from discovery (connection_options::sentinel).
    endpoint_config endpoint;
    std::vector<endpoint_config> sentinels;  // empty for redis://
    std::string master_name;                 // empty for redis://

    bool is_sentinel() const { return !sentinels.empty(); }
};

// Returns nothing and sets error to a one-line reason on a malformed URL.
std::optional<redis_url> parse_url(std::string_view text, std::string& error);

}  // namespace pingyi::redis
