// The evaluation's inputs in Redis: judges' and units' score sheets, unit
// statuses, and the frozen results once published. Every key carries the
// campaign's hash tag, and every change is one Lua script that refuses once
// the campaign is published and bumps a revision, so a judge's replacement
// never interleaves with another's and publication can tell whether
// anything changed while it computed.
//
//   {c:<cid>}:panel      HASH judge -> sheet {"at", "by", "scores": [{"unit", "score", "comment"}]}
//   {c:<cid>}:peer       HASH rater -> sheet {"at", "by", "scores": [{"unit", "score"}]}
//   {c:<cid>}:status     HASH unit -> {"status", "reason", "by", "at"} (no field: present)
//   {c:<cid>}:judges     ZSET judge -> when its scoring link was first issued (ms)
//   {c:<cid>}:eval-rev   STRING counter, bumped by every change to panel, peer or status
//   {c:<cid>}:published  HASH at, by, results (JSON), csv, report (HTML), inputs (JSON)
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <boost/asio/awaitable.hpp>
#include <boost/system/error_code.hpp>
#include <nlohmann/json_fwd.hpp>

#include "eval/config.hpp"
#include "eval/engine.hpp"
#include "eval/inputs.hpp"
#include "vote/campaign.hpp"
#include "vote/tally.hpp"

namespace pingyi::redis {
class connection;
}

namespace pingyi::server {

namespace scoring_keys {
std::string panel(std::string_view cid);
std::string peer(std::string_view cid);
std::string status(std::string_view cid);
std::string judges(std::string_view cid);
std::string revision(std::string_view cid);
std::string published(std::string_view cid);
}  // namespace scoring_keys

enum class sheet_kind { panel, peer };

struct sheet_item {
    std::string unit;
    eval::decimal score;
    std::string comment;  // panel only

    bool operator==(const sheet_item&) const = default;
};

// One judge's (or rating unit's) scores, as last submitted.
struct score_sheet {
    std::string owner;
    std::int64_t at_ms = 0;
    std::string by;  // "link", a staff user, or "token"
    std::vector<sheet_item> items;

    bool operator==(const score_sheet&) const = default;
};

struct status_record {
    eval::unit_status status = eval::unit_status::present;
    std::string reason;
    std::string by;
    std::int64_t at_ms = 0;

    bool operator==(const status_record&) const = default;
};

std::string encode_sheet(const score_sheet& sheet);
std::optional<score_sheet> decode_sheet(std::string_view owner, std::string_view text);
std::string encode_status(const status_record& record);
std::optional<status_record> decode_status(std::string_view text);

// Parsed request bodies grouped into one sheet per judge or rater, in order
// of first appearance.
std::vector<score_sheet> sheets_of(const std::vector<eval::panel_score>& scores, std::int64_t at_ms,
                                   const std::string& by);
std::vector<score_sheet> sheets_of(const std::vector<eval::peer_score>& scores, std::int64_t at_ms,
                                   const std::string& by);

// Everything the evaluation reads, from one consistent moment.
struct scoring_snapshot {
    std::vector<score_sheet> panel;  // judges with links first, in issue order, then by id
    std::vector<score_sheet> peer;   // by rater id
    std::map<std::string, status_record, std::less<>> statuses;
    std::vector<std::string> judges;  // judges with links, in issue order
    vote::tally_counts tally;
    std::string revision;
    bool published = false;
};

// The campaign's units as the engine sees them, with their statuses.
std::vector<eval::unit> eval_units(const vote::campaign& c,
                                   const std::map<std::string, status_record, std::less<>>& statuses);
// The engine's whole input. Tally entries for units or bands the campaign
// does not have are left out.
eval::evaluation_input evaluation_input_of(const vote::campaign& c, const eval::scoring_config& config,
                                           const scoring_snapshot& s);
// What publication freezes next to the results, for later questions (who
// scored what, the reasons for statuses, the comments units may read):
// {"units": [{"id", "name", "status", "reason"}], "panel": [{"judge",
// "unit", "score", "comment"}], "peer": [{"rater", "unit", "score"}],
// "votes": {...}, "ratings": {...}, "scoring": {...}}.
nlohmann::json frozen_inputs_json(const eval::evaluation_input& input, const scoring_snapshot& s);
// The panel's comments on `unit` in frozen inputs (frozen_inputs_json's
// text), in the judges' order, empty ones left out; the judges are not named.
std::vector<std::string> published_comments(std::string_view frozen_inputs, std::string_view unit);

boost::asio::awaitable<scoring_snapshot> load_scoring(redis::connection& redis, std::string_view cid,
                                                      boost::system::error_code& ec);

// Replaces the given owners' sheets; with `whole`, every other owner's
// sheet of that kind goes too. False (nothing changed) once published.
boost::asio::awaitable<bool> replace_sheets(redis::connection& redis, std::string_view cid, sheet_kind kind,
                                            const std::vector<score_sheet>& sheets, bool whole,
                                            boost::system::error_code& ec);

// False (nothing changed) once published.
boost::asio::awaitable<bool> set_unit_status(redis::connection& redis, std::string_view cid, std::string_view unit,
                                             const status_record& record, boost::system::error_code& ec);

// Adds judges to the registry (those already there keep their place).
boost::asio::awaitable<void> register_judges(redis::connection& redis, std::string_view cid,
                                             const std::vector<std::string>& judges, std::int64_t at_ms,
                                             boost::system::error_code& ec);

struct frozen_results {
    std::int64_t at_ms = 0;
    std::string by;
    std::string results;  // the results JSON, "published": true
    std::string csv;
    std::string report;
    std::string inputs;
};

enum class publish_outcome { published, already_published, changed };

// Stores the results unless already published, or unless the scores
// changed since `revision` (then the caller computes again).
boost::asio::awaitable<publish_outcome> publish_results(redis::connection& redis, std::string_view cid,
                                                        std::string_view revision, const frozen_results& frozen,
                                                        boost::system::error_code& ec);

// One field of the frozen results ("results", "csv", "report", "inputs");
// nullopt when not published.
boost::asio::awaitable<std::optional<std::string>> published_field(redis::connection& redis, std::string_view cid,
                                                                   std::string_view field,
                                                                   boost::system::error_code& ec);

}  // namespace pingyi::server
