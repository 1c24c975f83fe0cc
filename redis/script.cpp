#include "redis/script.hpp"

#include <stdexcept>

#include <openssl/evp.h>

namespace pingyi::redis {

std::string sha1_hex(const std::string& data) {
    unsigned char digest[EVP_MAX_MD_SIZE];
    unsigned int len = 0;
    if (EVP_Digest(data.data(), data.size(), digest, &len, EVP_sha1(), nullptr) != 1)
        throw std::runtime_error("EVP_Digest(sha1) failed");
    static constexpr char hex[] = "0123456789abcdef";
    std::string out;
    out.reserve(len * 2);
    for (unsigned int i = 0; i < len; ++i) {
        out += hex[digest[i] >> 4];
        out += hex[digest[i] & 0x0f];
    }
    return out;
}

script::script(std::string name, std::string source)
    : name_(std::move(name)), source_(std::move(source)), sha_(sha1_hex(source_)) {}

}  // namespace pingyi::redis
