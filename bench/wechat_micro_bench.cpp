// One core's worth of the WeChat callback's pure work: check signatures,
// decrypt, parse, build the news reply, encrypt it. Prints operations per
// second, so the endpoint's cost can be told apart from HTTP's and Redis's.
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <system_error>

#include "wechat/crypto.hpp"
#include "wechat/message.hpp"
#include "wechat/reply.hpp"
#include "wechat/signature.hpp"

int main(int argc, char** argv) {
    const double seconds = argc > 1 ? std::atof(argv[1]) : 3.0;
    const std::string token = "benchtoken";
    const std::string appid = "wxbench00000000000";
    pingyi::wechat::message_cipher cipher("abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG", appid);
    const std::string xml =
        "<xml><ToUserName><![CDATA[gh_bench]]></ToUserName><FromUserName><![CDATA[oBenchUser0001]]></FromUserName>"
        "<CreateTime>1700000000</CreateTime><MsgType><![CDATA[text]]></MsgType><Content><![CDATA[投票]]></Content>"
        "<MsgId>6054768590064713728</MsgId></xml>";
    const std::string encrypt = cipher.encrypt(xml);
    const std::string timestamp = "1700000000";
    const std::string nonce = "1234567";
    const std::string signature = pingyi::wechat::request_signature(token, timestamp, nonce);
    const std::string msg_signature = pingyi::wechat::msg_signature(token, timestamp, nonce, encrypt);
    const std::string body = "<xml><ToUserName><![CDATA[gh_bench]]></ToUserName><Encrypt><![CDATA[" + encrypt +
                             "]]></Encrypt></xml>";

    long long n = 0;
    std::size_t sink = 0;
    auto start = std::chrono::steady_clock::now();
    auto deadline = start + std::chrono::duration<double>(seconds);
    while (std::chrono::steady_clock::now() < deadline) {
        for (int i = 0; i < 100; ++i, ++n) {
            std::error_code ec;
            if (!pingyi::wechat::check_signature(token, timestamp, nonce, signature)) return 1;
            auto envelope = pingyi::wechat::parse_envelope(body, ec);
            if (ec || !pingyi::wechat::check_msg_signature(token, timestamp, nonce, envelope.encrypt, msg_signature)) return 1;
            auto plain = cipher.decrypt(envelope.encrypt, ec);
            auto m = pingyi::wechat::parse_message(plain, ec);
            if (ec) return 1;
            pingyi::wechat::article a{"评议投票", "点击进入投票", "", "https://vote.example.cn/h5/c/sg2019"};
            auto reply = pingyi::wechat::news_reply(m, a, 1700000001);
            sink += pingyi::wechat::encrypted_reply(cipher, reply, token, timestamp, nonce).size();
        }
    }
    double elapsed = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    std::printf("wechat callback work (verify + decrypt + parse + reply + encrypt): %.0f per second on one core (%lld in %.1f s, %zu bytes)\n",
                static_cast<double>(n) / elapsed, n, elapsed, sink);
    return 0;
}
