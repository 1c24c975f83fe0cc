// `pingyi wechat send`: plays WeChat's server against a pingyi /wechat
// endpoint. Sends a correctly signed text or event message (with an
// EncodingAESKey: encrypted, safe mode, with msg_signature), checks and
// decrypts the reply, so an operator can test a deployment without a phone.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace pingyi::tools {

struct send_options {
    std::string url;          // the endpoint, e.g. https://vote.example.cn/wechat
    std::string token;        // the account's Token
    std::string aes_key;      // the 43-character EncodingAESKey; empty: plaintext mode
    std::string appid;        // required with aes_key
    std::string from;         // the sender's openid
    std::string to = "gh_pingyi_test";  // the account's gh_ id
    std::string text;         // a text message, or
    std::string event;        // an event: subscribe, unsubscribe, CLICK, VIEW, SCAN
    std::string event_key;    // CLICK's menu key and the like
    bool allow_plain_http = false;  // http:// to a host that is not loopback
    std::chrono::milliseconds timeout{5000};  // WeChat waits 5 s
};

struct send_outcome {
    bool ok = false;          // HTTP 200 and, when encrypted, a reply that checks out
    std::string error;        // why not, when !ok
    unsigned status = 0;
    std::string reply;        // the reply as the account meant it (decrypted), or the raw body
};

// The plaintext message XML WeChat would send.
std::string message_xml(const send_options& o, std::int64_t create_time, const std::string& msg_id);

// The endpoint of an organizer's own account: "<url>/<account>", the query
// (if any) kept at the end.
std::string account_url(std::string url, std::string_view account);

// Sends one message and waits for the reply (blocking).
send_outcome send_message(const send_options& o);

// `pingyi wechat send ...`.
int run_wechat_send(const std::vector<std::string>& args);
extern const char* const wechat_send_usage;

}  // namespace pingyi::tools
