// Standard base64 (RFC 4648 alphabet, with padding) as WeChat uses it for
// EncodingAESKey and for the <Encrypt> payload.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace pingyi::wechat {

std::string base64_encode(std::string_view bytes);

// Refuses characters outside the alphabet, whitespace and misplaced '='.
// Non-zero bits left over in the last character are ignored, as in the
// official samples: WeChat's EncodingAESKey usually carries such bits.
std::optional<std::string> base64_decode(std::string_view text);

}  // namespace pingyi::wechat
