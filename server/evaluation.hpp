// What the engine makes of a campaign's stored inputs right now: the
// scoring settings, the scores as stored, the engine's input and results.
// Shared by the evaluation routes and the live events.
#pragma once

#include <optional>
#include <vector>

#include <boost/asio/awaitable.hpp>

#include "eval/config.hpp"
#include "eval/engine.hpp"
#include "http/types.hpp"
#include "server/scoring_store.hpp"
#include "vote/campaign.hpp"

namespace pingyi::server {

struct worker_state;

struct evaluation {
    eval::scoring_config config;
    scoring_snapshot snapshot;
    eval::evaluation_input input;
    std::vector<eval::unit_result> units;
};

// Fills `out`; otherwise the response to send: 503 when Redis did not
// answer, 500 evaluation_failed (logged) when the stored inputs are unusable.
boost::asio::awaitable<std::optional<http::response>> evaluate_now(worker_state& w, const vote::campaign& c,
                                                                   evaluation& out);

}  // namespace pingyi::server
