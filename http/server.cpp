#include "http/server.hpp"

#include <atomic>
#include <list>
#include <mutex>
#include <thread>
#include <unordered_map>
#include <vector>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/empty_body.hpp>
#include <boost/beast/http/error.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/write.hpp>

#include "http/streamer.hpp"

namespace pingyi::http {

namespace asio = boost::asio;
namespace beast = boost::beast;
using tcp = asio::ip::tcp;
using boost::system::error_code;

response json_response(status s, std::string body, bool keep_alive) {
    response res{s, 11};
    res.set(field::content_type, "application/json; charset=utf-8");
    res.keep_alive(keep_alive);
    res.body() = std::move(body);
    res.prepare_payload();
    return res;
}

namespace {

// A JSON string literal. Refusals (409, 429) are most answers in a burst, so
// json_error writes its two strings directly instead of building a json object.
void append_json_string(std::string& out, std::string_view text) {
    out += '"';
    for (char c : text) {
        if (c == '"' || c == '\\') {
            out += '\\';
            out += c;
        } else if (static_cast<unsigned char>(c) < 0x20) {
            static constexpr char hex[] = "0123456789abcdef";
            out += "\\u00";
            out += hex[(c >> 4) & 0xf];
            out += hex[c & 0xf];
        } else {
            out += c;
        }
    }
    out += '"';
}

}  // namespace

response json_error(status s, std::string_view code, std::string_view message, bool keep_alive) {
    std::string body = R"({"error":{"code":)";
    body.reserve(body.size() + code.size() + message.size() + 24);
    append_json_string(body, code);
    body += R"(,"message":)";
    append_json_string(body, message);
    body += "}}";
    return json_response(s, std::move(body), keep_alive);
}

namespace {

// Open connections in all and per client address, shared by the workers.
// Touched once per connection (accept and close), never per request.
class connection_limits {
public:
    connection_limits(std::size_t total, std::size_t per_address) : max_total_(total), max_per_address_(per_address) {}

    bool try_acquire(const std::string& address) {
        std::lock_guard lock(mutex_);
        if (total_ >= max_total_) return false;
        auto& n = per_address_[address];
        if (n >= max_per_address_) {
            if (n == 0) per_address_.erase(address);
            return false;
        }
        ++n;
        ++total_;
        return true;
    }

    void release(const std::string& address) {
        std::lock_guard lock(mutex_);
        auto it = per_address_.find(address);
        if (it == per_address_.end()) return;
        if (--it->second == 0) per_address_.erase(it);
        --total_;
    }

private:
    std::mutex mutex_;
    std::size_t max_total_;
    std::size_t max_per_address_;
    std::size_t total_ = 0;
    std::unordered_map<std::string, std::size_t> per_address_;
};

struct worker;

// What a worker knows of one of its sessions, to end it on shutdown.
struct session_state {
    beast::tcp_stream* stream = nullptr;
    asio::steady_timer* sleep_timer = nullptr;
    bool idle = false;  // waiting for a request head: safe to cancel
};

class session_streamer final : public streamer {
public:
    session_streamer(beast::tcp_stream& stream, session_state& state, const server_options& options,
                     const std::atomic<bool>& stopping)
        : stream_(stream), state_(state), options_(options), stopping_(stopping) {}

    asio::awaitable<void> write(std::string_view bytes, error_code& ec) override {
        stream_.expires_after(options_.write_timeout);
        co_await asio::async_write(stream_, asio::buffer(bytes.data(), bytes.size()),
                                   asio::redirect_error(asio::use_awaitable, ec));
    }

    asio::awaitable<bool> sleep(std::chrono::milliseconds d) override {
        if (stopping_) co_return false;
        asio::steady_timer timer(stream_.get_executor(), d);
        state_.sleep_timer = &timer;
        error_code ec;
        co_await timer.async_wait(asio::redirect_error(asio::use_awaitable, ec));
        state_.sleep_timer = nullptr;
        co_return !stopping_;
    }

private:
    beast::tcp_stream& stream_;
    session_state& state_;
    const server_options& options_;
    const std::atomic<bool>& stopping_;
};

}  // namespace

struct server::impl {
    struct worker {
        int index = 0;
        asio::io_context ioc{1};
        tcp::acceptor acceptor{ioc};
        worker_setup setup;
        std::list<session_state*> sessions;
        std::atomic<bool> stopping{false};
        bool finished = false;
        asio::steady_timer grace_timer{ioc};
    };

