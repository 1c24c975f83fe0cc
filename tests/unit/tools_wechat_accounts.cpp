// The options of the WeChat tools for organizers' own accounts.
#include <doctest/doctest.h>

#include "tools/wechat_mock_api.hpp"
#include "tools/wechat_send.hpp"

TEST_CASE("wechat send: an organizer's account is the endpoint's path plus its id") {
    using pingyi::tools::account_url;
    CHECK(account_url("https://vote.example.cn/wechat", "lechang") == "https://vote.example.cn/wechat/lechang");
    CHECK(account_url("https://vote.example.cn/wechat/", "lechang") == "https://vote.example.cn/wechat/lechang");
    CHECK(account_url("http://127.0.0.1:8080/wechat?x=1", "lc") == "http://127.0.0.1:8080/wechat/lc?x=1");
}

TEST_CASE("mock accounts on the command line") {
    using pingyi::tools::parse_mock_accounts;
    auto two = parse_mock_accounts("wxa:sa,wxb:s:b");
    REQUIRE(two);
    REQUIRE(two->size() == 2);
    CHECK((*two)[0].appid == "wxa");
    CHECK((*two)[0].secret == "sa");
    CHECK((*two)[1].appid == "wxb");
    CHECK((*two)[1].secret == "s:b");
    CHECK(parse_mock_accounts("")->empty());
    CHECK_FALSE(parse_mock_accounts("wxa"));
    CHECK_FALSE(parse_mock_accounts("wxa:"));
    CHECK_FALSE(parse_mock_accounts(":s"));
    CHECK_FALSE(parse_mock_accounts("wxa:s,,wxb:t"));
}
