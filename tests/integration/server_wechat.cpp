// The /wechat endpoint against a real server and redis-server, with
// messages signed and encrypted as WeChat does.
#include <doctest/doctest.h>

#include <ctime>

#include "tests/support/campaigns.hpp"
#include "tests/support/http_client.hpp"
#include "tests/support/redis_server.hpp"
#include "tests/support/server_process.hpp"
#include "wechat/crypto.hpp"
#include "wechat/message.hpp"
#include "wechat/signature.hpp"

using namespace pingyi::test;
namespace wx = pingyi::wechat;

namespace {

const std::string token = "pingyitoken";
const std::string appid = "wx2c2769f8efd9abc2";
const std::string aes_key = "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG";

struct fixture {
    redis_server redis;
    server_process server{env_map{{"PINGYI_REDIS_URL", redis.url()},
                                  {"PINGYI_ADMIN_TOKEN", admin_token},
                                  {"PINGYI_WECHAT_TOKEN", token},
                                  {"PINGYI_WECHAT_APPID", appid},
                                  {"PINGYI_WECHAT_AES_KEY", aes_key},
                                  {"PINGYI_PUBLIC_URL", "https://vote.example.cn"}}};
};

std::string now_text() { return std::to_string(std::time(nullptr)); }

std::string text_message(const std::string& from, const std::string& content, const std::string& msg_id) {
    return "<xml><ToUserName><![CDATA[gh_test]]></ToUserName><FromUserName><![CDATA[" + from +
           "]]></FromUserName><CreateTime>" + now_text() + "</CreateTime><MsgType><![CDATA[text]]></MsgType><Content><![CDATA[" +
           content + "]]></Content><MsgId>" + msg_id + "</MsgId></xml>";
}

std::string event_message(const std::string& from, const std::string& event, const std::string& key) {
    return "<xml><ToUserName><![CDATA[gh_test]]></ToUserName><FromUserName><![CDATA[" + from +
           "]]></FromUserName><CreateTime>" + now_text() + "</CreateTime><MsgType><![CDATA[event]]></MsgType><Event><![CDATA[" +
           event + "]]></Event><EventKey><![CDATA[" + key + "]]></EventKey></xml>";
}

// POST a plaintext message, signed.
http_result post_plain(int port, const std::string& body, const std::string& timestamp = now_text()) {
    std::string nonce = "12345";
    std::string sig = wx::request_signature(token, timestamp, nonce);
    return http_request(port, "POST", "/wechat?signature=" + sig + "&timestamp=" + timestamp + "&nonce=" + nonce + "&openid=o1",
                        body);
}

// POST a safe-mode message: encrypted, msg_signature over the ciphertext.
http_result post_encrypted(int port, const std::string& plaintext, const wx::message_cipher& cipher,
                           bool forge_msg_signature = false) {
    std::string timestamp = now_text();
    std::string nonce = "67890";
    std::string encrypt = cipher.encrypt(plaintext);
    std::string sig = wx::request_signature(token, timestamp, nonce);
    std::string msg_sig = forge_msg_signature ? std::string(40, 'a') : wx::msg_signature(token, timestamp, nonce, encrypt);
    std::string body = "<xml><ToUserName><![CDATA[gh_test]]></ToUserName><Encrypt><![CDATA[" + encrypt + "]]></Encrypt></xml>";
    return http_request(port, "POST",
                        "/wechat?signature=" + sig + "&timestamp=" + timestamp + "&nonce=" + nonce +
                            "&openid=o1&encrypt_type=aes&msg_signature=" + msg_sig,
                        body);
}

std::string between(const std::string& s, const std::string& open, const std::string& close) {
    auto a = s.find(open);
    if (a == std::string::npos) return {};
    a += open.size();
    auto b = s.find(close, a);
    return b == std::string::npos ? std::string{} : s.substr(a, b - a);
}

}  // namespace

TEST_CASE("URL verification answers echostr only with a good signature") {
    fixture f;
    std::string ts = now_text();
    std::string sig = wx::request_signature(token, ts, "n1");
    auto r = http_request(f.server.port(), "GET", "/wechat?signature=" + sig + "&timestamp=" + ts + "&nonce=n1&echostr=hello123");
    CHECK(r.status == 200);
    CHECK(r.body == "hello123");
    r = http_request(f.server.port(), "GET", "/wechat?signature=" + std::string(40, '0') + "&timestamp=" + ts + "&nonce=n1&echostr=x");
    CHECK(r.status == 403);
}

