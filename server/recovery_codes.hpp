// One-time recovery codes, the way in when the phone with the authenticator
// is lost: ten given once at TOTP enrolment, stored only as digests, each
// good for one login. 80 random bits each, so a plain SHA-256 digest is no
// shortcut to them for whoever reads the database.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace pingyi::server {

inline constexpr std::size_t recovery_code_count = 10;

// "abcd-efgh-ijkl-mnop": 10 bytes in lower-case base32, in groups of four.
std::string recovery_code_from_bytes(std::string_view ten_bytes);
std::vector<std::string> new_recovery_codes(std::size_t count = recovery_code_count);

// The digest stored for a code as typed: case, spaces and hyphens do not
// matter.
std::string recovery_code_digest(std::string_view typed);

}  // namespace pingyi::server
