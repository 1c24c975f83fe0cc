#include "redis/connection.hpp"

#include <algorithm>
#include <array>
#include <deque>
#include <optional>
#include <random>

#include <boost/asio/any_completion_handler.hpp>
#include <boost/asio/as_tuple.hpp>
#include <boost/asio/associated_cancellation_slot.hpp>
#include <boost/asio/cancellation_type.hpp>
#include <boost/asio/async_result.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/connect.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/experimental/awaitable_operators.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>

#include "redis/command.hpp"
#include "redis/reader.hpp"

namespace pingyi::redis {

namespace asio = boost::asio;
using asio::awaitable;
using asio::ip::tcp;
using boost::system::error_code;
using clock_type = std::chrono::steady_clock;
using namespace asio::experimental::awaitable_operators;

namespace {

constexpr auto use_tuple = asio::as_tuple(asio::use_awaitable);

// One exec or exec_many: its encoded commands and, as they arrive, replies.
struct request {
    std::string payload;
    std::size_t expected = 1;
    std::size_t received = 0;  // replies read, including those dropped after abandon
    std::vector<result> results;
    clock_type::time_point sent_at;
    // optional: Boost 1.81's any_completion_handler move-assignment recurses
    // forever, so it is only ever move-constructed (emplace).
    std::optional<asio::any_completion_handler<void()>> handler;
};
using request_ptr = std::shared_ptr<request>;

}  // namespace

class connection::impl {
public:
    impl(asio::any_io_executor ex, connection_options opts)
        : ex_(std::move(ex)), opts_(std::move(opts)), socket_(ex_), resolver_(ex_), wake_(ex_), watchdog_(ex_),
          backoff_(ex_), rng_(std::random_device{}()) {}

    bool up() const { return up_; }
    error_code last_error() const { return last_error_; }
    std::string server() const { return target_.host + ":" + std::to_string(target_.port); }

    void start(std::shared_ptr<impl> self) {
        if (started_) return;
        started_ = true;
        asio::co_spawn(ex_, run(std::move(self)), asio::detached);
    }

    void stop() {
        if (stopped_) return;
        stopped_ = true;
        end_session(error::stopped);
        resolver_.cancel();
        backoff_.cancel();
    }

    // Queues req and suspends until it has all its replies or failed. A
    // cancelled caller (e.g. `exec || timer`) is let go at once.
    auto submit(request_ptr req) {
        return asio::async_initiate<const asio::use_awaitable_t<>&, void()>(
            [this, req](asio::any_completion_handler<void()> handler) {
                auto slot = asio::get_associated_cancellation_slot(handler);
                req->handler.emplace(std::move(handler));
                // Left installed after completion (clearing it from inside its
                // own emit would destroy it mid-call); it is then harmless: a
                // live request implies a live impl, and abandon is idempotent.
                if (slot.is_connected())
                    slot.assign([this, weak = std::weak_ptr<request>(req)](asio::cancellation_type) {
                        if (auto r = weak.lock()) abandon(r);
                    });
                enqueue(req);
            },
            asio::use_awaitable);
    }

private:
    void enqueue(const request_ptr& req) {
        if (!up_) {
            fail(*req, error::not_connected);
            return;
        }
        pending_.push_back(req);
        if (writer_idle_) wake_.cancel();
    }

    // A queued request simply leaves the queue; a written one stays in
    // in_flight_ so its replies, when they come, are matched and dropped.
    void abandon(const request_ptr& req) {
        auto queued = std::find(pending_.begin(), pending_.end(), req);
        if (queued != pending_.end()) pending_.erase(queued);
        fail(*req, asio::error::operation_aborted);
    }

    // Missing replies become ec; replies already received stay (for
    // EVALSHA + WAIT, knowing the script ran matters).
    void fail(request& req, error_code ec) {
        while (req.results.size() < req.expected) req.results.push_back(result{ec, reply()});
        complete(req);
    }

    // Resumes the caller from the executor, never from inside our loops.
    // Idempotent: an abandoned request completes before its replies arrive.
    void complete(request& req) {
        if (!req.handler) return;
        asio::post(ex_, std::move(*req.handler));
        req.handler.reset();
    }

    // Every request fails, the socket closes, and the loops wind down; the
    // run loop then reconnects (unless stopped).
    void end_session(error_code why) {
        last_error_ = why;
        up_ = false;
        for (auto& req : in_flight_) fail(*req, why);
        for (auto& req : pending_) fail(*req, why);
        in_flight_.clear();
        pending_.clear();
        error_code ignored;
        socket_.close(ignored);
        wake_.cancel();
        watchdog_.cancel();
    }

    // The parameter keeps the impl alive until the loop ends.
    awaitable<void> run(std::shared_ptr<impl> /*self*/) {
        int failures = 0;
        while (!stopped_) {
            error_code ec = co_await connect_with_deadline();
            if (!ec && !stopped_) {
                failures = 0;
                up_ = true;
                co_await (read_loop() || write_loop() || watchdog_loop());
            } else if (ec) {
                last_error_ = ec;
                ++failures;
                error_code ignored;
                socket_.close(ignored);
            }
            if (stopped_) break;
            backoff_.expires_after(backoff_delay(failures));
            co_await backoff_.async_wait(use_tuple);
        }
    }

