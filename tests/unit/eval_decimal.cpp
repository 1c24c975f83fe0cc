#include <string>

#include <doctest/doctest.h>
#include <nlohmann/json.hpp>

#include "eval/decimal.hpp"

using namespace pingyi::eval;
using nlohmann::json;

TEST_CASE("eval decimal: scores parse exactly from JSON numbers") {
  struct row {
    const char* text;
    std::int64_t hundredths;
  };
  const row rows[] = {
      {"0", 0},          {"100", 10000},    {"92.5", 9250},   {"92.50", 9250}, {"89.99", 8999},
      {"0.01", 1},       {"0.1", 10},       {"100.0", 10000}, {"100.00", 10000}, {"33.33", 3333},
      {"-0", 0},         {"-0.0", 0},       {"1e2", 10000},   {"9.25e1", 9250}, {"0.29", 29},
      {"1.005e1", 1005}, {"99.99", 9999},   {"4.35", 435},    {"0.07", 7},
  };
  for (const auto& r : rows) {
    CAPTURE(r.text);
    auto parsed = parse_score(json::parse(r.text), "scores[0].score");
    REQUIRE(parsed.ok());
    CHECK(parsed.value().hundredths() == r.hundredths);
  }
}

TEST_CASE("eval decimal: anything else is refused, naming the value") {
  struct row {
    json value;
    const char* named;
    const char* why;
  };
  const row rows[] = {
      {json::parse("92.505"), "92.505", "两位小数"},
      {json::parse("0.001"), "0.001", "两位小数"},
      {json::parse("100.01"), "100.01", "0 到 100"},
      {json::parse("101"), "101", "0 到 100"},
      {json::parse("-1"), "-1", "0 到 100"},
      {json::parse("-0.01"), "-0.01", "0 到 100"},
      {json::parse("1e300"), "1e+300", "0 到 100"},
      {json::parse("18446744073709551615"), "18446744073709551615", "0 到 100"},
      {json::parse("\"92.5\""), "\"92.5\"", "数字"},
      {json(nullptr), "null", "数字"},
      {json(true), "true", "数字"},
      {json::array({1}), "[1]", "数字"},
  };
  for (const auto& r : rows) {
    CAPTURE(r.named);
    auto parsed = parse_score(r.value, "scores[3].score");
    REQUIRE_FALSE(parsed.ok());
    CHECK(parsed.err().path == "scores[3].score");
    CHECK(parsed.err().message.find(r.named) != std::string::npos);
    CHECK(parsed.err().message.find(r.why) != std::string::npos);
  }
}

TEST_CASE("eval decimal: formats with two decimals, as text and as JSON") {
  CHECK(decimal::from_hundredths(9250).to_string() == "92.50");
  CHECK(decimal::from_hundredths(9000).to_string() == "90.00");
  CHECK(decimal::from_hundredths(7).to_string() == "0.07");
  CHECK(decimal::from_hundredths(0).to_string() == "0.00");
  CHECK(decimal::from_hundredths(10000).to_string() == "100.00");
  CHECK(decimal::from_hundredths(-150).to_string() == "-1.50");
  CHECK(decimal::from_hundredths(9250).to_json().dump() == "92.5");
  CHECK(decimal::from_hundredths(9000).to_json().dump() == "90");
  CHECK(decimal::from_hundredths(8999).to_json().dump() == "89.99");
  CHECK(decimal::from_hundredths(29).to_json().dump() == "0.29");
  // Every value of a score survives the trip through a JSON double.
  for (std::int64_t h = 0; h <= 10000; ++h) {
    const auto back = parse_score(json::parse(decimal::from_hundredths(h).to_json().dump()), "x");
    REQUIRE(back.ok());
    REQUIRE(back.value().hundredths() == h);
  }
}

TEST_CASE("eval decimal: rounded_quotient rounds half-up, exactly") {
  struct row {
    std::int64_t numerator;
    std::int64_t denominator;
    std::int64_t hundredths;
  };
  const row rows[] = {
      {89995, 10, 9000},  // 899.95 tenths of a hundredth: 89.995 → 90.00
      {89994, 10, 8999},  // 89.9949 → 89.99
      {1, 3, 0},          {2, 3, 1},     {27050, 3, 9017}, {32202, 4, 8051},
      {32201, 4, 8050},   {5, 10, 1},    {4, 10, 0},       {0, 7, 0},
      {10000, 1, 10000},
  };
  for (const auto& r : rows) {
    CAPTURE(r.numerator);
    CAPTURE(r.denominator);
    CHECK(rounded_quotient(r.numerator, r.denominator).hundredths() == r.hundredths);
  }
  // 128-bit intermediates: a product that overflows 64 bits still divides exactly.
  const __int128 big = static_cast<__int128>(10000) * 18446744073709551615ULL;
  CHECK(rounded_quotient(big, 18446744073709551615ULL).hundredths() == 10000);
}
