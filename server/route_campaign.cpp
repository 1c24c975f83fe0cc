#include "server/route_campaign.hpp"

#include "server/app.hpp"
#include "server/organizer_scope.hpp"
#include "server/responses.hpp"

namespace pingyi::server {

boost::asio::awaitable<campaign_lookup> find_campaign(worker_state& w, const http::request_context& ctx) {
    boost::system::error_code ec;
    auto c = co_await w.campaigns->get(std::string(ctx.param("cid")), ec);
    if (ec) co_return campaign_lookup{nullptr, redis_unavailable()};
    if (!c) co_return campaign_lookup{nullptr, campaign_not_found()};
    co_return campaign_lookup{std::move(c), {}};
}

boost::asio::awaitable<staff_campaign_lookup> find_staff_campaign(worker_state& w, const http::request_context& ctx,
                                                                  bool need_admin, bool write) {
    auto auth = co_await authenticate(w, ctx, need_admin, write);
    if (!auth.who) co_return staff_campaign_lookup{std::nullopt, nullptr, std::move(auth.refusal)};
    auto found = co_await find_campaign(w, ctx);
    if (!found.campaign) co_return staff_campaign_lookup{std::move(auth.who), nullptr, std::move(found.refusal)};
    // Another organizer's campaign answers as a missing one: its id tells nothing.
    if (!in_scope(*auth.who, found.campaign->organizer_id))
        co_return staff_campaign_lookup{std::move(auth.who), nullptr, campaign_not_found()};
    co_return staff_campaign_lookup{std::move(auth.who), std::move(found.campaign), {}};
}

boost::asio::awaitable<auth_result> authenticate_for(worker_state& w, const http::request_context& ctx,
                                                     const vote::campaign& c, bool need_admin, bool write) {
    auto auth = co_await authenticate(w, ctx, need_admin, write);
    if (auth.who && !in_scope(*auth.who, c.organizer_id)) co_return auth_result{std::nullopt, campaign_not_found()};
    co_return auth;
}

}  // namespace pingyi::server