    std::chrono::milliseconds backoff_delay(int failures) {
        auto delay = opts_.backoff_min * (1LL << std::min(failures, 20));
        delay = std::min<std::chrono::milliseconds>(delay, opts_.backoff_max);
        // Jitter in [delay/2, delay], so a fleet restarting together spreads out.
        std::uniform_int_distribution<long long> pick(delay.count() / 2, delay.count());
        return std::chrono::milliseconds(pick(rng_));
    }

    // Where to connect this time: the configured endpoint, or with Sentinel
    // the master the sentinels name now, with the configured credentials.
    awaitable<error_code> resolve_target() {
        target_ = opts_.endpoint;
        if (!opts_.sentinel.enabled()) co_return error_code();
        master_address master = co_await discover_master(ex_, opts_.sentinel);
        if (master.ec) co_return master.ec;
        target_.host = std::move(master.host);
        target_.port = master.port;
        co_return error_code();
    }

    awaitable<error_code> connect_with_deadline() {
        // Discovery has its own per-sentinel timeouts, outside the deadline.
        error_code discovery_ec = co_await resolve_target();
        if (discovery_ec) co_return discovery_ec;
        if (stopped_) co_return error::stopped;
        asio::steady_timer deadline(ex_);
        deadline.expires_after(opts_.connect_timeout);
        auto outcome = co_await (connect_and_handshake() || deadline.async_wait(use_tuple));
        if (outcome.index() == 1) co_return error::timeout;
        co_return std::get<0>(outcome);
    }

    awaitable<error_code> connect_and_handshake() {
        const endpoint_config& target = target_;
        socket_ = tcp::socket(ex_);
        reader_ = reader();
        auto [resolve_ec, endpoints] = co_await resolver_.async_resolve(target.host, std::to_string(target.port), use_tuple);
        if (resolve_ec) co_return resolve_ec;
        auto [connect_ec, endpoint] = co_await asio::async_connect(socket_, endpoints, use_tuple);
        if (connect_ec) co_return connect_ec;
        error_code ignored;
        socket_.set_option(tcp::no_delay(true), ignored);
        error_code ec = co_await handshake(target);
        co_return ec;
    }

    // AUTH, SELECT, ROLE (with Sentinel) and SCRIPT LOAD in one round trip;
    // any error reply fails the connection attempt, and so does a ROLE that
    // is not master.
    awaitable<error_code> handshake(const endpoint_config& target) {
        std::string out;
        std::size_t count = 0;
        if (!target.password.empty()) {
            if (target.username.empty())
                append_command(out, {"AUTH", target.password});
            else
                append_command(out, {"AUTH", target.username, target.password});
            ++count;
        }
        if (target.db != 0) {
            append_command(out, {"SELECT", std::to_string(target.db)});
            ++count;
        }
        std::size_t role_index = count;
        if (opts_.sentinel.enabled()) {
            append_command(out, {"ROLE"});
            ++count;
        }
        for (const script* s : opts_.scripts) {
            append_command(out, {"SCRIPT", "LOAD", s->source()});
            ++count;
        }
        if (count == 0) co_return error_code();
        auto [write_ec, written] = co_await asio::async_write(socket_, asio::buffer(out), use_tuple);
        if (write_ec) co_return write_ec;
        for (std::size_t i = 0; i < count; ++i) {
            reply r;
            error_code ec = co_await read_one(r);
            if (ec) co_return ec;
            if (opts_.sentinel.enabled() && i == role_index && !is_master_role(r)) co_return sentinel_error::not_master;
            if (r.is_error()) co_return error::handshake;
        }
        co_return error_code();
    }

    // Next whole reply, reading as needed (handshake only; sessions use read_loop).
    awaitable<error_code> read_one(reply& out) {
        for (;;) {
            auto status = reader_.next(out);
            if (status == reader::status::reply) co_return error_code();
            if (status == reader::status::error) co_return error::protocol;
            auto [ec, n] = co_await socket_.async_read_some(asio::buffer(read_buffer_), use_tuple);
            if (ec) co_return ec;
            reader_.feed({read_buffer_.data(), n});
        }
    }

    awaitable<void> read_loop() {
        reply r;
        for (;;) {
            auto [ec, n] = co_await socket_.async_read_some(asio::buffer(read_buffer_), use_tuple);
            if (!up_) co_return;
            if (ec) {
                end_session(error::connection_lost);
                co_return;
            }
            reader_.feed({read_buffer_.data(), n});
            for (;;) {
                auto status = reader_.next(r);
                if (status == reader::status::incomplete) break;
                if (status == reader::status::error || in_flight_.empty()) {
                    end_session(error::protocol);
                    co_return;
                }
                request& front = *in_flight_.front();
                // A demoted master: this command did not run, nor will any
                // write after it; reconnect to whoever the sentinels name.
                bool demoted = opts_.sentinel.enabled() && is_not_master_error(r);
                error_code reply_ec = demoted ? make_error_code(sentinel_error::not_master) : error_code();
                if (front.handler) front.results.push_back(result{reply_ec, std::move(r)});
                if (++front.received == front.expected) {
                    complete(front);
                    in_flight_.pop_front();
                }
                if (demoted) {
                    end_session(sentinel_error::not_master);
                    co_return;
                }
            }
        }
    }

