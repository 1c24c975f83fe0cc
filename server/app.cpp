#include "server/app.hpp"

#include <boost/asio/io_context.hpp>

#include "server/log.hpp"

namespace pingyi::server {

shared_state::shared_state(config c) : cfg(std::move(c)) {
    workers = cfg.threads;
    redis_up = std::make_unique<std::atomic<bool>[]>(static_cast<std::size_t>(workers));
}

app::app(config c) : shared_(std::make_unique<shared_state>(std::move(c))) {}

app::~app() = default;

http::server_hooks app::hooks() {
    http::server_hooks h;
    h.make_worker = [this](boost::asio::io_context& ioc, int index) {
        auto& w = *workers_.emplace_back(std::make_unique<worker_state>(worker_state{ioc, index, *shared_}));
        auto routes = std::make_shared<http::router>();
        add_ops_routes(*routes, w);
        // Workers are made one after another before any thread runs, so
        // the first one can fix the metric series for all.
        if (!shared_->http_metrics) {
            std::vector<std::string> patterns;
            for (const auto& r : routes->routes()) patterns.push_back(r.pattern);
            shared_->http_metrics = std::make_unique<http::request_metrics>(patterns);
        }
        return http::worker_setup{routes, {}};
    };
    h.decorate = [](const http::request_context*, http::response& res) {
        res.set(http::field::server, "pingyi");
        res.set("X-Content-Type-Options", "nosniff");
        res.set("Referrer-Policy", "same-origin");
        auto type = res[http::field::content_type];
        if (type.starts_with("text/html")) {
            res.set("Content-Security-Policy",
                    "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; "
                    "frame-ancestors 'none'; base-uri 'none'; form-action 'self'");
            res.set("X-Frame-Options", "DENY");
        }
    };
    h.on_complete = [this](const http::access_record& rec) {
        shared_->http_metrics->observe(rec.route, rec.status, rec.duration);
        if (!log::enabled(log::level::info)) return;
        log::info("request", {{"method", rec.method},
                              {"path", rec.path},
                              {"route", rec.route},
                              {"status", rec.status},
                              {"ms", std::chrono::duration<double, std::milli>(rec.duration).count()},
                              {"client", rec.client_address},
                              {"bytes", rec.bytes},
                              {"worker", rec.worker}});
    };
    h.on_error = [](std::string_view what, const boost::system::error_code& ec) {
        log::warn("http error", {{"what", what}, {"error", ec.message()}});
    };
    return h;
}

}  // namespace pingyi::server
