#include "server/route_campaign.hpp"

#include "server/app.hpp"
#include "server/responses.hpp"

namespace pingyi::server {

boost::asio::awaitable<campaign_lookup> find_campaign(worker_state& w, const http::request_context& ctx) {
    boost::system::error_code ec;
    auto c = co_await w.campaigns->get(std::string(ctx.param("cid")), ec);
    if (ec) co_return campaign_lookup{nullptr, redis_unavailable()};
    if (!c) co_return campaign_lookup{nullptr, campaign_not_found()};
    co_return campaign_lookup{std::move(c), {}};
}

}  // namespace pingyi::server