    server_options options;
    server_hooks hooks;
    connection_limits limits;
    std::vector<std::unique_ptr<worker>> workers;
    std::vector<std::thread> threads;
    unsigned short bound_port = 0;

    impl(server_options o, server_hooks h)
        : options(std::move(o)), hooks(std::move(h)), limits(options.max_connections, options.max_connections_per_address) {}

    void report(std::string_view what, const error_code& ec) const {
        if (hooks.on_error) hooks.on_error(what, ec);
    }

    void bind(worker& w, unsigned short port) {
        tcp::endpoint ep(asio::ip::make_address(options.host), port);
        w.acceptor.open(ep.protocol());
        w.acceptor.set_option(asio::socket_base::reuse_address(true));
        using reuse_port = asio::detail::socket_option::boolean<SOL_SOCKET, SO_REUSEPORT>;
        w.acceptor.set_option(reuse_port(true));
        w.acceptor.bind(ep);
        w.acceptor.listen(asio::socket_base::max_listen_connections);
    }

    asio::awaitable<void> accept_loop(worker& w) {
        for (;;) {
            error_code ec;
            tcp::socket socket(w.ioc);
            co_await w.acceptor.async_accept(socket, asio::redirect_error(asio::use_awaitable, ec));
            if (w.stopping) co_return;
            if (ec) {
                report("accept", ec);
                if (ec == asio::error::operation_aborted || ec == asio::error::bad_descriptor) co_return;
                continue;
            }
            error_code peer_ec;
            auto peer = socket.remote_endpoint(peer_ec);
            if (peer_ec) continue;
            // A response is one write: never hold it back for Nagle while
            // the previous one on this connection awaits its ACK.
            socket.set_option(tcp::no_delay(true), peer_ec);
            std::string address = peer.address().to_string();
            if (!limits.try_acquire(address)) {
                asio::co_spawn(w.ioc, refuse(std::move(socket)), asio::detached);
                continue;
            }
            asio::co_spawn(w.ioc, session(w, beast::tcp_stream(std::move(socket)), std::move(address)),
                           asio::detached);
        }
    }

    // Over a connection cap: a short 503 and close, best effort.
    asio::awaitable<void> refuse(tcp::socket socket) {
        beast::tcp_stream stream(std::move(socket));
        auto res = json_error(status::service_unavailable, "too_many_connections", "连接数过多，请稍后再试", false);
        stream.expires_after(std::chrono::seconds(1));
        error_code ec;
        co_await bhttp::async_write(stream, res, asio::redirect_error(asio::use_awaitable, ec));
        stream.socket().shutdown(tcp::socket::shutdown_both, ec);
    }

    void finish(worker& w) {
        if (w.finished) return;
        w.finished = true;
        w.grace_timer.cancel();
        if (w.setup.on_stop) w.setup.on_stop();
    }

    void begin_shutdown(worker& w) {
        if (w.stopping.exchange(true)) return;
        error_code ec;
        w.acceptor.close(ec);
        for (auto* s : w.sessions) {
            if (s->idle && s->stream) s->stream->cancel();
            if (s->sleep_timer) s->sleep_timer->cancel();
        }
        if (w.sessions.empty()) {
            finish(w);
            return;
        }
        w.grace_timer.expires_after(options.shutdown_grace);
        w.grace_timer.async_wait([this, &w](error_code wait_ec) {
            if (wait_ec) return;
            report("shutdown grace expired", asio::error::timed_out);
            finish(w);
            w.ioc.stop();
        });
    }

    response error_reply(const request_context* ctx, status s, std::string_view code, std::string_view message) {
        auto res = json_error(s, code, message, false);
        if (hooks.decorate) hooks.decorate(ctx, res);
        return res;
    }

