#pragma once

#include <string_view>
#include <vector>

#include <nlohmann/json_fwd.hpp>

#include "eval/error.hpp"
#include "eval/inputs.hpp"

namespace pingyi::eval {

// Request bodies of the panel-scores and peer-scores endpoints, checked
// against the campaign's units. Refused (400): a malformed body, an unknown
// field, an id outside [A-Za-z0-9_-]{1,64}, an unknown unit, a score outside
// 0..100 or with more than 2 decimals, the same (judge, unit) or (rater,
// unit) twice, a unit rating itself. Error paths: "scores[2].score".

// PUT panel-scores: {"scores": [{"judge", "unit", "score", "comment"}]}.
result<std::vector<panel_score>> parse_panel_scores(const nlohmann::json& body, const std::vector<unit>& units);

// PUT panel-scores/<judge>: {"scores": [{"unit", "score", "comment"}]}.
result<std::vector<panel_score>> parse_judge_scores(const nlohmann::json& body, std::string_view judge,
                                                    const std::vector<unit>& units);

// PUT peer-scores: {"scores": [{"rater", "unit", "score"}]}.
result<std::vector<peer_score>> parse_peer_scores(const nlohmann::json& body, const std::vector<unit>& units);

// PUT peer-scores/<rater>: {"scores": [{"unit", "score"}]}; the rater is a unit.
result<std::vector<peer_score>> parse_rater_scores(const nlohmann::json& body, std::string_view rater,
                                                   const std::vector<unit>& units);

}  // namespace pingyi::eval
