#pragma once

#include <cstdint>
#include <optional>
#include <vector>

#include "eval/config.hpp"
#include "eval/decimal.hpp"
#include "eval/inputs.hpp"

namespace pingyi::eval {

struct public_component {
  // Votes, or in satisfaction mode the number of ratings.
  std::uint64_t votes = 0;
  // Rounded half-up; null only in satisfaction mode for a unit nobody rated.
  std::optional<decimal> score;
};

// The vote component of each unit (same order as `units`), by the
// configured method. Only present units set the scale (M, min, places), so
// an absent or cheating unit cannot lower anyone else's score; their own
// score is read off the same scale, clamped to 0..100. Rating bands not in
// the config are ignored (evaluate() refuses them earlier).
std::vector<public_component> public_scores(const std::vector<unit>& units, const public_input& input,
                                            const scoring_config& config);

}  // namespace pingyi::eval
