// The staff audit trail: every staff action (who, what, when, on what) is
// appended to one Redis stream whose entry IDs are gap-free sequence
// numbers, so that a deleted entry shows. No route deletes from it; only the
// retention trim drops entries, and only those older than the retention
// (at least 180 days), recording the last one's hash as the anchor the
// retained trail's chain continues from (server/admin_chain.hpp).
//
//   pingyi:admin-log                 STREAM IDs <seq>-0 (seq = 1, 2, 3...), fields time (ms), who,
//                                           action, campaign, detail (JSON)
//   {pingyi:admin-log}:seq           STRING the last seq appended
//   {pingyi:admin-log}:anchor        HASH   seq, hash of the last entry the trim dropped; only the trim writes it
//   {pingyi:admin-log}:before-chain  STREAM a trail written before the sequence numbers, kept as it was
//
// (The braces put every key in the stream's Redis Cluster slot, so one
// script may touch them all.)
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include <boost/asio/awaitable.hpp>
#include <boost/system/error_code.hpp>
#include <nlohmann/json.hpp>

#include "server/admin_chain.hpp"
#include "server/auth.hpp"

namespace pingyi::redis {
class connection;
}

namespace pingyi::server {

inline constexpr std::string_view admin_log_key = "pingyi:admin-log";

// Appends {time, who, action, campaign, detail}; ec when Redis failed (the
// caller refuses the action then: no action goes unrecorded).
boost::asio::awaitable<void> record_admin_action(redis::connection& redis, std::string_view who,
                                                 std::string_view action, std::string_view campaign,
                                                 const nlohmann::json& detail, boost::system::error_code& ec);

// The same for a staff member's action: the detail also names their
// organizer ("actor_organizer"; absent for the city level), so a county's
// actions can be told apart in the one trail the city's auditors read.
boost::asio::awaitable<void> record_admin_action(redis::connection& redis, const principal& who,
                                                 std::string_view action, std::string_view campaign,
                                                 const nlohmann::json& detail, boost::system::error_code& ec);

// The same append as one EVAL, for the CLI's blocking client.
std::vector<std::string> admin_append_command(std::int64_t time_ms, std::string_view who, std::string_view action,
                                              std::string_view campaign, const nlohmann::json& detail);

// Where the retained trail starts and how many entries were ever appended.
struct trail_bounds {
    chain_anchor anchor;
    std::uint64_t appended = 0;
};
boost::asio::awaitable<trail_bounds> read_trail_bounds(redis::connection& redis, boost::system::error_code& ec);

// Entries first_seq..last_seq, at most `count`, in seq order. `unreadable`
// names the ID of an entry that could not be parsed (the page stops before it).
struct trail_page {
    std::vector<admin_entry> entries;
    std::size_t read = 0;  // elements Redis gave, parsed or not
    std::string unreadable;
};
boost::asio::awaitable<trail_page> read_trail(redis::connection& redis, std::uint64_t first_seq,
                                              std::uint64_t last_seq, std::size_t count,
                                              boost::system::error_code& ec);

// The whole retained trail checked: the chain from the anchor, and every
// seq present up to the counter.
boost::asio::awaitable<trail_report> verify_admin_log(redis::connection& redis, boost::system::error_code& ec);

// Drops the entries older than `retention_days` (see plan_trim), records
// that it did ("audit.trim"), and returns how many it dropped.
boost::asio::awaitable<std::uint64_t> trim_admin_log(redis::connection& redis, std::int64_t now_ms,
                                                     int retention_days, boost::system::error_code& ec);

}  // namespace pingyi::server
