#include "wechat/signature.hpp"

#include <algorithm>
#include <array>
#include <stdexcept>
#include <vector>

#include <openssl/crypto.h>
#include <openssl/evp.h>

namespace pingyi::wechat {

namespace {

std::string sha1_hex(std::string_view data)
{
    std::array<unsigned char, EVP_MAX_MD_SIZE> digest{};
    unsigned int size = 0;
    if (EVP_Digest(data.data(), data.size(), digest.data(), &size, EVP_sha1(), nullptr) != 1) {
        throw std::runtime_error("EVP_Digest(sha1) failed");
    }
    constexpr std::string_view hex = "0123456789abcdef";
    std::string out;
    out.reserve(2 * size);
    for (unsigned int i = 0; i < size; ++i) {
        out.push_back(hex[digest[i] >> 4]);
        out.push_back(hex[digest[i] & 0x0f]);
    }
    return out;
}

// std::string_view compares bytewise through char_traits<char>, which
// compares as unsigned char: the order WeChat's samples use.
std::string sorted_sha1(std::vector<std::string_view> parts)
{
    std::sort(parts.begin(), parts.end());
    std::string joined;
    for (const auto part : parts) {
        joined.append(part);
    }
    return sha1_hex(joined);
}

bool equal_constant_time(std::string_view expected, std::string_view given)
{
    return expected.size() == given.size() && CRYPTO_memcmp(expected.data(), given.data(), given.size()) == 0;
}

}  // namespace

std::string request_signature(std::string_view token, std::string_view timestamp, std::string_view nonce)
{
    return sorted_sha1({token, timestamp, nonce});
}

bool check_signature(std::string_view token, std::string_view timestamp, std::string_view nonce,
                     std::string_view signature)
{
    return equal_constant_time(request_signature(token, timestamp, nonce), signature);
}

std::string msg_signature(std::string_view token, std::string_view timestamp, std::string_view nonce,
                          std::string_view encrypt)
{
    return sorted_sha1({token, timestamp, nonce, encrypt});
}

bool check_msg_signature(std::string_view token, std::string_view timestamp, std::string_view nonce,
                         std::string_view encrypt, std::string_view signature)
{
    return equal_constant_time(msg_signature(token, timestamp, nonce, encrypt), signature);
}

std::string jssdk_signature(std::string_view ticket, std::string_view noncestr, std::string_view timestamp,
                            std::string_view url)
{
    url = url.substr(0, url.find('#'));
    std::string text;
    text.append("jsapi_ticket=").append(ticket);
    text.append("&noncestr=").append(noncestr);
    text.append("&timestamp=").append(timestamp);
    text.append("&url=").append(url);
    return sha1_hex(text);
}

}  // namespace pingyi::wechat
