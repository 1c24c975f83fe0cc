// The ballot body, checked against its campaign before the ballot script
// runs: {"units": ["u1", "u3"]} or, in satisfaction mode,
// {"ratings": {"u1": "满意", ...}}.
#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

#include "vote/campaign.hpp"
#include "vote/error.hpp"

namespace pingyi::vote {

struct ballot {
    // The units named, in the order given (satisfaction mode: the rated ones).
    std::vector<std::string> units;
    // Satisfaction mode only: one band per entry of units, same order.
    std::vector<std::string> bands;

    bool rated() const { return !bands.empty(); }
};

// A refusal has code "invalid_ballot" and a Chinese message.
std::variant<ballot, error> parse_ballot(std::string_view body, const campaign& c);

}  // namespace pingyi::vote
