// redis_client_bench --port P [--host H] [--clients N] [--seconds S] [--command incr|set]
//
// N coroutines share one pingyi::redis::connection on one thread, each
// looping one command (INCR of one key, or SET of its own key) as fast as
// replies come back; prints the rate. bench/redis_client.sh compares it with
// redis-benchmark at the same number of commands in flight.
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

#include <sys/resource.h>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>

#include "redis/connection.hpp"

namespace asio = boost::asio;
using pingyi::redis::connection;
using pingyi::redis::result;

namespace {

struct settings {
    std::string host = "127.0.0.1";
    int port = 6379;
    int clients = 800;
    int seconds = 10;
    std::string command = "incr";
};

struct counters {
    bool stop = false;
    long long ops = 0;
    long long failures = 0;
    int finished = 0;
};

[[noreturn]] void usage() {
    std::fprintf(stderr,
                 "usage: redis_client_bench --port P [--host H] [--clients N] [--seconds S] [--command incr|set]\n");
    std::exit(2);
}

settings parse(int argc, char** argv) {
    settings s;
    for (int i = 1; i < argc; ++i) {
        if (i + 1 >= argc) usage();
        std::string flag = argv[i];
        std::string value = argv[++i];
        if (flag == "--host")
            s.host = value;
        else if (flag == "--port")
            s.port = std::atoi(value.c_str());
        else if (flag == "--clients")
            s.clients = std::atoi(value.c_str());
        else if (flag == "--seconds")
            s.seconds = std::atoi(value.c_str());
        else if (flag == "--command")
            s.command = value;
        else
            usage();
    }
    if (s.port <= 0 || s.clients <= 0 || s.seconds <= 0 || (s.command != "incr" && s.command != "set")) usage();
    return s;
}

asio::awaitable<void> client(connection& c, std::vector<std::string> cmd, counters& count) {
    while (!count.stop) {
        result r = co_await c.exec(cmd);
        if (r.ec || r.value.is_error())
            ++count.failures;
        else
            ++count.ops;
    }
    ++count.finished;
}

asio::awaitable<void> stop_after(std::chrono::seconds duration, counters& count) {
    asio::steady_timer timer(co_await asio::this_coro::executor);
    timer.expires_after(duration);
    co_await timer.async_wait(asio::use_awaitable);
    count.stop = true;
}

}  // namespace

int main(int argc, char** argv) {
    settings s = parse(argc, argv);
    asio::io_context ioc(BOOST_ASIO_CONCURRENCY_HINT_1);
    pingyi::redis::connection_options opts;
    opts.endpoint.host = s.host;
    opts.endpoint.port = s.port;
    connection c(ioc.get_executor(), opts);
    c.start();
    auto give_up = std::chrono::steady_clock::now() + std::chrono::seconds(5);
    while (!c.is_up() && std::chrono::steady_clock::now() < give_up) ioc.run_one_for(std::chrono::milliseconds(50));
    if (!c.is_up()) {
        std::fprintf(stderr, "redis_client_bench: cannot connect to %s:%d (%s)\n", s.host.c_str(), s.port,
                     c.last_error().message().c_str());
        return 1;
    }

    counters count;
    for (int i = 0; i < s.clients; ++i) {
        std::vector<std::string> cmd{"INCR", "bench:counter"};
        if (s.command == "set") cmd = {"SET", "bench:" + std::to_string(i), "xxx"};
        asio::co_spawn(ioc, client(c, std::move(cmd), count), asio::detached);
    }
    asio::co_spawn(ioc, stop_after(std::chrono::seconds(s.seconds), count), asio::detached);
    auto start = std::chrono::steady_clock::now();
    while (count.finished < s.clients) ioc.run_one();
    double elapsed = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    c.stop();
    ioc.run();

    // CPU time says whether the client or Redis was the limit on a shared box.
    rusage usage{};
    getrusage(RUSAGE_SELF, &usage);
    double cpu = static_cast<double>(usage.ru_utime.tv_sec + usage.ru_stime.tv_sec) +
                 static_cast<double>(usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / 1e6;
    std::printf("clients=%d command=%s seconds=%.2f ops=%lld failures=%lld ops_per_sec=%.0f cpu_seconds=%.2f "
                "cpu_us_per_op=%.3f\n",
                s.clients, s.command.c_str(), elapsed, count.ops, count.failures,
                static_cast<double>(count.ops) / elapsed, cpu, count.ops > 0 ? cpu * 1e6 / static_cast<double>(count.ops) : 0.0);
    return count.failures == 0 ? 0 : 1;
}
