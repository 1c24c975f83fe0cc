// Development mode's demo campaign, so that `./dev run` has something to
// vote on: created once, when absent, by the first worker.
#pragma once

#include <string>

#include <boost/asio/awaitable.hpp>

namespace pingyi::server {

struct worker_state;

// The demo campaign's body: open from yesterday for 30 days.
std::string demo_campaign_body(std::int64_t now_ms);

// Waits for Redis, then stores the demo campaign unless it exists.
boost::asio::awaitable<void> seed_demo_campaign(worker_state& w);

}  // namespace pingyi::server
