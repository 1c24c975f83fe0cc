#include "vote/digest.hpp"

#include <stdexcept>

#include <openssl/evp.h>

namespace pingyi::vote {
namespace {

std::string hex_digest(const EVP_MD* md, std::string_view data) {
    unsigned char out[EVP_MAX_MD_SIZE];
    unsigned int len = 0;
    if (EVP_Digest(data.data(), data.size(), out, &len, md, nullptr) != 1)
        throw std::runtime_error("EVP_Digest failed");
    static constexpr char hex[] = "0123456789abcdef";
    std::string s;
    s.reserve(len * 2);
    for (unsigned int i = 0; i < len; ++i) {
        s.push_back(hex[out[i] >> 4]);
        s.push_back(hex[out[i] & 0xf]);
    }
    return s;
}

}  // namespace

std::string sha1_hex(std::string_view data) { return hex_digest(EVP_sha1(), data); }
std::string sha256_hex(std::string_view data) { return hex_digest(EVP_sha256(), data); }

}  // namespace pingyi::vote
