// Opens N keep-alive connections to the server, sends one GET /healthz on
// each so that each is a live session waiting for its next request, and
// reports the server's resident memory (VmRSS) before and after.
//
// bench_connections --port P --pid SERVER_PID [--connections 10000] [--hold-seconds 2]
#include <sys/resource.h>
#include <sys/socket.h>

#include <fstream>
#include <iostream>
#include <memory>
#include <thread>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/string_body.hpp>

#include "bench/options.hpp"

namespace pingyi::bench {
namespace {

namespace asio = boost::asio;
namespace bhttp = boost::beast::http;
using tcp = asio::ip::tcp;

long long rss_kib(long long pid) {
    std::ifstream in("/proc/" + std::to_string(pid) + "/status");
    std::string line;
    while (std::getline(in, line))
        if (line.starts_with("VmRSS:")) return std::stoll(line.substr(6));
    return -1;
}

// One connection that has had one answer and stays open; ok counts them.
asio::awaitable<void> open_one(tcp::socket& socket, unsigned short port, long long& ok) {
    boost::system::error_code ec;
    co_await socket.async_connect(tcp::endpoint(asio::ip::make_address("127.0.0.1"), port),
                                  asio::redirect_error(asio::use_awaitable, ec));
    if (ec) co_return;
    static const std::string request = "GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n";
    co_await asio::async_write(socket, asio::buffer(request), asio::redirect_error(asio::use_awaitable, ec));
    if (ec) co_return;
    boost::beast::flat_buffer buffer;
    bhttp::response<bhttp::string_body> res;
    co_await bhttp::async_read(socket, buffer, res, asio::redirect_error(asio::use_awaitable, ec));
    if (!ec && res.result_int() == 200 && res.keep_alive()) ++ok;
}

// Connections the server still holds open: a peek that would block.
long long still_open(std::vector<std::unique_ptr<tcp::socket>>& sockets) {
    long long n = 0;
    for (auto& s : sockets) {
        char byte;
        if (!s->is_open()) continue;
        auto r = ::recv(s->native_handle(), &byte, 1, MSG_PEEK | MSG_DONTWAIT);
        if (r < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) ++n;
    }
    return n;
}

int run(const options& o) {
    auto port = static_cast<unsigned short>(o.number("port", 0));
    auto pid = o.number("pid", 0);
    auto n = o.number("connections", 10000);
    rlimit files{};
    getrlimit(RLIMIT_NOFILE, &files);
    files.rlim_cur = files.rlim_max;
    setrlimit(RLIMIT_NOFILE, &files);
    if (static_cast<long long>(files.rlim_cur) < n + 100) {
        std::cerr << "bench_connections: the open-files limit (" << files.rlim_cur << ") is too low for " << n << '\n';
        return 2;
    }

    auto before = rss_kib(pid);
    asio::io_context ioc(1);
    std::vector<std::unique_ptr<tcp::socket>> sockets;
    long long ok = 0;
    // In batches, so the listen backlog never overflows.
    for (long long done = 0; done < n;) {
        auto batch = std::min<long long>(500, n - done);
        for (long long i = 0; i < batch; ++i) {
            sockets.push_back(std::make_unique<tcp::socket>(ioc));
            asio::co_spawn(ioc, open_one(*sockets.back(), port, ok), asio::detached);
        }
        ioc.run();
        ioc.restart();
        done += batch;
    }
    std::this_thread::sleep_for(std::chrono::seconds(o.number("hold-seconds", 2)));
    auto after = rss_kib(pid);
    auto open = still_open(sockets);
    std::cout << "connections: " << ok << " of " << n << " answered and kept alive, " << open
              << " still open at the measurement\n";
    std::cout << "server VmRSS: " << before / 1024.0 << " MiB before, " << after / 1024.0 << " MiB with them open ("
              << (after - before) * 1024.0 / static_cast<double>(std::max<long long>(open, 1))
              << " bytes per connection)\n";
    std::cout << "RESULT connections=" << open << " rss_before_kib=" << before << " rss_kib=" << after << '\n';
    return ok == n && open == n ? 0 : 1;
}

}  // namespace
}  // namespace pingyi::bench

int main(int argc, char** argv) { return pingyi::bench::run_tool("bench_connections", argc, argv, pingyi::bench::run); }
