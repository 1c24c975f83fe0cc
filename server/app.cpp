#include "server/app.hpp"

#include <chrono>
#include <filesystem>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/thread_pool.hpp>
#include <boost/asio/use_awaitable.hpp>

#include "ratelimit/gcra.hpp"
#include "redis/connection.hpp"
#include "server/attachment_store.hpp"
#include "server/campaign_cache.hpp"
#include "server/demo.hpp"
#include "server/log.hpp"
#include "vote/ballot_script.hpp"
#include "vote/campaign_store.hpp"
#include "http/client.hpp"
#include "server/wechat_accounts.hpp"

namespace pingyi::server {

namespace asio = boost::asio;

std::int64_t now_ms() {
    return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch())
        .count();
}

std::int64_t now_s() { return now_ms() / 1000; }

namespace {

// Where the built front end is: the configured root, else web/dist in the
// source tree next to build/bin/, else nothing (the API still works).
std::string find_web_root(const config& c) {
    if (!c.web_root.empty()) return c.web_root;
    std::error_code ec;
    auto exe = std::filesystem::canonical("/proc/self/exe", ec);
    if (!ec) {
        for (auto dir = exe.parent_path(); dir.has_parent_path() && dir != dir.parent_path(); dir = dir.parent_path()) {
            auto candidate = dir / "web" / "dist";
            if (std::filesystem::is_directory(candidate, ec)) return candidate.string();
            auto installed = dir / "share" / "pingyi" / "web";
            if (std::filesystem::is_directory(installed, ec)) return installed.string();
        }
    }
    return {};
}

// The file's "ratelimit" section, with PINGYI_RATELIMIT deciding the mode.
ratelimit::config limits_of(const config& c) {
    try {
        auto limits = ratelimit::parse_config(c.ratelimit);
        limits.global = ratelimit::parse_mode(c.ratelimit_mode, "PINGYI_RATELIMIT");
        return limits;
    } catch (const ratelimit::config_error& e) {
        throw config_error(e.what());
    }
}

http::trusted_proxies proxies_of(const config& c) {
    try {
        return http::trusted_proxies::parse(c.trusted_proxies);
    } catch (const std::invalid_argument& e) {
        throw config_error(e.what());
    }
}

// Every X-Forwarded-For line, joined: proxies may each add their own.
std::string forwarded_for(const http::request& req) {
    std::string out;
    auto [first, last] = req.equal_range("X-Forwarded-For");
    for (auto it = first; it != last; ++it) {
        if (!out.empty()) out += ',';
        out += it->value();
    }
    return out;
}

}  // namespace

script_set::script_set()
    : ballot("ballot", std::string(vote::ballot_script_source())),
      create_campaign("create_campaign", vote::create_campaign_script().source),
      replace_campaign("replace_campaign", vote::replace_campaign_script().source),
      gcra("gcra", std::string(ratelimit::gcra_script_source())) {}

std::vector<const redis::script*> script_set::all() const { return {&ballot, &create_campaign, &replace_campaign, &gcra}; }

shared_state::shared_state(config c)
    : cfg(std::move(c)),
      limits(limits_of(cfg)),
      cookie_signer(cfg.secret, cfg.secret_previous),
      pseudonym_mac(cfg.pseudonym_key),
      proxies(proxies_of(cfg)),
      web(find_web_root(cfg)) {
    workers = cfg.threads;
    redis_up = std::make_unique<std::atomic<bool>[]>(static_cast<std::size_t>(workers));
    secure_cookies = cfg.public_url.rfind("https://", 0) == 0;
    if (!cfg.attachments_dir.empty()) {
        if (auto problem = prepare_attachments_dir(cfg.attachments_dir))
            throw config_error("PINGYI_ATTACHMENTS_DIR: " + *problem);
    }
    blocking = std::make_unique<asio::thread_pool>(2);
    wechat = std::make_unique<wechat_accounts>(cfg);
}

shared_state::~shared_state() = default;

struct worker_state::impl {
    asio::steady_timer ready_timer;
    bool stopping = false;
    explicit impl(asio::io_context& ioc) : ready_timer(ioc) {}
};

