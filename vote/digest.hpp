// Hex digests for script SHAs (EVALSHA) and the audit-log hash chain.
#pragma once

#include <string>
#include <string_view>

namespace pingyi::vote {

std::string sha1_hex(std::string_view data);
std::string sha256_hex(std::string_view data);

}  // namespace pingyi::vote
