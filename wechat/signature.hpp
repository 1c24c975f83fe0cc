// WeChat's request signatures: lowercase hex SHA-1 over the bytewise-sorted
// concatenation of the parts. Checks compare in constant time.
#pragma once

#include <string>
#include <string_view>

namespace pingyi::wechat {

// The `signature` query parameter of every callback (GET and POST).
std::string request_signature(std::string_view token, std::string_view timestamp, std::string_view nonce);
bool check_signature(std::string_view token, std::string_view timestamp, std::string_view nonce,
                     std::string_view signature);

// The `msg_signature` of an encrypted body, and the <MsgSignature> of an
// encrypted reply.
std::string msg_signature(std::string_view token, std::string_view timestamp, std::string_view nonce,
                          std::string_view encrypt);
bool check_msg_signature(std::string_view token, std::string_view timestamp, std::string_view nonce,
                         std::string_view encrypt, std::string_view signature);

// The `signature` of wx.config; any #fragment of url is dropped first.
std::string jssdk_signature(std::string_view ticket, std::string_view noncestr, std::string_view timestamp,
                            std::string_view url);

}  // namespace pingyi::wechat
