// Errors of the WeChat protocol code. The negative values are WXBizMsgCrypt's
// own codes, so our logs read like every other WeChat SDK's; the positive
// ones are pingyi's additions for refusing a body before or while parsing.
#pragma once

#include <system_error>

namespace pingyi::wechat {

enum class error {
    invalid_signature = -40001,
    parse_xml = -40002,
    illegal_aes_key = -40004,
    invalid_appid = -40005,
    decrypt_aes = -40007,
    illegal_buffer = -40008,
    decode_base64 = -40010,
    doctype = 1,
    too_large = 2,
    not_a_message = 3,
};

const std::error_category& error_category();
std::error_code make_error_code(error e);

}  // namespace pingyi::wechat

template <>
struct std::is_error_code_enum<pingyi::wechat::error> : std::true_type {};