worker_state::worker_state(asio::io_context& io, int i, shared_state& s)
    : ioc(io), index(i), shared(s), impl_(std::make_unique<impl>(io)) {
    std::string error;
    auto url = redis::parse_url(s.cfg.redis_url, error);
    if (!url) throw config_error("PINGYI_REDIS_URL: " + error);
    redis::connection_options options;
    options.endpoint = url->endpoint;
    options.sentinel.sentinels = url->sentinels;
    options.sentinel.master_name = url->master_name;
    options.scripts = s.scripts.all();
    redis = std::make_unique<redis::connection>(ioc.get_executor(), options);
    campaigns = std::make_unique<campaign_cache>(*redis, s.campaign_changes);
    http_client = std::make_unique<http::client>(ioc.get_executor());
    wechat = std::make_unique<wechat_clients>(*s.wechat, *http_client, *redis);
}

worker_state::~worker_state() = default;

void worker_state::start() {
    redis->start();
    asio::co_spawn(ioc, publish_readiness(), asio::detached);
    if (shared.cfg.demo && index == 0) asio::co_spawn(ioc, seed_demo_campaign(*this), asio::detached);
}

// Publishes this worker's Redis state for /readyz, which any worker may
// answer: a flag per worker, refreshed every 100 ms.
asio::awaitable<void> worker_state::publish_readiness() {
    while (!impl_->stopping) {
        shared.redis_up[static_cast<std::size_t>(index)].store(redis->is_up(), std::memory_order_relaxed);
        impl_->ready_timer.expires_after(std::chrono::milliseconds(100));
        boost::system::error_code ec;
        co_await impl_->ready_timer.async_wait(asio::redirect_error(asio::use_awaitable, ec));
    }
}

bool worker_state::stopping() const { return impl_->stopping; }

void worker_state::stop() {
    impl_->stopping = true;
    impl_->ready_timer.cancel();
    shared.redis_up[static_cast<std::size_t>(index)].store(false, std::memory_order_relaxed);
    redis->stop();
}

app::app(config c) : shared_(std::make_unique<shared_state>(std::move(c))) {}

app::~app() = default;

http::server_hooks app::hooks() {
    http::server_hooks h;
    h.make_worker = [this](asio::io_context& ioc, int index) {
        // The server owns the worker's state (setup.owner) and drops it
        // before the worker's io_context, whose timers and sockets it holds.
        auto state = std::make_shared<worker_state>(ioc, index, *shared_);
        auto& w = *state;
        auto routes = std::make_shared<http::router>();
        add_ops_routes(*routes, w);
        add_campaign_routes(*routes, w);
        add_eval_routes(*routes, w);
        add_voter_routes(*routes, w);
        add_static_routes(*routes, w);
        add_wechat_routes(*routes, w);
        add_admin_routes(*routes, w);
        add_event_routes(*routes, w);
        add_oauth_routes(*routes, w);
        add_signal_routes(*routes, w);
        add_audit_routes(*routes, w);
        add_organizer_routes(*routes, w);
        add_unit_routes(*routes, w);
        add_filing_routes(*routes, w);
        add_suggestion_routes(*routes, w);
        // Workers are made one after another before any thread runs, so
        // the first one can fix the metric series for all.
        if (!shared_->http_metrics) {
            std::vector<std::string> patterns;
            for (const auto& r : routes->routes()) patterns.push_back(r.pattern);
            shared_->http_metrics = std::make_unique<http::request_metrics>(patterns);
        }
        w.start();
        return http::worker_setup{routes, [&w] { w.stop(); }, state};
    };
    h.resolve_client = [this](http::request_context& ctx) {
        if (shared_->proxies.empty()) return;
        ctx.client_address =
            http::client_address(ctx.peer_address, forwarded_for(ctx.req), ctx.req["X-Real-IP"], shared_->proxies);
    };
    h.decorate = [](const http::request_context*, http::response& res) {
        res.set(http::field::server, "pingyi");
        res.set("X-Content-Type-Options", "nosniff");
        if (res["Referrer-Policy"].empty()) res.set("Referrer-Policy", "same-origin");
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
