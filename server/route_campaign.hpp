// The campaign a route's {cid} names, as every campaign route starts: the
// campaign, or the answer to send instead (404, or 503 when Redis did not
// answer).
#pragma once

#include <boost/asio/awaitable.hpp>

#include "http/types.hpp"
#include "server/campaign_cache.hpp"

namespace pingyi::server {

struct worker_state;

struct campaign_lookup {
    campaign_ptr campaign;   // null when not found
    http::response refusal;  // what to answer when !campaign
};

boost::asio::awaitable<campaign_lookup> find_campaign(worker_state& w, const http::request_context& ctx);

}  // namespace pingyi::server