    awaitable<void> write_loop() {
        for (;;) {
            if (pending_.empty()) {
                wake_.expires_at(clock_type::time_point::max());
                writer_idle_ = true;
                co_await wake_.async_wait(use_tuple);
                writer_idle_ = false;
                if (!up_) co_return;
                continue;
            }
            // Coalesce everything waiting into one write.
            write_buffer_.clear();
            auto now = clock_type::now();
            for (auto& req : pending_) {
                write_buffer_ += req->payload;
                req->sent_at = now;
                in_flight_.push_back(std::move(req));
            }
            pending_.clear();
            auto [ec, written] = co_await asio::async_write(socket_, asio::buffer(write_buffer_), use_tuple);
            if (!up_) co_return;
            if (ec) {
                end_session(error::connection_lost);
                co_return;
            }
        }
    }

    // Replies come in order, so if the oldest in-flight command is late,
    // everything behind it is stuck too: break the connection.
    awaitable<void> watchdog_loop() {
        for (;;) {
            auto deadline = in_flight_.empty() ? clock_type::now() + opts_.command_timeout
                                               : in_flight_.front()->sent_at + opts_.command_timeout;
            watchdog_.expires_at(deadline);
            co_await watchdog_.async_wait(use_tuple);
            if (!up_) co_return;
            if (!in_flight_.empty() && in_flight_.front()->sent_at + opts_.command_timeout <= clock_type::now()) {
                end_session(error::timeout);
                co_return;
            }
        }
    }

    asio::any_io_executor ex_;
    connection_options opts_;
    endpoint_config target_;  // where the current session is (resolve_target)
    tcp::socket socket_;
    tcp::resolver resolver_;
    asio::steady_timer wake_;      // the idle writer waits on it; enqueue cancels it
    asio::steady_timer watchdog_;  // command_timeout of the oldest in-flight request
    asio::steady_timer backoff_;
    reader reader_;
    std::array<char, 64 * 1024> read_buffer_{};
    std::string write_buffer_;
    std::deque<request_ptr> pending_;    // queued, not yet written
    std::deque<request_ptr> in_flight_;  // written, replies expected in this order
    std::minstd_rand rng_;
    error_code last_error_;
    bool started_ = false;
    bool stopped_ = false;
    bool up_ = false;
    bool writer_idle_ = false;
};

connection::connection(asio::any_io_executor ex, connection_options opts)
    : impl_(std::make_shared<impl>(std::move(ex), std::move(opts))) {}

connection::~connection() { impl_->stop(); }

void connection::start() { impl_->start(impl_); }
void connection::stop() { impl_->stop(); }
bool connection::is_up() const { return impl_->up(); }
error_code connection::last_error() const { return impl_->last_error(); }
std::string connection::server() const { return impl_->server(); }

awaitable<std::vector<result>> connection::exec_many(std::vector<std::vector<std::string>> cmds) {
    auto self = impl_;  // the caller may destroy the connection while we wait
    auto req = std::make_shared<request>();
    req->expected = cmds.size();
    req->results.reserve(cmds.size());
    if (cmds.empty()) co_return std::vector<result>();
    for (const auto& cmd : cmds) append_command(req->payload, cmd);
    co_await self->submit(req);
    co_return std::move(req->results);
}

awaitable<result> connection::exec(std::vector<std::string> args) {
    auto self = impl_;
    auto req = std::make_shared<request>();
    append_command(req->payload, args);
    co_await self->submit(req);
    co_return std::move(req->results.front());
}

awaitable<result> connection::eval(const script& s, std::vector<std::string> keys, std::vector<std::string> args) {
    std::vector<std::string> evalsha;
    evalsha.reserve(3 + keys.size() + args.size());
    evalsha.push_back("EVALSHA");
    evalsha.push_back(s.sha());
    evalsha.push_back(std::to_string(keys.size()));
    std::move(keys.begin(), keys.end(), std::back_inserter(evalsha));
    std::move(args.begin(), args.end(), std::back_inserter(evalsha));
    result first = co_await exec(evalsha);
    if (first.ec || !first.value.is_error() || !first.value.str().starts_with("NOSCRIPT")) co_return first;
    // Redis lost its script cache (restart, failover, SCRIPT FLUSH).
    std::vector<std::vector<std::string>> reload{{"SCRIPT", "LOAD", s.source()}, std::move(evalsha)};
    std::vector<result> results = co_await exec_many(std::move(reload));
    if (results[0].ec || results[0].value.is_error()) co_return std::move(results[0]);
    co_return std::move(results[1]);
}

}  // namespace pingyi::redis