    asio::awaitable<void> write_response(beast::tcp_stream& stream, response& res, error_code& ec) {
        stream.expires_after(options.write_timeout);
        co_await bhttp::async_write(stream, res, asio::redirect_error(asio::use_awaitable, ec));
    }

    // After refusing a request whose body we will not read: stop sending,
    // swallow what the client still sends for a moment so it sees our
    // answer rather than a reset.
    asio::awaitable<void> close_gracefully(beast::tcp_stream& stream) {
        error_code ec;
        stream.socket().shutdown(tcp::socket::shutdown_send, ec);
        std::array<char, 16 * 1024> sink;
        std::size_t drained = 0;
        stream.expires_after(std::chrono::seconds(1));
        while (!ec && drained < 4 * 1024 * 1024) {
            drained += co_await stream.async_read_some(asio::buffer(sink), asio::redirect_error(asio::use_awaitable, ec));
        }
        stream.socket().close(ec);
    }

    asio::awaitable<void> session(worker& w, beast::tcp_stream stream, std::string address) {
        session_state state;
        state.stream = &stream;
        auto self_it = w.sessions.insert(w.sessions.end(), &state);
        co_await serve(w, stream, state, address);
        w.sessions.erase(self_it);
        limits.release(address);
        if (w.stopping && w.sessions.empty()) finish(w);
    }

    asio::awaitable<void> serve(worker& w, beast::tcp_stream& stream, session_state& state, const std::string& address) {
        beast::flat_buffer buffer;
        bool first = true;
        for (;;) {
            if (w.stopping) co_return;
            bhttp::request_parser<bhttp::empty_body> head;
            head.header_limit(static_cast<std::uint32_t>(options.header_limit));
            head.body_limit(boost::none);
            stream.expires_after(first ? options.read_timeout : options.idle_timeout);
            first = false;
            state.idle = true;
            error_code ec;
            co_await bhttp::async_read_header(stream, buffer, head, asio::redirect_error(asio::use_awaitable, ec));
            state.idle = false;
            if (ec == bhttp::error::header_limit) {
                auto res = error_reply(nullptr, status::request_header_fields_too_large, "header_too_large",
                                       "请求头过大");
                co_await write_response(stream, res, ec);
                co_await close_gracefully(stream);
                co_return;
            }
            if (ec) {
                // The parser's own errors mean a malformed request: say so.
                bool malformed = ec.category() == bhttp::make_error_code(bhttp::error::bad_target).category() &&
                                 ec != bhttp::error::end_of_stream && ec != bhttp::error::partial_message;
                if (malformed) {
                    auto res = error_reply(nullptr, status::bad_request, "bad_request", "请求格式错误");
                    co_await write_response(stream, res, ec);
                }
                co_return;
            }
            // A request head arrived: from here on we are a request in flight.
            auto started = std::chrono::steady_clock::now();
            const auto& target = head.get().target();
            std::string_view target_sv(target.data(), target.size());
            auto qpos = target_sv.find('?');
            std::string_view path = target_sv.substr(0, qpos);
            std::string_view query = qpos == std::string_view::npos ? std::string_view{} : target_sv.substr(qpos + 1);
            verb method = head.get().method();
            auto match = w.setup.routes->match(method, path);

            std::size_t limit = match.matched ? match.matched->options.body_limit : 0;
            bool has_body = head.get().has_content_length() || head.chunked();
            bool body_too_large = head.content_length() && *head.content_length() > limit;

            bhttp::request_parser<bhttp::string_body> parser(std::move(head));
            parser.body_limit(limit);
            if (!parser.is_done() && match.matched && !body_too_large) {
                stream.expires_after(options.read_timeout);
                co_await bhttp::async_read(stream, buffer, parser, asio::redirect_error(asio::use_awaitable, ec));
                if (ec == bhttp::error::body_limit) {
                    body_too_large = true;
                } else if (ec) {
                    co_return;
                }
            }
            const request& req = parser.get();
            request_context ctx{req, path, query, std::move(match.params), address, address, w.index};
            if (hooks.resolve_client) hooks.resolve_client(ctx);

            reply out;
            bool close_after = false;
            std::string_view route_name;
            if (!match.matched) {
                if (match.path_known) {
                    out.res = json_error(status::method_not_allowed, "method_not_allowed", "不支持该请求方法");
                    out.res.set(field::allow, w.setup.routes->allowed_methods(path));
                } else {
                    out.res = json_error(status::not_found, "not_found", "页面不存在");
                }
                close_after = has_body && !parser.is_done();
            } else if (body_too_large) {
                route_name = match.matched->pattern;
                out.res = json_error(status::payload_too_large, "body_too_large", "请求体过大");
                close_after = true;
            } else {
                route_name = match.matched->pattern;
                try {
                    out = co_await match.matched->fn(ctx);
                } catch (const std::exception& e) {
                    report(std::string("handler ") + e.what(), asio::error::fault);
                    out = reply(json_error(status::internal_server_error, "internal", "服务器内部错误"));
                }
            }
            response& res = out.res;
            res.version(req.version());
            if (close_after || w.stopping || !req.keep_alive()) res.keep_alive(false);
            else if (!out.stream) res.keep_alive(true);
            if (hooks.decorate) hooks.decorate(&ctx, res);

            if (out.stream) {
                res.keep_alive(false);
                bhttp::response_serializer<bhttp::string_body> sr(res);
                stream.expires_after(options.write_timeout);
                co_await bhttp::async_write_header(stream, sr, asio::redirect_error(asio::use_awaitable, ec));
                complete(w, ctx, route_name, res, started);
                if (ec) co_return;
                session_streamer streamer(stream, state, options, w.stopping);
                stream.expires_never();
                co_await out.stream(streamer);
                co_return;
            }
            if (method == verb::head) {
                auto size = res.body().size();
                res.body().clear();
                res.content_length(size);
            } else {
                res.prepare_payload();
            }
            co_await write_response(stream, res, ec);
            complete(w, ctx, route_name, res, started);
            if (ec) co_return;
            if (close_after) {
                co_await close_gracefully(stream);
                co_return;
            }
            if (!res.keep_alive()) {
                stream.socket().shutdown(tcp::socket::shutdown_send, ec);
                co_return;
            }
        }
    }

