#include "eval/decimal.hpp"

#include <charconv>
#include <cmath>

#include <nlohmann/json.hpp>

namespace pingyi::eval {

std::string decimal::to_string() const {
  const bool negative = hundredths_ < 0;
  // Through unsigned so that the most negative value does not overflow.
  const std::uint64_t magnitude =
      negative ? 0 - static_cast<std::uint64_t>(hundredths_) : static_cast<std::uint64_t>(hundredths_);
  const std::uint64_t cents = magnitude % 100;
  std::string text = negative ? "-" : "";
  text += std::to_string(magnitude / 100);
  text += '.';
  text += static_cast<char>('0' + cents / 10);
  text += static_cast<char>('0' + cents % 10);
  return text;
}

nlohmann::json decimal::to_json() const {
  if (hundredths_ % 100 == 0) return hundredths_ / 100;
  return static_cast<double>(hundredths_) / 100.0;
}

decimal rounded_quotient(__int128 numerator, __int128 denominator) {
  return decimal::from_hundredths(static_cast<std::int64_t>((2 * numerator + denominator) / (2 * denominator)));
}

namespace {

constexpr std::int64_t max_hundredths = 10000;

error out_of_range(const nlohmann::json& value, const std::string& path) {
  return {path, "数值须在 0 到 100 之间（收到 " + describe(value) + "）"};
}

// Plain decimal text as written by std::to_chars in fixed format.
result<decimal> parse_fixed(std::string_view text, const nlohmann::json& value, const std::string& path) {
  bool negative = false;
  if (!text.empty() && text.front() == '-') {
    negative = true;
    text.remove_prefix(1);
  }
  const auto dot = text.find('.');
  const std::string_view whole = text.substr(0, dot);
  const std::string_view fraction = dot == std::string_view::npos ? std::string_view{} : text.substr(dot + 1);
  if (fraction.size() > 2) return error{path, "数值最多两位小数（收到 " + describe(value) + "）"};
  // Leading zeros aside, more than 3 digits is above 100 for sure.
  const auto first = whole.find_first_not_of('0');
  if (first != std::string_view::npos && whole.size() - first > 3) return out_of_range(value, path);
  std::int64_t h = 0;
  for (char c : whole) h = h * 10 + (c - '0');
  for (std::size_t i = 0; i < 2; ++i) h = h * 10 + (i < fraction.size() ? fraction[i] - '0' : 0);
  if ((negative && h != 0) || h > max_hundredths) return out_of_range(value, path);
  return decimal::from_hundredths(h);
}

}  // namespace

result<decimal> parse_score(const nlohmann::json& value, const std::string& path) {
  if (value.is_number_unsigned()) {
    const auto v = value.get<std::uint64_t>();
    if (v > 100) return out_of_range(value, path);
    return decimal::whole(static_cast<std::int64_t>(v));
  }
  if (value.is_number_integer()) {
    const auto v = value.get<std::int64_t>();
    if (v < 0 || v > 100) return out_of_range(value, path);
    return decimal::whole(v);
  }
  if (value.is_number_float()) {
    const double d = value.get<double>();
    if (!std::isfinite(d)) return out_of_range(value, path);
    // Shortest fixed text of any finite double fits: at most ~330 characters.
    char buffer[512];
    const auto [end, ec] = std::to_chars(buffer, buffer + sizeof buffer, d, std::chars_format::fixed);
    if (ec != std::errc{}) return out_of_range(value, path);
    return parse_fixed(std::string_view(buffer, static_cast<std::size_t>(end - buffer)), value, path);
  }
  return error{path, "须为数字（收到 " + describe(value) + "）"};
}

}  // namespace pingyi::eval
