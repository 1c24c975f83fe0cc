// Helpers shared by the tests that talk to the WeChat API mock: drive an
// io_context until a coroutine is done, and the mock's control API.
#pragma once

#include <chrono>
#include <exception>
#include <optional>
#include <string>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <doctest/doctest.h>
#include <nlohmann/json.hpp>

#include "tests/support/http_client.hpp"
#include "tools/wechat_mock_api.hpp"

namespace pingyi::test {

// Runs the io_context until done() or the limit; returns done().
template <class Done>
bool drive(boost::asio::io_context& ioc, Done done, std::chrono::milliseconds limit = std::chrono::seconds(20)) {
    auto deadline = std::chrono::steady_clock::now() + limit;
    if (ioc.stopped()) ioc.restart();  // an earlier run may have drained it
    while (!done() && std::chrono::steady_clock::now() < deadline) ioc.run_one_for(std::chrono::milliseconds(20));
    return done();
}

// Runs one coroutine to completion on ioc and returns its value.
template <class T>
T run(boost::asio::io_context& ioc, boost::asio::awaitable<T> task,
      std::chrono::milliseconds limit = std::chrono::seconds(20)) {
    std::optional<T> out;
    std::exception_ptr failure;
    bool done = false;
    boost::asio::co_spawn(ioc, std::move(task), [&](std::exception_ptr e, T value) {
        failure = e;
        out = std::move(value);
        done = true;
    });
    REQUIRE(drive(ioc, [&] { return done; }, limit));
    if (failure) std::rethrow_exception(failure);
    return std::move(*out);
}

// The mock on a free loopback port, with its control API.
class mock_fixture {
public:
    mock_fixture() : mock_(tools::mock_api_options{}) { mock_.start(); }

    int port() const { return mock_.port(); }
    std::string base() const { return mock_.base_url(); }
    const std::string& appid() const { return options_.appid; }
    const std::string& secret() const { return options_.secret; }

    long long calls(const std::string& endpoint) const {
        auto r = http_request(port(), "GET", "/__mock/stats");
        REQUIRE(r.status == 200);
        return nlohmann::json::parse(r.body).at(endpoint).get<long long>();
    }
    void fail(const std::string& endpoint, const std::string& how, int count = 1) const {
        auto r = http_request(port(), "POST", "/__mock/fail?endpoint=" + endpoint + "&" + how + "&count=" + std::to_string(count));
        REQUIRE(r.status == 200);
    }
    void delay(int ms) const { REQUIRE(http_request(port(), "POST", "/__mock/delay?ms=" + std::to_string(ms)).status == 200); }
    // A fresh OAuth code for openid, through the non-interactive authorize shortcut.
    std::string code_for(const std::string& openid, bool snapshot = false) const {
        auto r = http_request(port(), "GET",
                              "/connect/oauth2/authorize?appid=" + appid() +
                                  "&redirect_uri=http%3A%2F%2F127.0.0.1%3A1%2Fcb&response_type=code&scope=snsapi_base"
                                  "&state=s1&openid=" + openid + (snapshot ? "&snapshot=1" : ""));
        REQUIRE(r.status == 302);
        auto location = r.header("location");
        auto at = location.find("code=");
        REQUIRE(at != std::string::npos);
        return location.substr(at + 5, location.find('&', at) - at - 5);
    }

private:
    tools::mock_api_options options_;
    tools::mock_api mock_;
};

}  // namespace pingyi::test
