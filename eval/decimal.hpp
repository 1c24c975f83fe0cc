#pragma once

#include <compare>
#include <cstdint>
#include <string>
#include <string_view>

#include <nlohmann/json_fwd.hpp>

#include "eval/error.hpp"

namespace pingyi::eval {

// An exact decimal with 2 places, held as an integer count of hundredths.
// Every score, component, total, weight and threshold is one of these: no
// binary floating point on the scoring path (CONTRACT.md "Scoring rules").
class decimal {
 public:
  constexpr decimal() = default;

  static constexpr decimal from_hundredths(std::int64_t hundredths) {
    decimal d;
    d.hundredths_ = hundredths;
    return d;
  }
  static constexpr decimal whole(std::int64_t value) { return from_hundredths(value * 100); }

  constexpr std::int64_t hundredths() const { return hundredths_; }

  // "92.50": always two decimals; also valid JSON number text.
  std::string to_string() const;

  // A JSON number for general use: an integer when whole, else a double
  // whose shortest form prints exactly these decimals (92.5).
  nlohmann::json to_json() const;

  friend constexpr auto operator<=>(decimal, decimal) = default;

 private:
  std::int64_t hundredths_ = 0;
};

// numerator / denominator hundredths, rounded half-up. Both are exact
// integers; numerator >= 0, denominator > 0.
decimal rounded_quotient(__int128 numerator, __int128 denominator);

// A JSON number from 0 to 100 with at most 2 decimals; anything else is an
// error at `path` naming the value. Doubles are read through their shortest
// round-trip text, which is the decimal the client wrote.
result<decimal> parse_score(const nlohmann::json& value, const std::string& path);

}  // namespace pingyi::eval
