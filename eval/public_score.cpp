#include "eval/public_score.hpp"

#include <algorithm>

namespace pingyi::eval {

namespace {

constexpr std::int64_t full_marks = 10000;  // 100.00 in hundredths

std::uint64_t votes_of(const unit& u, const public_input& input) {
  const auto found = input.votes.find(u.id);
  return found == input.votes.end() ? 0 : found->second;
}

// 100 × v / M, capped at 100; 0 when M is 0.
decimal by_max(std::uint64_t v, std::uint64_t most) {
  if (most == 0) return decimal{};
  if (v >= most) return decimal::from_hundredths(full_marks);
  return rounded_quotient(static_cast<__int128>(full_marks) * v, most);
}

// First place 100, each place below `step` less, never below 0. The place
// is 1 + the number of present units with strictly more votes.
decimal by_rank(std::uint64_t v, const std::vector<std::uint64_t>& present_votes, decimal step) {
  const auto above = std::count_if(present_votes.begin(), present_votes.end(), [&](auto p) { return p > v; });
  const __int128 points = full_marks - static_cast<__int128>(above) * step.hundredths();
  return decimal::from_hundredths(static_cast<std::int64_t>(std::max<__int128>(points, 0)));
}

// 100 × (v − min) / (max − min), clamped to 0..100; when every present unit
// has the same count there is no spread, and `max` decides.
decimal by_minmax(std::uint64_t v, std::uint64_t least, std::uint64_t most) {
  if (least == most) return by_max(v, most);
  if (v <= least) return decimal{};
  if (v >= most) return decimal::from_hundredths(full_marks);
  return rounded_quotient(static_cast<__int128>(full_marks) * (v - least), most - least);
}

public_component by_satisfaction(const unit& u, const public_input& input, const scoring_config& config) {
  public_component out;
  const auto found = input.ratings.find(u.id);
  if (found == input.ratings.end()) return out;
  __int128 points = 0;
  for (const auto& band : config.satisfaction_bands) {
    const auto count = found->second.find(band.name);
    if (count == found->second.end()) continue;
    out.votes += count->second;
    points += static_cast<__int128>(count->second) * band.value.hundredths();
  }
  if (out.votes > 0) out.score = rounded_quotient(points, out.votes);
  return out;
}

}  // namespace

std::vector<public_component> public_scores(const std::vector<unit>& units, const public_input& input,
                                            const scoring_config& config) {
  std::vector<public_component> out;
  if (config.method == public_method::satisfaction) {
    for (const auto& u : units) out.push_back(by_satisfaction(u, input, config));
    return out;
  }
  std::vector<std::uint64_t> present_votes;
  for (const auto& u : units) {
    if (u.status == unit_status::present) present_votes.push_back(votes_of(u, input));
  }
  const auto [least_it, most_it] = std::minmax_element(present_votes.begin(), present_votes.end());
  const std::uint64_t least = present_votes.empty() ? 0 : *least_it;
  const std::uint64_t most = present_votes.empty() ? 0 : *most_it;
  for (const auto& u : units) {
    const std::uint64_t v = votes_of(u, input);
    decimal score;
    // No votes among present units at all: nothing to scale by, 0 for all.
    if (most == 0) {
      score = decimal{};
    } else if (config.method == public_method::rank) {
      score = by_rank(v, present_votes, config.rank_step);
    } else if (config.method == public_method::minmax) {
      score = by_minmax(v, least, most);
    } else {
      score = by_max(v, most);
    }
    out.push_back({v, score});
  }
  return out;
}

}  // namespace pingyi::eval
