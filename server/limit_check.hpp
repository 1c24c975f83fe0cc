// One named rate limit checked in Redis (the stand-alone GCRA script), with
// the global mode and the limit's shadow switch applied and the metrics
// counted. For routes other than the ballot, whose script checks its own.
#pragma once

#include <string>

#include <boost/asio/awaitable.hpp>

#include "ratelimit/limits.hpp"

namespace pingyi::server {

struct worker_state;

// Fails open (allows) when Redis does not answer: the route's own Redis
// call will then fail and say so.
boost::asio::awaitable<ratelimit::decision> check_limit(worker_state& w, const ratelimit::limit& l, std::string key);

}  // namespace pingyi::server
