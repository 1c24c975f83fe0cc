#include "server/admin_log.hpp"

#include "redis/connection.hpp"
#include "server/app.hpp"

namespace pingyi::server {

boost::asio::awaitable<void> record_admin_action(redis::connection& redis, std::string_view who,
                                                 std::string_view action, std::string_view campaign,
                                                 const nlohmann::json& detail, boost::system::error_code& ec) {
    std::vector<std::string> command{"XADD",
                                     std::string(admin_log_key),
                                     "*",
                                     "time",
                                     std::to_string(now_ms()),
                                     "who",
                                     std::string(who),
                                     "action",
                                     std::string(action),
                                     "campaign",
                                     std::string(campaign),
                                     "detail",
                                     detail.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace)};
    auto r = co_await redis.exec(std::move(command));
    if (r.ec) ec = r.ec;
    else if (r.value.is_error()) ec = boost::system::errc::make_error_code(boost::system::errc::io_error);
}

}  // namespace pingyi::server
