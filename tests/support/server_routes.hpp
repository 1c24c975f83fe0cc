// The routes pingyi-server registers, enumerated from the same code that
// builds its workers' routers (app::hooks().make_worker), for tests that
// must cover every route, including ones added later.
#pragma once

#include <string>
#include <vector>

#include "server/config.hpp"

namespace pingyi::test {

struct registered_route {
    std::string method;   // "GET", "POST"...
    std::string pattern;  // as registered: "/api/v1/campaigns/{cid}/tally"
    std::string name() const { return method + " " + pattern; }
};

// The routes of one worker made with `cfg` (development-only ones when cfg.dev).
std::vector<registered_route> server_routes(const pingyi::server::config& cfg);

}  // namespace pingyi::test
