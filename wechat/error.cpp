#include "wechat/error.hpp"

#include <string>

namespace pingyi::wechat {

namespace {

class category final : public std::error_category {
public:
    const char* name() const noexcept override { return "wechat"; }

    std::string message(int value) const override
    {
        switch (static_cast<error>(value)) {
        case error::invalid_signature: return "signature mismatch";
        case error::parse_xml: return "malformed XML";
        case error::illegal_aes_key: return "illegal EncodingAESKey (must be 43 base64 characters)";
        case error::invalid_appid: return "message is for another appid";
        case error::decrypt_aes: return "AES decryption failed";
        case error::illegal_buffer: return "decrypted buffer is malformed";
        case error::decode_base64: return "invalid base64";
        case error::doctype: return "XML with a DOCTYPE refused";
        case error::too_large: return "XML body too large";
        case error::not_a_message: return "not a WeChat message";
        }
        return "unknown wechat error " + std::to_string(value);
    }
};

}  // namespace

const std::error_category& error_category()
{
    static const category instance;
    return instance;
}

std::error_code make_error_code(error e)
{
    return {static_cast<int>(e), error_category()};
}

}  // namespace pingyi::wechat
