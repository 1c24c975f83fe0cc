// The public's suggestions to the units under evaluation (Art. 3(6)): a
// voter leaves one on the vote page, staff approve or reject it, and only
// approved ones are shown, to everyone and to the unit, which answers them
// in its rectification report (server/rectification_store.hpp). A voter may
// leave suggestions_per_day a campaign a Shanghai day.
//
//   {c:<cid>}:suggestions           HASH id -> {"unit", "text", "at", "state", "by", "reason", "moderated_at"}
//   {c:<cid>}:suggestions:<state>   ZSET id (score: the id) per state: pending, approved, rejected
//   {c:<cid>}:suggestion-seq        STRING the last id given (ids are 1, 2, 3…)
//   {c:<cid>}:suggestion-voters     HASH id -> the voter's account pseudonym (never shown)
//   {c:<cid>}:suggestion-day:<day>  HASH account pseudonym -> suggestions left that day; expires after two days
//
// The last two name voters: the purge of the campaign's personal data
// deletes them (server/privacy_purge.cpp); the texts stay.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <boost/asio/awaitable.hpp>
#include <boost/system/error_code.hpp>

namespace pingyi::redis {
class connection;
}

namespace pingyi::server {

inline constexpr std::int64_t suggestions_per_day = 3;
inline constexpr std::size_t suggestion_min_chars = 5;
inline constexpr std::size_t suggestion_max_chars = 500;

// People's free text as suggestions and rectification reports take it:
// valid UTF-8, white space (ASCII and U+3000) trimmed at both ends, "\r\n"
// read as "\n", no other control or bidirectional-override character, and
// from min_chars to max_chars characters (code points).
struct checked_text {
    std::string text;     // the cleaned text
    std::string problem;  // 中文, empty when the text is fine
};
checked_text check_free_text(std::string_view raw, std::size_t min_chars, std::size_t max_chars);

enum class suggestion_state { pending, approved, rejected };

std::string_view to_string(suggestion_state s);
std::optional<suggestion_state> parse_suggestion_state(std::string_view text);

struct suggestion {
    std::string id;
    std::string unit;
    std::string text;
    std::int64_t at_ms = 0;
    suggestion_state state = suggestion_state::pending;
    std::string moderator;  // who decided; "" while pending
    std::string reason;
    std::int64_t moderated_ms = 0;

    bool operator==(const suggestion&) const = default;
};

// The stored JSON (the id is the hash field, not in it).
std::string encode_suggestion(const suggestion& s);
std::optional<suggestion> decode_suggestion(std::string_view id, std::string_view text);

namespace suggestion_keys {
std::string records(std::string_view cid);
std::string by_state(std::string_view cid, suggestion_state s);
std::string sequence(std::string_view cid);
std::string voters(std::string_view cid);
std::string day(std::string_view cid, std::int64_t day_number);
// True for the keys above that name voters (what the purge deletes).
bool holds_personal_data(std::string_view cid, std::string_view key);
}  // namespace suggestion_keys

struct added_suggestion {
    std::optional<std::string> id;  // nullopt: the voter reached today's limit, nothing stored
    std::int64_t left_today = 0;
};

// Stores `s` as pending, for `voter` (the account pseudonym), counted on
// now_ms's Shanghai day; the limit check and the writes are one script.
boost::asio::awaitable<added_suggestion> add_suggestion(redis::connection& redis, std::string_view cid,
                                                        const suggestion& s, std::string_view voter,
                                                        std::int64_t now_ms, boost::system::error_code& ec);

struct suggestion_list {
    std::vector<suggestion> items;  // oldest first, at most the limit asked for
    std::uint64_t pending = 0, approved = 0, rejected = 0;  // how many there are in each state
};

// The suggestions in `state` (nullopt: in every state), oldest first.
boost::asio::awaitable<suggestion_list> load_suggestions(redis::connection& redis, std::string_view cid,
                                                         std::optional<suggestion_state> state, std::size_t limit,
                                                         boost::system::error_code& ec);

// One suggestion; nullopt when there is none with this id.
boost::asio::awaitable<std::optional<suggestion>> find_suggestion(redis::connection& redis, std::string_view cid,
                                                                  std::string_view id,
                                                                  boost::system::error_code& ec);

// Replaces a suggestion's record, its state decided (a decision may be
// changed later: every one goes to the staff audit trail). False when it no
// longer exists.
boost::asio::awaitable<bool> store_moderation(redis::connection& redis, std::string_view cid, const suggestion& s,
                                              boost::system::error_code& ec);

}  // namespace pingyi::server
