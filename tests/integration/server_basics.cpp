// The server's skeleton against real sockets: limits, timeouts, caps,
// start-up errors and graceful shutdown.
#include <doctest/doctest.h>

#include <chrono>
#include <csignal>
#include <future>
#include <thread>

#include <sys/wait.h>

#include "tests/support/http_client.hpp"
#include "tests/support/server_process.hpp"

using namespace pingyi::test;

TEST_CASE("a short secret outside dev mode stops the server with a reason") {
    std::string out;
    int code = run_server_expecting_exit({{"PINGYI_SECRET", "short"}, {"PINGYI_PSEUDONYM_KEY", "also-short"}}, {}, out);
    CHECK(code == 2);
    CHECK(out.find("PINGYI_SECRET 太短") != std::string::npos);
    code = run_server_expecting_exit({{"PINGYI_DEV", "1"}}, {"--bogus"}, out);
    CHECK(code == 2);
}

TEST_CASE("healthz, JSON 404 and 405, metrics") {
    server_process server;
    auto r = http_request(server.port(), "GET", "/healthz");
    CHECK(r.status == 200);
    r = http_request(server.port(), "GET", "/no/such/thing");
    CHECK(r.status == 404);
    CHECK(r.body.find("\"code\":\"not_found\"") != std::string::npos);
    r = http_request(server.port(), "DELETE", "/healthz");
    CHECK(r.status == 405);
    CHECK(r.header("allow") == "GET");
    // A request is counted once its answer is written, which may be a moment
    // after the client has read it (another worker may serve /metrics).
    const std::string healthz_line = "pingyi_http_requests_total{route=\"/healthz\",status=\"200\"} 1";
    const std::string unmatched_line = "pingyi_http_requests_total{route=\"unmatched\",status=\"404\"} 1";
    auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
    do {
        r = http_request(server.port(), "GET", "/metrics");
        REQUIRE(r.status == 200);
    } while ((r.body.find(healthz_line) == std::string::npos || r.body.find(unmatched_line) == std::string::npos) &&
             std::chrono::steady_clock::now() < deadline);
    CHECK(r.body.find(healthz_line) != std::string::npos);
    CHECK(r.body.find(unmatched_line) != std::string::npos);
    CHECK(r.body.find("pingyi_http_request_duration_seconds_bucket") != std::string::npos);
    // The access log is JSON, one line a request.
    CHECK(server.log().find("\"msg\":\"request\"") != std::string::npos);
}

TEST_CASE("an oversized body gets 413 before the connection closes") {
    server_process server;
    std::string big(2 * 1024 * 1024, 'x');
    auto r = http_request(server.port(), "GET", "/healthz", big);
    CHECK(r.status == 413);
    CHECK(r.body.find("body_too_large") != std::string::npos);
}

TEST_CASE("oversized headers get 431, garbage gets 400") {
    server_process server;
    auto r = http_request(server.port(), "GET", "/healthz", {}, {{"X-Big", std::string(20000, 'a')}});
    CHECK(r.status == 431);
    raw_connection c(server.port());
    c.send("THIS IS NOT HTTP\r\n\r\n");
    auto got = c.read_all(3000);
    CHECK(got.rfind("HTTP/1.1 400", 0) == 0);
}

TEST_CASE("a slow client is dropped while others are served") {
    server_process server(env_map{{"PINGYI_READ_TIMEOUT_MS", "800"}});
    raw_connection slow(server.port());
    slow.send("GET /healthz HTTP/1.1\r\nHost: x\r\n");  // never finishes its head
    for (int i = 0; i < 5; ++i) CHECK(http_request(server.port(), "GET", "/healthz").status == 200);
    CHECK(slow.closed_within(3000));
}

TEST_CASE("connections per address are capped") {
    server_process server(env_map{{"PINGYI_MAX_CONNECTIONS_PER_IP", "3"}});
    std::vector<std::unique_ptr<raw_connection>> held;
    for (int i = 0; i < 3; ++i) held.push_back(std::make_unique<raw_connection>(server.port()));
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
    auto r = http_request(server.port(), "GET", "/healthz");
    CHECK(r.status == 503);
    CHECK(r.body.find("too_many_connections") != std::string::npos);
    held.clear();
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
    CHECK(http_request(server.port(), "GET", "/healthz").status == 200);
}

TEST_CASE("SIGTERM finishes the request in flight, then exits 0") {
    server_process server;
    auto slow = std::async(std::launch::async, [&] { return http_request(server.port(), "GET", "/__dev/slow?ms=1500"); });
    std::this_thread::sleep_for(std::chrono::milliseconds(400));
    // An idle keep-alive connection must not hold shutdown up.
    raw_connection idle(server.port());
    server.process().signal(SIGTERM);
    auto r = slow.get();
    CHECK(r.status == 200);
    CHECK(r.body == "slow done\n");
    int status = server.process().wait_exit(5000);
    REQUIRE(status != -1);
    CHECK(WIFEXITED(status));
    CHECK(WEXITSTATUS(status) == 0);
}
