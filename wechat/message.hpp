// Incoming WeChat messages and events (the XML body of a callback POST, or
// the plaintext inside its <Encrypt>).
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <system_error>

namespace pingyi::wechat {

// WeChat's bodies are a few KiB; anything bigger is not from WeChat.
constexpr std::size_t max_message_size = 64 * 1024;

struct message {
    std::string to_user;    // the account's gh_ id
    std::string from_user;  // the sender's openid
    std::int64_t create_time = 0;
    std::string msg_type;   // text, image, event, ...
    std::string content;    // text messages
    std::string msg_id;     // 64-bit, kept as text: an identifier, not a number
    std::string event;      // subscribe, unsubscribe, SCAN, CLICK, VIEW, ...
    std::string event_key;  // qrscene_..., the menu key, the URL
    std::string encrypt;    // <Encrypt>, in compatible and safe modes
};

// A plaintext message: an <xml> root with ToUserName, FromUserName, a
// numeric CreateTime and MsgType. Refused before parsing: anything over
// max_message_size (too_large) and any DOCTYPE (doctype, against XXE);
// malformed XML is parse_xml, a document missing those fields not_a_message.
message parse_message(std::string_view xml, std::error_code& ec);

// The body of an encrypted callback (compatible or safe mode): as
// parse_message, but only <Encrypt> is required; other fields as present.
message parse_envelope(std::string_view xml, std::error_code& ec);

// The key under which retried deliveries of one message are de-duplicated:
// messages by MsgId + FromUserName + CreateTime (MsgId alone has collided),
// events by FromUserName + CreateTime + Event + EventKey.
std::string dedup_key(const message& m);

}  // namespace pingyi::wechat
