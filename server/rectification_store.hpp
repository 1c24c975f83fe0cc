// A unit's rectification report (整改情况, Art. 3(6)): the unit answers
// the public's approved suggestions and the panel's published comments on
// it, item by item, and says overall what it changed. It saves drafts
// through its portal link and submits once; the report is due when the next
// year's campaign (the one whose previous_campaign names this one) opens,
// and that campaign shows it to voters.
//
//   {c:<cid>}:rectification  HASH <uid> -> the report {"overall", "items": [{"id", "kind", "from", "text",
//                                          "answer"}], "at"} (each answered item with what it answers)
//                                 <uid>#submitted -> when it was submitted (ms); no field: a draft
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include <boost/asio/awaitable.hpp>
#include <boost/system/error_code.hpp>

#include "server/suggestion_store.hpp"
#include "vote/campaign.hpp"
#include "vote/error.hpp"

namespace pingyi::redis {
class connection;
}

namespace pingyi::server {

inline constexpr std::size_t rectification_answer_max_chars = 2000;
inline constexpr std::size_t rectification_overall_max_chars = 5000;

std::string rectification_key(std::string_view cid);

enum class feedback_kind { suggestion, comment };

// One thing the unit may answer: an approved suggestion ("s<id>") or the
// n-th published comment of the panel on it ("c<n>").
struct feedback_item {
    std::string id;
    feedback_kind kind = feedback_kind::suggestion;
    std::string from;  // "公众建议", or "评议团成员 <n>" (judges are not named)
    std::string text;

    bool operator==(const feedback_item&) const = default;
};

// What a unit answers: `suggestions` approved for it, then the panel's comments, in order.
std::vector<feedback_item> feedback_items(const std::vector<suggestion>& suggestions,
                                          const std::vector<std::string>& comments);

struct answered_item {
    feedback_item item;  // as it was when answered
    std::string answer;

    bool operator==(const answered_item&) const = default;
};

struct rectification_report {
    std::string overall;
    std::vector<answered_item> items;  // answered ones only
    std::int64_t saved_ms = 0;
    std::optional<std::int64_t> submitted_ms;

    bool operator==(const rectification_report&) const = default;
};

// The stored JSON (without submitted_ms, which is a field of its own).
std::string encode_report(const rectification_report& r);
std::optional<rectification_report> decode_report(std::string_view text);

// The body of a save, {"overall": "…", "answers": {"<item id>": "…"}}, against
// what the unit may answer now: every text checked (server/suggestion_store.hpp),
// an empty answer left out, an unknown item refused (code invalid_rectification).
std::variant<rectification_report, vote::error> parse_rectification(std::string_view body,
                                                                    const std::vector<feedback_item>& items,
                                                                    std::int64_t now_ms);

// When the report of campaign `cid` is due: the opening of the earliest
// campaign whose previous_campaign is `cid`; nullopt while there is none.
std::optional<std::int64_t> rectification_due(std::string_view cid,
                                              const std::vector<std::shared_ptr<const vote::campaign>>& campaigns);

// pending: not submitted, not due yet (or no due date yet); on_time / late:
// submitted by the due date or after it; missing: not submitted and overdue.
enum class rectification_status { pending, on_time, late, missing };

std::string_view to_string(rectification_status s);
rectification_status status_of(std::optional<std::int64_t> submitted_ms, std::optional<std::int64_t> due_ms,
                               std::int64_t now_ms);

// Every unit's report of a campaign, by unit id.
boost::asio::awaitable<std::map<std::string, rectification_report>> load_rectifications(
    redis::connection& redis, std::string_view cid, boost::system::error_code& ec);

// One unit's report and its stored text (for submit_rectification); nullopt when it has none.
struct stored_report {
    rectification_report report;
    std::string text;
};
boost::asio::awaitable<std::optional<stored_report>> load_rectification(redis::connection& redis,
                                                                        std::string_view cid, std::string_view uid,
                                                                        boost::system::error_code& ec);

// Replaces the unit's draft. False (nothing changed) once it is submitted.
boost::asio::awaitable<bool> save_rectification(redis::connection& redis, std::string_view cid, std::string_view uid,
                                                const rectification_report& r, boost::system::error_code& ec);

enum class submit_outcome { submitted, already_submitted, changed };

// Submits the draft whose stored text is `draft` at now_ms; `changed` when
// the draft is no longer that text (saved again meanwhile, or gone).
boost::asio::awaitable<submit_outcome> submit_rectification(redis::connection& redis, std::string_view cid,
                                                            std::string_view uid, std::string_view draft,
                                                            std::int64_t now_ms, boost::system::error_code& ec);

}  // namespace pingyi::server
