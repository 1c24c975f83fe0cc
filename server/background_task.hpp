// A chore a server does by itself on one worker: once at start (as soon as
// Redis answers), then every `every`; a round that failed (ec set) is tried
// again after `retry`. Ends when the worker stops.
#pragma once

#include <chrono>
#include <functional>

#include <boost/asio/awaitable.hpp>
#include <boost/system/error_code.hpp>

namespace pingyi::server {

struct worker_state;

using background_round = std::function<boost::asio::awaitable<void>(boost::system::error_code&)>;

void start_background_task(worker_state& w, std::chrono::steady_clock::duration every,
                           std::chrono::steady_clock::duration retry, background_round round);

}  // namespace pingyi::server