    void complete(worker& w, const request_context& ctx, std::string_view route_name, const response& res,
                  std::chrono::steady_clock::time_point started) {
        if (!hooks.on_complete) return;
        access_record rec;
        rec.method = bhttp::to_string(ctx.req.method());
        rec.path = ctx.path;
        rec.route = route_name;
        rec.status = res.result_int();
        rec.duration = std::chrono::steady_clock::now() - started;
        rec.client_address = ctx.client_address;
        rec.bytes = res.body().size();
        rec.worker = w.index;
        hooks.on_complete(rec);
    }
};

server::server(server_options options, server_hooks hooks)
    : impl_(std::make_unique<impl>(std::move(options), std::move(hooks))) {}

server::~server() {
    shutdown();
    wait();
}

void server::start() {
    auto& d = *impl_;
    int n = std::max(1, d.options.threads);
    for (int i = 0; i < n; ++i) {
        auto w = std::make_unique<impl::worker>();
        w->index = i;
        d.bind(*w, d.bound_port ? d.bound_port : d.options.port);
        if (!d.bound_port) d.bound_port = w->acceptor.local_endpoint().port();
        d.workers.push_back(std::move(w));
    }
    for (auto& w : d.workers) {
        w->setup = d.hooks.make_worker(w->ioc, w->index);
        asio::co_spawn(w->ioc, d.accept_loop(*w), asio::detached);
    }
    for (auto& w : d.workers) {
        d.threads.emplace_back([&ioc = w->ioc] { ioc.run(); });
    }
}

void server::shutdown() {
    for (auto& w : impl_->workers) {
        asio::post(w->ioc, [this, wp = w.get()] { impl_->begin_shutdown(*wp); });
    }
}

void server::wait() {
    for (auto& t : impl_->threads)
        if (t.joinable()) t.join();
    impl_->threads.clear();
}

unsigned short server::port() const { return impl_->bound_port; }

}  // namespace pingyi::http
