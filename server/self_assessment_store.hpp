// The units' self-assessments in Redis (Art. 6, 7): the campaign's
// indicator system, and per unit its self-assessment and where it stands.
// Every change is compare-and-set in one Lua script: a unit's record is
// replaced only if it is still the one the change was decided on, and the
// indicator system only while no unit's self-assessment is submitted or
// accepted, so a submission, a review and an edit of the indicators never
// cross.
//
//   {c:<cid>}:indicators   STRING {"categories": [...], "at": ms, "by": who}
//   {c:<cid>}:self         HASH   unit -> record JSON {"state", "items", "disclosure", "saved_at",
//                                        "submitted_at", "reviewed_at", "reviewer", "comment"}
//   {c:<cid>}:self-state   HASH   unit -> state (what the indicators' script reads)
//   {c:<cid>}:self:<unit>:files   the unit's attachments (server/attachment_store.hpp)
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>

#include <boost/asio/awaitable.hpp>
#include <boost/system/error_code.hpp>

#include "vote/indicators.hpp"

namespace pingyi::redis {
class connection;
}

namespace pingyi::server {

namespace self_assessment_keys {
std::string indicators(std::string_view cid);
std::string records(std::string_view cid);
std::string states(std::string_view cid);
// The attachment store's owner for a unit's self-assessment files.
std::string attachments_owner(std::string_view cid, std::string_view uid);
}  // namespace self_assessment_keys

// draft: being written (also before anything was saved); submitted: waiting
// for staff; accepted: final, its disclosure published; returned: staff
// sent it back with a comment, the unit edits and submits again.
enum class assessment_state { draft, submitted, accepted, returned };

std::string_view to_string(assessment_state s);
std::optional<assessment_state> parse_assessment_state(std::string_view text);
// Whether the unit may still change it (draft or returned).
bool editable(assessment_state s);

struct assessment_record {
    assessment_state state = assessment_state::draft;
    vote::self_assessment content;
    std::int64_t saved_ms = 0;
    std::int64_t submitted_ms = 0;
    std::int64_t reviewed_ms = 0;
    std::string reviewer;
    std::string comment;  // the reviewer's, shown to the unit

    bool operator==(const assessment_record&) const = default;
};

std::string encode_record(const assessment_record& r);
std::optional<assessment_record> decode_record(std::string_view text);

// The indicator system as stored: the text exactly (what a change must find
// unchanged; "" when none is set) and what it says.
struct stored_indicators {
    std::string text;
    vote::indicator_system system;
    std::int64_t at_ms = 0;
    std::string by;
    // Some unit's self-assessment was submitted or accepted, as read with
    // it: the system may not change then.
    bool locked = false;
};

std::string encode_indicators(const vote::indicator_system& system, std::int64_t at_ms, std::string_view by);
// nullopt when the text is not what encode_indicators writes.
std::optional<stored_indicators> decode_indicators(std::string text);

// One unit's: the indicators and its record, read together.
struct unit_assessment {
    stored_indicators indicators;
    std::string record_text;  // "" when the unit never saved
    std::optional<assessment_record> record;
};

// Every unit's, for the staff's overview.
struct campaign_assessments {
    stored_indicators indicators;
    std::map<std::string, assessment_record, std::less<>> records;
};

// ec: Redis failed, or stored data could not be read (logged).
boost::asio::awaitable<stored_indicators> load_indicators(redis::connection& redis, std::string_view cid,
                                                          boost::system::error_code& ec);
boost::asio::awaitable<unit_assessment> load_unit_assessment(redis::connection& redis, std::string_view cid,
                                                             std::string_view uid, boost::system::error_code& ec);
boost::asio::awaitable<campaign_assessments> load_assessments(redis::connection& redis, std::string_view cid,
                                                              boost::system::error_code& ec);

// Stores the encoded system unless a unit's self-assessment is submitted or
// accepted (false then, nothing written).
boost::asio::awaitable<bool> replace_indicators(redis::connection& redis, std::string_view cid, std::string text,
                                                boost::system::error_code& ec);

// Writes `after` as the unit's record if its record and the indicators are
// still those of `before`; false when either changed meanwhile.
boost::asio::awaitable<bool> replace_record(redis::connection& redis, std::string_view cid, std::string_view uid,
                                            const unit_assessment& before, const assessment_record& after,
                                            boost::system::error_code& ec);

}  // namespace pingyi::server
