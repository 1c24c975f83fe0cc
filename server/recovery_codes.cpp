#include "server/recovery_codes.hpp"

#include <stdexcept>

#include "http/cookies.hpp"
#include "server/totp.hpp"
#include "vote/digest.hpp"

namespace pingyi::server {

namespace {

constexpr std::size_t code_bytes = 10;

std::string normalized(std::string_view typed) {
    std::string out;
    for (char c : typed) {
        if (c == ' ' || c == '-') continue;
        out += (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
    }
    return out;
}

}  // namespace

std::string recovery_code_from_bytes(std::string_view ten_bytes) {
    if (ten_bytes.size() != code_bytes) throw std::invalid_argument("a recovery code takes 10 bytes");
    auto plain = normalized(base32_encode(ten_bytes));
    std::string out;
    for (std::size_t i = 0; i < plain.size(); ++i) {
        if (i > 0 && i % 4 == 0) out += '-';
        out += plain[i];
    }
    return out;
}

std::vector<std::string> new_recovery_codes(std::size_t count) {
    std::vector<std::string> out;
    for (std::size_t i = 0; i < count; ++i) out.push_back(recovery_code_from_bytes(http::random_bytes(code_bytes)));
    return out;
}

std::string recovery_code_digest(std::string_view typed) { return vote::sha256_hex(normalized(typed)); }

}  // namespace pingyi::server
