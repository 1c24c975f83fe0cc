// Organizers (Art. 18): the ones a staff member may put a campaign under,
// for the campaign form (server/organizer_scope.hpp decides which).
#include <nlohmann/json.hpp>

#include "server/app.hpp"
#include "server/auth.hpp"
#include "server/organizer_scope.hpp"
#include "server/responses.hpp"

namespace pingyi::server {

namespace {

boost::asio::awaitable<http::reply> list_organizers(worker_state& w, http::request_context& ctx) {
    auto auth = co_await authenticate(w, ctx, false, false);
    if (!auth.who) co_return std::move(auth.refusal);
    nlohmann::json list = nlohmann::json::array();
    for (const auto& o : organizers_for(*auth.who, w.shared.cfg))
        list.push_back({{"id", o.id}, {"name", o.name}, {"wechat_account", o.wechat_account}});
    co_return json_ok({{"organizers", std::move(list)}});
}

}  // namespace

void add_organizer_routes(http::router& r, worker_state& w) {
    r.add(http::verb::get, "/api/v1/organizers", [&w](http::request_context& ctx) { return list_organizers(w, ctx); });
}

}  // namespace pingyi::server
