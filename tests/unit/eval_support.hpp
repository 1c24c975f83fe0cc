#pragma once

#include <string>
#include <string_view>
#include <vector>

#include <doctest/doctest.h>
#include <nlohmann/json.hpp>

#include "eval/decimal.hpp"
#include "eval/engine.hpp"

namespace pingyi::eval::test {

// "92.5" → 92.50, through the same parser as request bodies.
inline decimal dec(std::string_view text) {
  auto parsed = parse_score(nlohmann::json::parse(text), "test");
  REQUIRE_MESSAGE(parsed.ok(), text);
  return parsed.value();
}

inline std::string shown(const std::optional<decimal>& value) { return value ? value->to_string() : "null"; }

// Units u1..un, all present, with default scoring.
inline evaluation_input units(int count) {
  evaluation_input input;
  for (int i = 1; i <= count; ++i) {
    input.units.push_back({"u" + std::to_string(i), "单位" + std::to_string(i), unit_status::present, std::nullopt});
  }
  return input;
}

struct unit_score {
  std::string unit;
  std::string_view score;
};

inline void judge(evaluation_input& input, const std::string& name, const std::vector<unit_score>& scores) {
  for (const auto& s : scores) input.panel.push_back({name, s.unit, dec(s.score), ""});
}

inline void rater(evaluation_input& input, const std::string& name, const std::vector<unit_score>& scores) {
  for (const auto& s : scores) input.peer.push_back({name, s.unit, dec(s.score)});
}

inline std::vector<unit_result> run(const evaluation_input& input) {
  auto out = evaluate(input);
  REQUIRE_MESSAGE(out.ok(), (out.ok() ? "" : out.err().path + ": " + out.err().message));
  return std::move(out).value();
}

inline bool has_warning(const unit_result& r, std::string_view code) {
  for (const auto& w : r.warnings) {
    if (w.code == code) return true;
  }
  return false;
}

}  // namespace pingyi::eval::test
