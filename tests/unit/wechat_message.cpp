#include <string>

#include <doctest/doctest.h>

#include "wechat/error.hpp"
#include "wechat/message.hpp"

namespace {

using namespace pingyi::wechat;

std::string event_xml(const std::string& event, const std::string& key)
{
    return "<xml><ToUserName><![CDATA[gh_97417a04a28d]]></ToUserName>"
           "<FromUserName><![CDATA[oUser1]]></FromUserName>"
           "<CreateTime>1715943329</CreateTime><MsgType><![CDATA[event]]></MsgType>"
           "<Event><![CDATA[" + event + "]]></Event><EventKey><![CDATA[" + key + "]]></EventKey></xml>";
}

const std::string text_xml = "<xml><ToUserName><![CDATA[gh_1]]></ToUserName>"
                             "<FromUserName><![CDATA[oUser1]]></FromUserName>"
                             "<CreateTime>1409735668</CreateTime><MsgType><![CDATA[text]]></MsgType>"
                             "<Content><![CDATA[投票]]></Content><MsgId>6054768590064713728</MsgId></xml>";

std::error_code parse_error(const std::string& xml)
{
    std::error_code ec;
    parse_message(xml, ec);
    return ec;
}

}  // namespace

TEST_CASE("wechat message: text")
{
    std::error_code ec;
    const auto m = parse_message(text_xml, ec);
    REQUIRE_FALSE(ec);
    CHECK(m.to_user == "gh_1");
    CHECK(m.from_user == "oUser1");
    CHECK(m.create_time == 1409735668);
    CHECK(m.msg_type == "text");
    CHECK(m.content == "投票");
    CHECK(m.msg_id == "6054768590064713728");
    CHECK(m.event.empty());
    CHECK(m.encrypt.empty());
}

TEST_CASE("wechat message: escapes, split CDATA and an XML declaration")
{
    std::error_code ec;
    const auto m = parse_message("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
                                 "<xml><ToUserName>gh_1</ToUserName><FromUserName>o1</FromUserName>"
                                 "<CreateTime>1</CreateTime><MsgType>text</MsgType>"
                                 "<Content>a &lt;b&gt; &amp; &#x6295;<![CDATA[]]]]><![CDATA[>]]></Content></xml>\n",
                                 ec);
    REQUIRE_FALSE(ec);
    CHECK(m.content == "a <b> & 投]]>");
}

TEST_CASE("wechat message: events")
{
    std::error_code ec;
    const auto subscribe = parse_message(event_xml("subscribe", "qrscene_123"), ec);
    REQUIRE_FALSE(ec);
    CHECK(subscribe.msg_type == "event");
    CHECK(subscribe.event == "subscribe");
    CHECK(subscribe.event_key == "qrscene_123");

    const auto click = parse_message(event_xml("CLICK", "VOTE"), ec);
    REQUIRE_FALSE(ec);
    CHECK(click.event == "CLICK");
    CHECK(click.event_key == "VOTE");

    const auto view = parse_message(event_xml("VIEW", "https://pingyi.example.cn/h5/?a=1&b=2"), ec);
    REQUIRE_FALSE(ec);
    CHECK(view.event == "VIEW");
    CHECK(view.event_key == "https://pingyi.example.cn/h5/?a=1&b=2");

    const auto plain = parse_message("<xml><ToUserName>gh_1</ToUserName><FromUserName>o1</FromUserName>"
                                     "<CreateTime>2</CreateTime><MsgType>event</MsgType>"
                                     "<Event>unsubscribe</Event></xml>",
                                     ec);
    REQUIRE_FALSE(ec);
    CHECK(plain.event == "unsubscribe");
    CHECK(plain.event_key.empty());
}

TEST_CASE("wechat message: DOCTYPE refused")
{
    const std::string xxe = "<?xml version=\"1.0\"?>\n"
                            "<!DOCTYPE xml [<!ENTITY xxe SYSTEM \"file:///etc/passwd\">]>\n"
                            "<xml><ToUserName>gh_1</ToUserName><FromUserName>o1</FromUserName>"
                            "<CreateTime>1</CreateTime><MsgType>text</MsgType><Content>&xxe;</Content></xml>";
    CHECK(parse_error(xxe) == error::doctype);
    const std::string billion_laughs = "<!doctype xml [<!ENTITY a \"aaaa\"><!ENTITY b \"&a;&a;&a;&a;\">]>"
                                       "<xml><ToUserName>gh_1</ToUserName><FromUserName>o1</FromUserName>"
                                       "<CreateTime>1</CreateTime><MsgType>text</MsgType><Content>&b;</Content></xml>";
    CHECK(parse_error(billion_laughs) == error::doctype);
    CHECK(parse_error("<!DocType xml>" + text_xml) == error::doctype);
    std::error_code ec;
    parse_envelope("<!DOCTYPE x><xml><Encrypt>abc</Encrypt></xml>", ec);
    CHECK(ec == error::doctype);
}

