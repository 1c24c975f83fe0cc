#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "eval/config.hpp"
#include "eval/decimal.hpp"
#include "eval/error.hpp"
#include "eval/inputs.hpp"

namespace pingyi::eval {

// Something staff should look at; never changes a number.
//   missing_panel          no panel score (and the panel weight is not 0)
//   panel_incomplete       judges who scored other units did not score this one
//   uniform_judge          a judge gave every unit they scored (at least 2) the same score
//   missing_peer           no peer score (and the peer weight is not 0)
//   missing_public         satisfaction mode: nobody rated the unit
//   votes_above_electorate more votes (ratings) than the unit's plausible electorate
struct warning {
  std::string code;
  std::string message;  // 中文

  bool operator==(const warning&) const = default;
};

struct unit_result {
  std::string id;
  std::string name;
  unit_status status = unit_status::present;
  // The published components, each rounded half-up to 2 decimals.
  std::optional<decimal> panel;
  std::optional<decimal> public_score;
  std::optional<decimal> peer;
  // From the published components; null when absent or a weighted
  // component is missing.
  std::optional<decimal> total;
  // From the rounded total; fraud: the last grade whatever the total;
  // absent: null.
  std::optional<std::string> grade;
  // Over present units with a total: 1, 2, 2, 4.
  std::optional<int> rank;
  // Votes, or ratings in satisfaction mode, behind public_score.
  std::uint64_t votes = 0;
  std::vector<warning> warnings;
};

struct evaluation_input {
  std::vector<unit> units;
  std::vector<panel_score> panel;
  std::vector<peer_score> peer;
  public_input public_votes;
  scoring_config config;
};

// CONTRACT.md "Scoring rules", for every unit in input order. Refuses
// (error) inconsistent input: bad or repeated unit ids, scores for unknown
// units or outside 0..100, a (judge, unit) or (rater, unit) twice, a unit
// rating itself, votes for unknown units, ratings in unknown bands.
result<std::vector<unit_result>> evaluate(const evaluation_input& input);

}  // namespace pingyi::eval
