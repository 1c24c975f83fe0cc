// Builds N WeChat callbacks as WeChat's server would send them in safe mode
// (signed, AES-encrypted, each with its own MsgId and sender so that none is
// a retried delivery), for wechat.lua to replay: one "target<TAB>body" line
// each. The timestamps are now: use them within WeChat's 5-minute window.
//
// bench_wechat_bodies --token T --aes-key K --appid A --count N --out FILE [--text 投票]
#include <chrono>
#include <fstream>
#include <iostream>

#include "bench/options.hpp"
#include "tools/wechat_send.hpp"
#include "wechat/crypto.hpp"
#include "wechat/signature.hpp"

namespace pingyi::bench {
namespace {

int run(const options& o) {
    tools::send_options s;
    s.token = o.text("token");
    s.aes_key = o.text("aes-key");
    s.appid = o.text("appid");
    s.text = o.text("text", "投票");
    wechat::message_cipher cipher(s.aes_key, s.appid);
    auto count = o.number("count", 100000);
    auto now = std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch());
    std::string timestamp = std::to_string(now.count());
    std::ofstream out(o.text("out"));
    for (long long i = 0; i < count; ++i) {
        s.from = "oBenchWx" + std::to_string(i);
        std::string nonce = std::to_string(1000000000 + i);
        std::string encrypt = cipher.encrypt(tools::message_xml(s, now.count(), std::to_string(7000000000000000000 + i)));
        out << "/wechat?signature=" << wechat::request_signature(s.token, timestamp, nonce) << "&timestamp=" << timestamp
            << "&nonce=" << nonce << "&openid=" << s.from
            << "&encrypt_type=aes&msg_signature=" << wechat::msg_signature(s.token, timestamp, nonce, encrypt) << '\t'
            << "<xml><ToUserName><![CDATA[" << s.to << "]]></ToUserName><Encrypt><![CDATA[" << encrypt
            << "]]></Encrypt></xml>\n";
    }
    return out ? 0 : 1;
}

}  // namespace
}  // namespace pingyi::bench

int main(int argc, char** argv) { return pingyi::bench::run_tool("bench_wechat_bodies", argc, argv, pingyi::bench::run); }
