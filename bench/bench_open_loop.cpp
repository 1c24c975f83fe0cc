// An open-loop load generator for ballots (wrk is closed-loop: a slow answer
// delays the next request, so its latencies hide queueing — "coordinated
// omission"). Request k is due at start + k / rate whatever the answers do;
// each connection pipelines its share, and a latency is measured from the
// moment the request was due, not from when it was sent.
//
// bench_open_loop --port P --cid C --voters FILE [--rate 5000] [--seconds 10]
//                 [--connections 50] [--units 5]
#include <deque>
#include <iostream>
#include <map>
#include <memory>
#include <random>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/string_body.hpp>

#include "bench/latency.hpp"
#include "bench/options.hpp"
#include "bench/voters.hpp"

namespace pingyi::bench {
namespace {

namespace asio = boost::asio;
namespace bhttp = boost::beast::http;
using tcp = asio::ip::tcp;
using clock = std::chrono::steady_clock;

struct plan {
    std::string cid;
    std::vector<voter_cookies> voters;
    int units = 5;
    double rate = 5000;
    clock::time_point start;
    clock::time_point end;
    long long connections = 50;
};

struct totals {
    latency_record latency;
    std::map<int, long long> statuses;
    long long sent = 0;
    long long broken = 0;  // connections that failed before all their answers came
};

std::string ballot_request(const plan& p, const voter_cookies& v, int unit) {
    char body[64];
    int n = std::snprintf(body, sizeof body, "{\"units\":[\"u%02d\"]}", unit);
    return "POST /api/v1/campaigns/" + p.cid + "/ballots HTTP/1.1\r\nHost: 127.0.0.1\r\n"
           "Content-Type: application/json\r\nUser-Agent: Mozilla/5.0 MicroMessenger/8.0 bench\r\n"
           "Cookie: " + cookie_header(v) + "\r\nX-CSRF-Token: " + v.csrf + "\r\nContent-Length: " +
           std::to_string(n) + "\r\n\r\n" + std::string(body, static_cast<std::size_t>(n));
}

struct connection {
    explicit connection(tcp::socket s) : socket(std::move(s)) {}
    tcp::socket socket;
    std::deque<clock::time_point> due;  // of the requests sent and not yet answered
};

asio::awaitable<void> send_loop(const plan& p, totals& t, std::shared_ptr<connection> conn, long long index) {
    auto& c = *conn;
    std::mt19937 random(static_cast<unsigned>(index));
    std::uniform_int_distribution<int> unit(1, p.units);
    asio::steady_timer timer(c.socket.get_executor());
    for (long long j = 0;; ++j) {
        long long k = index + j * p.connections;
        auto at = p.start + std::chrono::nanoseconds(static_cast<long long>(static_cast<double>(k) * 1e9 / p.rate));
        if (at >= p.end) break;
        timer.expires_at(at);
        co_await timer.async_wait(asio::use_awaitable);
        auto bytes = ballot_request(p, p.voters[static_cast<std::size_t>(k) % p.voters.size()], unit(random));
        c.due.push_back(at);
        ++t.sent;
        boost::system::error_code ec;
        co_await asio::async_write(c.socket, asio::buffer(bytes), asio::redirect_error(asio::use_awaitable, ec));
        if (ec) co_return;
    }
    // No more requests: the server answers what it has, then closes.
    boost::system::error_code ec;
    c.socket.shutdown(tcp::socket::shutdown_send, ec);
}

asio::awaitable<void> read_loop(totals& t, connection& c) {
    boost::beast::flat_buffer buffer;
    for (;;) {
        bhttp::response_parser<bhttp::string_body> parser;
        boost::system::error_code ec;
        co_await bhttp::async_read(c.socket, buffer, parser, asio::redirect_error(asio::use_awaitable, ec));
        if (ec) break;
        auto now = clock::now();
        if (c.due.empty()) break;
        t.latency.add(now - c.due.front());
        c.due.pop_front();
        ++t.statuses[parser.get().result_int()];
    }
    if (!c.due.empty()) ++t.broken;
}

asio::awaitable<void> run_connection(const plan& p, totals& t, long long index, unsigned short port) {
    // Shared with the sender, which may outlive a connection the server broke.
    auto c = std::make_shared<connection>(tcp::socket(co_await asio::this_coro::executor));
    boost::system::error_code ec;
    co_await c->socket.async_connect(tcp::endpoint(asio::ip::make_address("127.0.0.1"), port),
                                    asio::redirect_error(asio::use_awaitable, ec));
    if (ec) {
        ++t.broken;
        co_return;
    }
    c->socket.set_option(tcp::no_delay(true));
    asio::co_spawn(c->socket.get_executor(), send_loop(p, t, c, index), asio::detached);
    co_await read_loop(t, *c);
}

int run(const options& o) {
    plan p;
    p.cid = o.text("cid");
    p.voters = read_voters(o.text("voters"));
    p.units = static_cast<int>(o.number("units", 5));
    p.rate = static_cast<double>(o.number("rate", 5000));
    p.connections = o.number("connections", 50);
    auto seconds = o.number("seconds", 10);
    auto port = static_cast<unsigned short>(o.number("port", 0));

    asio::io_context ioc(1);
    totals t;
    // Connect first, start the clock a moment later.
    p.start = clock::now() + std::chrono::milliseconds(200);
    p.end = p.start + std::chrono::seconds(seconds);
    for (long long i = 0; i < p.connections; ++i) asio::co_spawn(ioc, run_connection(p, t, i, port), asio::detached);
    ioc.run();
    auto elapsed = std::chrono::duration<double>(clock::now() - p.start).count();

    long long answered = 0;
    for (auto [s, n] : t.statuses) answered += n;
    std::cout << "open-loop ballots: target " << p.rate << "/s for " << seconds << " s over " << p.connections
              << " connections; sent " << t.sent << ", answered " << answered << " in " << elapsed << " s\n";
    std::cout << "statuses:";
    for (auto [s, n] : t.statuses) std::cout << ' ' << s << '=' << n;
    std::cout << "\nlatency from the due time (ms): p50 " << t.latency.percentile_ms(50) << ", p90 "
              << t.latency.percentile_ms(90) << ", p99 " << t.latency.percentile_ms(99) << ", p99.9 "
              << t.latency.percentile_ms(99.9) << ", max " << t.latency.max_ms() << '\n';
    std::cout << "RESULT rate=" << p.rate << " answered=" << answered << " p50_ms=" << t.latency.percentile_ms(50)
              << " p99_ms=" << t.latency.percentile_ms(99) << " max_ms=" << t.latency.max_ms()
              << " broken=" << t.broken << '\n';
    return t.broken == 0 && answered == t.sent ? 0 : 1;
}

}  // namespace
}  // namespace pingyi::bench

int main(int argc, char** argv) { return pingyi::bench::run_tool("bench_open_loop", argc, argv, pingyi::bench::run); }
