#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "eval/decimal.hpp"

namespace pingyi::eval {

// Art. 14: absent (refused evaluation, 缺席评议); Art. 15: fraud (弄虚作假).
enum class unit_status { present, absent, fraud };

std::string_view to_string(unit_status status);
std::optional<unit_status> parse_unit_status(std::string_view text);

struct unit {
  std::string id;
  std::string name;
  unit_status status = unit_status::present;
  // A plausible number of voters; more votes than this is flagged.
  std::optional<std::uint64_t> electorate;
};

struct panel_score {
  std::string judge;
  std::string unit;
  decimal score;
  std::string comment;
};

struct peer_score {
  std::string rater;
  std::string unit;
  decimal score;
};

// The public side: vote counts (max, rank, minmax) or, in satisfaction
// mode, per unit the number of ratings in each band. A unit left out has
// no votes or ratings.
struct public_input {
  std::map<std::string, std::uint64_t, std::less<>> votes;
  std::map<std::string, std::map<std::string, std::uint64_t, std::less<>>, std::less<>> ratings;
};

}  // namespace pingyi::eval
