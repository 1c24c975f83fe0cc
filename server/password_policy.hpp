// What a staff password must be (等保 2.0 level 3 asks for complexity): at
// least 12 characters of at least three of the four kinds (lower case,
// upper case, digits, anything else, Chinese included), and not the user
// name (in any case). Checked wherever a password is set: the password change, and the
// CLI's `user add` and `user passwd`. Reuse of the last five is checked by
// the callers against the stored hashes (staff_store.hpp).
#pragma once

#include <cstddef>
#include <optional>
#include <string_view>

namespace pingyi::server {

inline constexpr std::size_t min_password_length = 12;
inline constexpr std::size_t max_password_length = 256;
// A new password must differ from this many: the current one and those before it.
inline constexpr std::size_t password_reuse_depth = 5;

struct password_violation {
    std::string_view code;     // password_too_short, password_too_long, password_too_simple, password_same_as_name
    std::string_view message;  // 中文, for the person choosing it
};

// nullopt when `password` is acceptable for `user`. Lengths count
// characters (UTF-8 code points), not bytes.
std::optional<password_violation> check_password_policy(std::string_view password, std::string_view user);

}  // namespace pingyi::server
