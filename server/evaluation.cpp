#include "server/evaluation.hpp"

#include "server/app.hpp"
#include "server/log.hpp"
#include "server/responses.hpp"

namespace pingyi::server {
namespace {

http::response evaluation_failed(const std::string& cid, const eval::error& e) {
    log::error("evaluation refused stored inputs", {{"campaign", cid}, {"path", e.path}, {"error", e.message}});
    return http::json_error(http::status::internal_server_error, "evaluation_failed",
                            "已保存的评分数据无法计算：" + e.message);
}

}  // namespace

boost::asio::awaitable<std::optional<http::response>> evaluate_now(worker_state& w, const vote::campaign& c,
                                                                   evaluation& out) {
    auto config = eval::parse_scoring_config(c.scoring);
    if (!config) co_return evaluation_failed(c.id, config.err());
    out.config = config.value();
    boost::system::error_code ec;
    out.snapshot = co_await load_scoring(*w.redis, c.id, ec);
    if (ec) co_return redis_unavailable();
    out.input = evaluation_input_of(c, out.config, out.snapshot);
    auto units = eval::evaluate(out.input);
    if (!units) co_return evaluation_failed(c.id, units.err());
    out.units = std::move(units.value());
    co_return std::nullopt;
}

}  // namespace pingyi::server
