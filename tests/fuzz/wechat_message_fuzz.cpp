// Feeds arbitrary bytes to everything that reads what WeChat's servers (or
// anyone pretending to be them) send: message and envelope parsing, and
// decryption followed by parsing. Also checks two properties: encryption
// round-trips, and a reply built from a parsed message parses back.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "wechat/base64.hpp"
#include "wechat/crypto.hpp"
#include "wechat/error.hpp"
#include "wechat/message.hpp"
#include "wechat/reply.hpp"

namespace {

using namespace pingyi::wechat;

const message_cipher& cipher()
{
    static const message_cipher instance("abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG", "wx2c2769f8efd9abc2");
    return instance;
}

void decrypt_and_parse(std::string_view encrypted)
{
    std::error_code ec;
    const auto plaintext = cipher().decrypt(encrypted, ec);
    if (!ec) {
        parse_message(plaintext, ec);
    }
}

bool has_control_chars(std::string_view text)
{
    return std::any_of(text.begin(), text.end(), [](char c) {
        const auto u = static_cast<unsigned char>(c);
        return u < 0x20 && u != '\t' && u != '\n' && u != '\r';
    });
}

void check_reply(const message& m)
{
    // Dropped control characters may empty a required field: then only
    // "no crash" is checked.
    const bool lossless = !has_control_chars(m.content) && !has_control_chars(m.to_user) &&
                          !has_control_chars(m.from_user);
    std::error_code ec;
    const auto reply = parse_message(text_reply(m, m.content, m.create_time), ec);
    // The content may spell out a DOCTYPE through escapes, or the reply may
    // outgrow the cap: both are refusals, not failures.
    if (!lossless || ec == error::doctype || ec == error::too_large) {
        return;
    }
    if (ec || reply.content != m.content || reply.to_user != m.from_user || reply.from_user != m.to_user ||
        reply.create_time != m.create_time) {
        std::abort();
    }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
    const std::string_view input(reinterpret_cast<const char*>(data), size);
    std::error_code ec;

    const auto m = parse_message(input, ec);
    if (!ec) {
        check_reply(m);
    }
    const auto envelope = parse_envelope(input, ec);
    if (!ec) {
        decrypt_and_parse(envelope.encrypt);
    }

    decrypt_and_parse(input);
    // As raw ciphertext, the input reaches the padding, length and appid checks.
    decrypt_and_parse(base64_encode(input));

    const std::string_view random = "0123456789abcdef";
    if (cipher().decrypt(cipher().encrypt(input, random), ec) != input || ec) {
        std::abort();
    }
    return 0;
}
