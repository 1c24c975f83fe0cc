#include "tests/support/server_routes.hpp"

#include <chrono>

#include <boost/asio/io_context.hpp>

#include "server/app.hpp"

namespace pingyi::test {

std::vector<registered_route> server_routes(const pingyi::server::config& cfg) {
    boost::asio::io_context ioc;  // outlives the app: the workers' timers belong to it
    std::vector<registered_route> out;
    {
        pingyi::server::app app(cfg);
        auto setup = app.hooks().make_worker(ioc, 0);
        for (const auto& r : setup.routes->routes())
            out.push_back({std::string(pingyi::http::bhttp::to_string(r.method)), r.pattern});
        setup.on_stop();
        ioc.run_for(std::chrono::seconds(2));
    }
    return out;
}

}  // namespace pingyi::test
