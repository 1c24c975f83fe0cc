#include <doctest/doctest.h>

#include "tools/args.hpp"
#include "tools/wechat_send.hpp"
#include "wechat/message.hpp"

using pingyi::tools::args;

TEST_CASE("args: values, flags, positionals, errors") {
    args a({"--url", "http://x/", "--text=投票", "--allow-http", "extra"}, {"allow-http"});
    CHECK(a.error().empty());
    CHECK(a.value("url") == "http://x/");
    CHECK(a.value("text") == "投票");
    CHECK(a.flag("allow-http"));
    CHECK_FALSE(a.value("token"));
    CHECK(a.value_or("token", "t") == "t");
    REQUIRE(a.positional().size() == 1);
    CHECK(a.positional()[0] == "extra");
    CHECK(a.unknown({"url", "text", "allow-http"}).empty());
    CHECK(a.unknown({"url", "allow-http"}) == "--text");

    args missing({"--url"});
    CHECK(missing.error() == "--url needs a value");
}

TEST_CASE("wechat send: the messages it builds are WeChat messages") {
    pingyi::tools::send_options o;
    o.from = "oVoter1";
    o.to = "gh_test";
    o.text = "投票]]>x";
    std::error_code ec;
    auto text = pingyi::wechat::parse_message(pingyi::tools::message_xml(o, 1700000000, "1234567890123456789"), ec);
    REQUIRE_FALSE(ec);
    CHECK(text.msg_type == "text");
    CHECK(text.content == "投票]]>x");
    CHECK(text.from_user == "oVoter1");
    CHECK(text.to_user == "gh_test");
    CHECK(text.create_time == 1700000000);
    CHECK(text.msg_id == "1234567890123456789");

    o.text.clear();
    o.event = "CLICK";
    o.event_key = "VOTE";
    auto click = pingyi::wechat::parse_message(pingyi::tools::message_xml(o, 1700000001, "1"), ec);
    REQUIRE_FALSE(ec);
    CHECK(click.msg_type == "event");
    CHECK(click.event == "CLICK");
    CHECK(click.event_key == "VOTE");
    CHECK(click.msg_id.empty());
}
