// The voters the benchmark logged in: one "session<TAB>csrf" line each, as
// bench_login writes them and ballots.lua and bench_open_loop read them.
#pragma once

#include <string>
#include <vector>

namespace pingyi::bench {

struct voter_cookies {
    std::string session;
    std::string csrf;
};

std::vector<voter_cookies> read_voters(const std::string& path);

// The request headers a ballot needs: the cookies and the CSRF token.
std::string cookie_header(const voter_cookies& v);

}  // namespace pingyi::bench
