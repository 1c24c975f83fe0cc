#include "server/background_task.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>

#include "redis/connection.hpp"
#include "server/app.hpp"

namespace pingyi::server {
namespace {

namespace asio = boost::asio;
using clock = std::chrono::steady_clock;

// How often the loop looks whether the worker is stopping: a pending timer
// keeps the worker's io_context (and a SIGTERM) waiting that long.
constexpr std::chrono::seconds tick{1};

asio::awaitable<void> run(worker_state& w, clock::duration every, clock::duration retry, background_round round) {
    asio::steady_timer timer(w.ioc);
    auto next = clock::now();
    while (!w.stopping()) {
        if (clock::now() >= next && w.redis->is_up()) {
            boost::system::error_code ec;
            co_await round(ec);
            next = clock::now() + (ec ? retry : every);
        }
        timer.expires_after(tick);
        boost::system::error_code ec;
        co_await timer.async_wait(asio::redirect_error(asio::use_awaitable, ec));
    }
}

}  // namespace

void start_background_task(worker_state& w, clock::duration every, clock::duration retry, background_round round) {
    asio::co_spawn(w.ioc, run(w, every, retry, std::move(round)), asio::detached);
}

}  // namespace pingyi::server