TEST_CASE("plaintext: 投票 gets a news reply linking the open campaign, retries are answered the same") {
    fixture f;
    REQUIRE(create_campaign(f.server.port(), campaign_body("wx1")) == 201);
    auto msg = text_message("oUser1", "投票", "6054768590064713728");
    auto r = post_plain(f.server.port(), msg);
    CHECK(r.status == 200);
    CHECK(r.body.find("<MsgType><![CDATA[news]]></MsgType>") != std::string::npos);
    CHECK(r.body.find("https://vote.example.cn/h5/c/wx1") != std::string::npos);
    CHECK(r.body.find("<ToUserName><![CDATA[oUser1]]></ToUserName>") != std::string::npos);
    auto again = post_plain(f.server.port(), msg);
    CHECK(again.status == 200);
    CHECK(again.body == r.body);  // same reply, CreateTime included: processed once
    // The delivery is remembered without the sender's openid in any key.
    sync_redis db(f.redis.port());
    auto remembered = db.command({"KEYS", "pingyi:wx:dedup:*"});
    REQUIRE(remembered);
    CHECK(remembered->elements == 1);
    for (std::size_t i = 0; i < remembered->elements; ++i)
        CHECK(std::string(remembered->element[i]->str).find("oUser1") == std::string::npos);
    // Anything else: "success".
    r = post_plain(f.server.port(), text_message("oUser1", "你好", "6054768590064713729"));
    CHECK(r.body == "success");
    // The menu button behaves as the keyword; subscribing gets the welcome.
    r = post_plain(f.server.port(), event_message("oUser2", "CLICK", "VOTE"));
    CHECK(r.body.find("/h5/c/wx1") != std::string::npos);
    r = post_plain(f.server.port(), event_message("oUser3", "subscribe", ""));
    CHECK(r.body.find("<MsgType><![CDATA[text]]></MsgType>") != std::string::npos);
    CHECK(r.body.find("/h5/c/wx1") != std::string::npos);
}

TEST_CASE("several open campaigns: the link goes to the list") {
    fixture f;
    REQUIRE(create_campaign(f.server.port(), campaign_body("wa")) == 201);
    REQUIRE(create_campaign(f.server.port(), campaign_body("wb")) == 201);
    auto r = post_plain(f.server.port(), text_message("oUser1", "投票", "1"));
    CHECK(r.body.find("https://vote.example.cn/h5/<") == std::string::npos);
    CHECK(r.body.find("https://vote.example.cn/h5/]]>") != std::string::npos);
}

TEST_CASE("safe mode: the reply is encrypted with a valid MsgSignature") {
    fixture f;
    REQUIRE(create_campaign(f.server.port(), campaign_body("wx2")) == 201);
    wx::message_cipher cipher(aes_key, appid);
    auto r = post_encrypted(f.server.port(), text_message("oUser9", "投票", "42"), cipher);
    REQUIRE(r.status == 200);
    std::string encrypt = between(r.body, "<Encrypt><![CDATA[", "]]></Encrypt>");
    std::string sig = between(r.body, "<MsgSignature><![CDATA[", "]]></MsgSignature>");
    std::string ts = between(r.body, "<TimeStamp>", "</TimeStamp>");
    std::string nonce = between(r.body, "<Nonce><![CDATA[", "]]></Nonce>");
    REQUIRE_FALSE(encrypt.empty());
    CHECK(nonce == "67890");
    CHECK(wx::check_msg_signature(token, ts, nonce, encrypt, sig));
    std::error_code ec;
    auto plain = cipher.decrypt(encrypt, ec);
    REQUIRE_FALSE(ec);
    CHECK(plain.find("/h5/c/wx2") != std::string::npos);
}

TEST_CASE("forged, foreign, replayed and malformed callbacks are refused") {
    fixture f;
    auto msg = text_message("oUser1", "投票", "7");
    // Wrong signature.
    auto r = http_request(f.server.port(), "POST", "/wechat?signature=bad&timestamp=" + now_text() + "&nonce=1", msg);
    CHECK(r.status == 403);
    // Timestamp ten minutes old: a replay.
    r = post_plain(f.server.port(), msg, std::to_string(std::time(nullptr) - 600));
    CHECK(r.status == 403);
    CHECK(r.body.find("replay") != std::string::npos);
    // A DOCTYPE (XXE) and a body that is not a WeChat message.
    r = post_plain(f.server.port(), "<?xml version=\"1.0\"?><!DOCTYPE x [<!ENTITY e SYSTEM \"file:///etc/passwd\">]><xml>&e;</xml>");
    CHECK(r.status == 400);
    r = post_plain(f.server.port(), "<html><body>hi</body></html>");
    CHECK(r.status == 400);
    // Encrypted: a forged msg_signature, and a ciphertext for another appid.
    wx::message_cipher cipher(aes_key, appid);
    CHECK(post_encrypted(f.server.port(), msg, cipher, true).status == 403);
    wx::message_cipher foreign(aes_key, "wxforeign000000000");
    CHECK(post_encrypted(f.server.port(), msg, foreign).status == 403);
    // An oversized body.
    r = post_plain(f.server.port(), std::string(100 * 1024, 'x'));
    CHECK(r.status == 413);
}
