// A blocking HTTP/1.1 request on its own connection, for the benchmark's
// set-up steps (logging voters in, creating campaigns), never for the load.
#pragma once

#include <string>
#include <utility>
#include <vector>

namespace pingyi::bench {

struct fetched {
    int status = 0;                        // 0: no answer
    std::string location;
    std::vector<std::string> set_cookies;  // each Set-Cookie's "name=value"
    std::string body;
};

using header_list = std::vector<std::pair<std::string, std::string>>;

fetched fetch(int port, const std::string& method, const std::string& target, const header_list& headers = {},
              const std::string& body = {});

// "http://host:port/path?query#fragment" -> port and "/path?query".
std::pair<int, std::string> split_url(const std::string& url);

}  // namespace pingyi::bench
