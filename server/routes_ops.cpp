// Operations routes: liveness, readiness, metrics, the home page, and in
// development mode a deliberately slow route for shutdown tests.
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>

#include "server/app.hpp"

namespace pingyi::server {

namespace {

http::response text(http::status s, std::string body, std::string_view type) {
    http::response res{s, 11};
    res.set(http::field::content_type, type);
    res.body() = std::move(body);
    return res;
}

constexpr std::string_view home_page = R"(<!doctype html>
<html lang="zh-CN"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>评议 pingyi</title></head>
<body><main>
<h1>评议</h1>
<p>“谁执法谁普法”履职报告评议系统：市民通过“韶司在线”微信公众号为被评议单位投票，评议团和现场单位在评议会上打分，
普法办按评议团 40%、网络投票 40%、单位互评 20% 计算总分和等次，并当场公布。</p>
<p><a href="/h5/">进入投票</a> · <a href="/admin">工作人员登录</a></p>
</main></body></html>
)";

}  // namespace

void add_ops_routes(http::router& r, worker_state& w) {
    r.add(http::verb::get, "/healthz", [](http::request_context&) -> boost::asio::awaitable<http::reply> {
        co_return text(http::status::ok, "ok\n", "text/plain; charset=utf-8");
    });
    r.add(http::verb::get, "/readyz", [&w](http::request_context&) -> boost::asio::awaitable<http::reply> {
        for (int i = 0; i < w.shared.workers; ++i) {
            if (!w.shared.redis_up[static_cast<std::size_t>(i)].load(std::memory_order_relaxed))
                co_return http::json_error(http::status::service_unavailable, "redis_unavailable",
                                           "Redis 连接不可用");
        }
        co_return text(http::status::ok, "ready\n", "text/plain; charset=utf-8");
    });
    r.add(http::verb::get, "/metrics", [&w](http::request_context&) -> boost::asio::awaitable<http::reply> {
        std::string out;
        w.shared.http_metrics->render(out);
        w.shared.stats.render(out);
        co_return text(http::status::ok, std::move(out), "text/plain; version=0.0.4; charset=utf-8");
    });
    r.add(http::verb::get, "/", [](http::request_context&) -> boost::asio::awaitable<http::reply> {
        co_return text(http::status::ok, std::string(home_page), "text/html; charset=utf-8");
    });
    if (w.shared.cfg.dev) {
        // Holds the request for ?ms= milliseconds (at most 10 s).
        r.add(http::verb::get, "/__dev/slow", [&w](http::request_context& ctx) -> boost::asio::awaitable<http::reply> {
            long ms = 1000;
            auto pos = ctx.query.find("ms=");
            if (pos != std::string_view::npos) ms = std::strtol(std::string(ctx.query.substr(pos + 3)).c_str(), nullptr, 10);
            ms = std::clamp(ms, 0L, 10000L);
            boost::asio::steady_timer timer(w.ioc, std::chrono::milliseconds(ms));
            co_await timer.async_wait(boost::asio::use_awaitable);
            co_return text(http::status::ok, "slow done\n", "text/plain; charset=utf-8");
        });
    }
}

}  // namespace pingyi::server
