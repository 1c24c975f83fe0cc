// Times as the contract gives them: RFC 3339 with an offset on the wire,
// epoch milliseconds inside, days counted in Asia/Shanghai (UTC+8, no DST).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace pingyi::vote {

inline constexpr std::int64_t day_ms = 86'400'000;
inline constexpr std::int64_t shanghai_offset_ms = 8 * 3'600'000;

// "2019-12-20T09:00:00+08:00", "2019-12-20T01:00:00.250Z": the offset is
// required; fractions beyond milliseconds are truncated.
std::optional<std::int64_t> parse_rfc3339(std::string_view text);

// The same instant written in Shanghai time, e.g. "2019-12-20T09:00:00+08:00"
// (".250" milliseconds only when not zero).
std::string format_rfc3339_shanghai(std::int64_t epoch_ms);

// Days since 1970-01-01 in Shanghai; a new day starts at 16:00 UTC.
std::int64_t day_number(std::int64_t epoch_ms);

}  // namespace pingyi::vote
