#include <string>

#include <doctest/doctest.h>
#include <pugixml.hpp>

#include "wechat/crypto.hpp"
#include "wechat/error.hpp"
#include "wechat/message.hpp"
#include "wechat/reply.hpp"
#include "wechat/signature.hpp"

namespace {

using namespace pingyi::wechat;

message request()
{
    message m;
    m.to_user = "gh_97417a04a28d";
    m.from_user = "oUser1";
    m.create_time = 1715943329;
    m.msg_type = "text";
    m.content = "投票";
    m.msg_id = "1";
    return m;
}

}  // namespace

TEST_CASE("wechat reply: text swaps To and From")
{
    const auto xml = text_reply(request(), "欢迎关注韶司在线", 1715943400);
    std::error_code ec;
    const auto reply = parse_message(xml, ec);
    REQUIRE_FALSE(ec);
    CHECK(reply.to_user == "oUser1");
    CHECK(reply.from_user == "gh_97417a04a28d");
    CHECK(reply.create_time == 1715943400);
    CHECK(reply.msg_type == "text");
    CHECK(reply.content == "欢迎关注韶司在线");
}

TEST_CASE("wechat reply: CDATA-safe content")
{
    const std::string tricky = "a]]>b]]]]>>c<![CDATA[d]]></Content></xml>&amp;";
    const auto xml = text_reply(request(), tricky, 1);
    CHECK(xml.find("<Content><![CDATA[a]]]]><![CDATA[>b]]]]]]><![CDATA[>>c") != std::string::npos);
    std::error_code ec;
    CHECK(parse_message(xml, ec).content == tricky);
    CHECK_FALSE(ec);

    // Characters XML 1.0 forbids are dropped, and dropping one cannot
    // assemble a "]]>".
    CHECK(parse_message(text_reply(request(), "x]]\x01>y\tz\n", 1), ec).content == "x]]>y\tz\n");
    CHECK_FALSE(ec);
}

TEST_CASE("wechat reply: news with one article")
{
    const article item{"2026年度履职报告评议", "请为各单位投票", "https://pingyi.example.cn/p.png",
                       "https://pingyi.example.cn/h5/c/2026?a=1&b=2"};
    const auto xml = news_reply(request(), item, 1715943400);
    std::error_code ec;
    const auto reply = parse_message(xml, ec);
    REQUIRE_FALSE(ec);
    CHECK(reply.msg_type == "news");
    CHECK(reply.to_user == "oUser1");
    CHECK(reply.from_user == "gh_97417a04a28d");

    pugi::xml_document doc;
    REQUIRE(doc.load_buffer(xml.data(), xml.size()));
    const auto root = doc.child("xml");
    CHECK(std::string(root.child_value("ArticleCount")) == "1");
    const auto items = root.child("Articles").children("item");
    CHECK(std::distance(items.begin(), items.end()) == 1);
    const auto first = root.child("Articles").child("item");
    CHECK(std::string(first.child("Title").text().get()) == item.title);
    CHECK(std::string(first.child("Description").text().get()) == item.description);
    CHECK(std::string(first.child("PicUrl").text().get()) == item.pic_url);
    CHECK(std::string(first.child("Url").text().get()) == item.url);
}

TEST_CASE("wechat reply: encrypted round trip")
{
    const std::string token = "AAAAA";
    const message_cipher cipher("AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA", "wx134c8103faa5a59e");
    const auto inner = text_reply(request(), "请点击投票", 1715943400);
    const auto xml = encrypted_reply(cipher, inner, token, "1715943400", "415670741");

    std::error_code ec;
    const auto envelope = parse_envelope(xml, ec);
    REQUIRE_FALSE(ec);
    pugi::xml_document doc;
    REQUIRE(doc.load_buffer(xml.data(), xml.size()));
    const auto root = doc.child("xml");
    const std::string signature = root.child("MsgSignature").text().get();
    const std::string timestamp = root.child("TimeStamp").text().get();
    const std::string nonce = root.child("Nonce").text().get();
    CHECK(timestamp == "1715943400");
    CHECK(nonce == "415670741");
    CHECK(check_msg_signature(token, timestamp, nonce, envelope.encrypt, signature));
    CHECK_FALSE(check_msg_signature("AAAAB", timestamp, nonce, envelope.encrypt, signature));

    const auto plaintext = cipher.decrypt(envelope.encrypt, ec);
    REQUIRE_FALSE(ec);
    CHECK(plaintext == inner);
    CHECK(parse_message(plaintext, ec).content == "请点击投票");
    CHECK_FALSE(ec);

    // Fresh random bytes: the same reply never encrypts the same twice.
    CHECK(encrypted_reply(cipher, inner, token, "1715943400", "415670741") != xml);
}
