#include "server/password_policy.hpp"

#include <algorithm>
#include <string>

namespace pingyi::server {

namespace {

std::size_t code_points(std::string_view s) {
    return static_cast<std::size_t>(
        std::count_if(s.begin(), s.end(), [](char c) { return (static_cast<unsigned char>(c) & 0xC0) != 0x80; }));
}

int kinds_of_character(std::string_view s) {
    bool lower = false, upper = false, digit = false, other = false;
    for (char c : s) {
        if (c >= 'a' && c <= 'z') lower = true;
        else if (c >= 'A' && c <= 'Z') upper = true;
        else if (c >= '0' && c <= '9') digit = true;
        else other = true;
    }
    return int{lower} + int{upper} + int{digit} + int{other};
}

std::string lower_ascii(std::string_view s) {
    std::string out(s);
    for (auto& c : out)
        if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    return out;
}

}  // namespace

std::optional<password_violation> check_password_policy(std::string_view password, std::string_view user) {
    auto length = code_points(password);
    if (length < min_password_length)
        return password_violation{"password_too_short", "密码至少需要 12 个字符"};
    if (length > max_password_length) return password_violation{"password_too_long", "密码不能超过 256 个字符"};
    if (kinds_of_character(password) < 3)
        return password_violation{"password_too_simple",
                                  "密码须包含小写字母、大写字母、数字、其他符号中的至少三种"};
    if (lower_ascii(password) == lower_ascii(user))
        return password_violation{"password_same_as_name", "密码不能与用户名相同"};
    return std::nullopt;
}

}  // namespace pingyi::server
