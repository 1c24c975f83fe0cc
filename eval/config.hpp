#pragma once

#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json_fwd.hpp>

#include "eval/decimal.hpp"
#include "eval/error.hpp"

namespace pingyi::eval {

// How vote counts (or satisfaction ratings) become the public component.
enum class public_method { max, rank, minmax, satisfaction };

// How a unit's panel scores become its panel component.
enum class panel_aggregate { mean, trimmed_mean };

std::string_view to_string(public_method method);
std::string_view to_string(panel_aggregate aggregate);

// Percentages with up to 2 decimals (33.33 / 33.33 / 33.34); they add up to
// exactly 100.
struct scoring_weights {
  decimal panel = decimal::whole(40);
  decimal public_score = decimal::whole(40);
  decimal peer = decimal::whole(20);

  bool operator==(const scoring_weights&) const = default;
};

struct satisfaction_band {
  std::string name;
  decimal value;

  bool operator==(const satisfaction_band&) const = default;
};

struct grade {
  std::string name;
  decimal min;

  bool operator==(const grade&) const = default;
};

std::vector<satisfaction_band> default_satisfaction_bands();
std::vector<grade> default_grades();

// The `scoring` object of a campaign (CONTRACT.md), defaults included.
struct scoring_config {
  scoring_weights weights;
  public_method method = public_method::max;
  decimal rank_step = decimal::whole(2);
  // Highest value first; the JSON object's key order carries no meaning.
  std::vector<satisfaction_band> satisfaction_bands = default_satisfaction_bands();
  panel_aggregate aggregate = panel_aggregate::trimmed_mean;
  int trim_min_judges = 5;
  // Strictly descending `min`, the last one 0: every total has a grade.
  std::vector<grade> grades = default_grades();

  bool operator==(const scoring_config&) const = default;
};

// The value of a campaign's "scoring" field (null = every default). Fields
// left out keep their default, inside "weights" too; "satisfaction_bands"
// and "grades", when given, replace the defaults whole. Error paths start
// with "scoring.".
result<scoring_config> parse_scoring_config(const nlohmann::json& scoring);

nlohmann::json to_json(const scoring_config& config);

}  // namespace pingyi::eval
