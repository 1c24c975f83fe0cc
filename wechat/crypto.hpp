// WeChat message encryption (WXBizMsgCrypt): AES-256-CBC keyed by the
// EncodingAESKey, IV = the key's first 16 bytes, PKCS#7 with a 32-byte
// block, over random(16) ‖ length(4, big-endian) ‖ message ‖ appid.
#pragma once

#include <array>
#include <optional>
#include <string>
#include <string_view>
#include <system_error>

namespace pingyi::wechat {

class message_cipher {
public:
    static constexpr std::size_t random_size = 16;

    // Throws std::system_error(error::illegal_aes_key) unless the key is 43
    // base64 characters: configuration is checked at start-up.
    message_cipher(std::string_view encoding_aes_key, std::string appid);

    // The base64 <Encrypt> text. random must hold random_size bytes (else
    // std::invalid_argument); the overload without it draws them from RAND_bytes.
    std::string encrypt(std::string_view plaintext, std::string_view random) const;
    std::string encrypt(std::string_view plaintext) const;

    // The message inside an <Encrypt> text; on failure ec is decode_base64,
    // decrypt_aes (wrong key, bad length or padding), illegal_buffer (layout)
    // or invalid_appid, and the result is empty.
    std::string decrypt(std::string_view encrypted, std::error_code& ec) const;

    const std::string& appid() const { return appid_; }

private:
    std::array<unsigned char, 32> key_{};
    std::string appid_;
};

// The current EncodingAESKey and, while a rotation is under way, the
// previous one. The reply must be encrypted with the key that worked.
class key_ring {
public:
    explicit key_ring(message_cipher current, std::optional<message_cipher> previous = std::nullopt);

    struct opened {
        std::string plaintext;
        const message_cipher* cipher = nullptr;  // into this ring; null on failure
        bool previous = false;
    };

    // Tries the current key, then the previous. On failure ec is the current
    // key's error, or invalid_appid if either key decrypted a foreign appid.
    opened decrypt(std::string_view encrypted, std::error_code& ec) const;

    const message_cipher& current() const { return current_; }

private:
    message_cipher current_;
    std::optional<message_cipher> previous_;
};

}  // namespace pingyi::wechat
