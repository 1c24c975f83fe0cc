// The campaign a route's {cid} names, as every campaign route starts: the
// campaign, or the answer to send instead (404, or 503 when Redis did not
// answer).
#pragma once

#include <boost/asio/awaitable.hpp>

#include "http/types.hpp"
#include "server/auth.hpp"
#include "server/campaign_cache.hpp"

namespace pingyi::server {

struct worker_state;

struct campaign_lookup {
    campaign_ptr campaign;   // null when not found
    http::response refusal;  // what to answer when !campaign
};

boost::asio::awaitable<campaign_lookup> find_campaign(worker_state& w, const http::request_context& ctx);

// A staff route's start: authenticate (as server/auth.hpp's authenticate),
// then the campaign, which must belong to the caller's organizer (another
// organizer's campaign answers 404, as if it did not exist).
struct staff_campaign_lookup {
    std::optional<principal> who;
    campaign_ptr campaign;   // null when refused
    http::response refusal;  // what to answer when !campaign
};

boost::asio::awaitable<staff_campaign_lookup> find_staff_campaign(worker_state& w, const http::request_context& ctx,
                                                                  bool need_admin, bool write);

// For a route anyone may call on some campaigns (a public tally, published
// results) and staff on all: the caller as staff for `c`, found already;
// another organizer's campaign is refused as find_staff_campaign does.
boost::asio::awaitable<auth_result> authenticate_for(worker_state& w, const http::request_context& ctx,
                                                     const vote::campaign& c, bool need_admin, bool write);

}  // namespace pingyi::server