TEST_CASE("wechat message: not a WeChat message")
{
    CHECK(parse_error("") == error::parse_xml);
    CHECK(parse_error("hello") == error::parse_xml);
    CHECK(parse_error("<xml><ToUserName>gh_1</ToUserName>") == error::parse_xml);
    CHECK(parse_error("{\"ToUserName\": \"gh_1\"}") == error::parse_xml);
    CHECK(parse_error("<msg><ToUserName>gh_1</ToUserName><FromUserName>o1</FromUserName>"
                      "<CreateTime>1</CreateTime><MsgType>text</MsgType></msg>") == error::not_a_message);
    CHECK(parse_error(text_xml + text_xml) == error::not_a_message);
    const std::string fields[] = {"<ToUserName>gh_1</ToUserName>", "<FromUserName>o1</FromUserName>",
                                  "<CreateTime>1</CreateTime>", "<MsgType>text</MsgType>"};
    for (int missing = 0; missing < 4; ++missing) {
        std::string xml = "<xml>";
        for (int i = 0; i < 4; ++i) {
            if (i != missing) {
                xml += fields[i];
            }
        }
        xml += "</xml>";
        INFO(xml);
        CHECK(parse_error(xml) == error::not_a_message);
    }
    CHECK(parse_error("<xml><ToUserName>gh_1</ToUserName><FromUserName>o1</FromUserName>"
                      "<CreateTime>soon</CreateTime><MsgType>text</MsgType></xml>") == error::not_a_message);
    CHECK(parse_error("<xml><ToUserName>gh_1</ToUserName><FromUserName>o1</FromUserName>"
                      "<CreateTime>-5</CreateTime><MsgType>text</MsgType></xml>") == error::not_a_message);
    // A safe-mode envelope is not a message by itself.
    CHECK(parse_error("<xml><ToUserName>gh_1</ToUserName><Encrypt>abc</Encrypt></xml>") == error::not_a_message);
}

TEST_CASE("wechat message: size cap")
{
    const std::string padding(max_message_size, ' ');
    CHECK(parse_error(text_xml + padding) == error::too_large);
    const std::string fits = text_xml + std::string(max_message_size - text_xml.size(), ' ');
    CHECK_FALSE(parse_error(fits));
    std::error_code ec;
    parse_envelope("<xml><Encrypt>" + std::string(max_message_size, 'A') + "</Encrypt></xml>", ec);
    CHECK(ec == error::too_large);
}

TEST_CASE("wechat message: envelopes of compatible and safe mode")
{
    std::error_code ec;
    const auto safe = parse_envelope("<xml><ToUserName><![CDATA[gh_1]]></ToUserName>"
                                     "<Encrypt><![CDATA[c2VjcmV0]]></Encrypt></xml>",
                                     ec);
    REQUIRE_FALSE(ec);
    CHECK(safe.encrypt == "c2VjcmV0");
    CHECK(safe.to_user == "gh_1");

    const auto compatible = parse_envelope("<xml><ToUserName>gh_1</ToUserName><FromUserName>o1</FromUserName>"
                                           "<CreateTime>7</CreateTime><MsgType>text</MsgType>"
                                           "<Content>hi</Content><MsgId>1</MsgId>"
                                           "<Encrypt><![CDATA[c2VjcmV0]]></Encrypt></xml>",
                                           ec);
    REQUIRE_FALSE(ec);
    CHECK(compatible.encrypt == "c2VjcmV0");
    CHECK(compatible.content == "hi");
    CHECK(compatible.create_time == 7);

    // The plaintext fields of compatible mode are parsed as a message too.
    CHECK(parse_message("<xml><ToUserName>gh_1</ToUserName><FromUserName>o1</FromUserName>"
                        "<CreateTime>7</CreateTime><MsgType>text</MsgType><Encrypt>c2VjcmV0</Encrypt></xml>",
                        ec)
              .encrypt == "c2VjcmV0");
    CHECK_FALSE(ec);

    parse_envelope(text_xml, ec);
    CHECK(ec == error::not_a_message);
    parse_envelope("<xml><Encrypt></Encrypt></xml>", ec);
    CHECK(ec == error::not_a_message);
    parse_envelope("<xml><Encrypt>abc</Encrypt><CreateTime>x</CreateTime></xml>", ec);
    CHECK(ec == error::not_a_message);
}

TEST_CASE("wechat message: dedup keys")
{
    std::error_code ec;
    const auto text = parse_message(text_xml, ec);
    REQUIRE_FALSE(ec);
    CHECK(dedup_key(text) == "msg|6054768590064713728|oUser1|1409735668");

    message other = text;
    other.from_user = "oUser2";
    CHECK(dedup_key(other) != dedup_key(text));
    other = text;
    other.create_time += 1;
    CHECK(dedup_key(other) != dedup_key(text));
    other = text;
    other.content = "different text, same delivery";
    CHECK(dedup_key(other) == dedup_key(text));

    const auto click = parse_message(event_xml("CLICK", "VOTE"), ec);
    REQUIRE_FALSE(ec);
    CHECK(dedup_key(click) == "event|oUser1|1715943329|CLICK|VOTE");
    CHECK(dedup_key(click) != dedup_key(parse_message(event_xml("CLICK", "HELP"), ec)));
    CHECK(dedup_key(click) != dedup_key(parse_message(event_xml("VIEW", "VOTE"), ec)));
}
