// Changing a campaign after it was created: what an edit may still change
// once voting has begun, and the window moves of "open now" / "close now".
// Pure: the server stores what these return.
#pragma once

#include <cstdint>
#include <optional>

#include "vote/campaign.hpp"
#include "vote/error.hpp"

namespace pingyi::vote {

// Once a campaign has opened, ballots were cast under its units, rules and
// ballot form; an edit may then change only the title, the organizer, unit
// names and disclosures, electorates, WeChat texts, tally visibility,
// closes_at, the scoring (but not the satisfaction ballot form) and the
// privacy retention.
// nullopt: allowed; otherwise code "campaign_locked" naming the field.
std::optional<error> locked_change(const campaign& before, const campaign& after, std::int64_t now_ms);

// Upcoming → opens at now_ms; already open → unchanged; closed → nullopt
// (reopening means moving closes_at, by an edit).
std::optional<campaign> opened_now(campaign c, std::int64_t now_ms);

// Open → closes at now_ms; upcoming → opens and closes at once; closed →
// unchanged.
campaign closed_now(campaign c, std::int64_t now_ms);

}  // namespace pingyi::vote
