// Passive replies to a callback: text, news (图文) with one article, and the
// encrypted envelope around either.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "wechat/crypto.hpp"
#include "wechat/message.hpp"

namespace pingyi::wechat {

struct article {
    std::string title;
    std::string description;
    std::string pic_url;
    std::string url;
};

// To and From are the request's, swapped. Text goes into CDATA; a "]]>"
// inside is split across two sections, and characters XML 1.0 forbids
// (C0 controls other than tab, LF, CR) are dropped.
std::string text_reply(const message& request, std::string_view content, std::int64_t create_time);
std::string news_reply(const message& request, const article& item, std::int64_t create_time);

// The encrypted envelope of a reply whose <Encrypt> text is already made:
// <Encrypt>, <MsgSignature> (over token, timestamp, nonce, encrypt),
// <TimeStamp>, <Nonce>.
std::string encrypted_envelope(std::string_view encrypt, std::string_view token, std::string_view timestamp,
                               std::string_view nonce);

// Encrypts reply_xml with fresh random bytes and wraps it in the envelope.
// Use the request's nonce, the current time, and the cipher that decrypted
// the request.
std::string encrypted_reply(const message_cipher& cipher, std::string_view reply_xml, std::string_view token,
                            std::string_view timestamp, std::string_view nonce);

}  // namespace pingyi::wechat
