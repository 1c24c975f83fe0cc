// Annual filings (Art. 17): a unit not evaluated this year files a work plan
// (工作计划) by 31 March and a year-end summary (年终总结) by 31 December;
// the office checks each one (accepts it, or returns it with a comment).
// Per organizer and year, a roster says which units must file.
//
// The rules, without I/O: the due instants, a filing's timing and review
// state at a given `now` (the clock is the caller's, so tests set it), the
// roster's input (JSON or the office's CSV), and whom to remind.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include <nlohmann/json.hpp>

#include "vote/error.hpp"

namespace pingyi::server {

enum class filing_kind { plan, summary };
inline constexpr filing_kind filing_kinds[] = {filing_kind::plan, filing_kind::summary};

std::string_view to_string(filing_kind kind);  // "plan", "summary"
std::string_view label(filing_kind kind);      // "工作计划", "年终总结"
std::optional<filing_kind> parse_filing_kind(std::string_view text);

inline constexpr int min_filing_year = 2000;
inline constexpr int max_filing_year = 2100;
// Four digits within min_filing_year..max_filing_year.
std::optional<int> parse_filing_year(std::string_view text);

// 23:59:59 Asia/Shanghai on 31 March (plan) or 31 December (summary) of
// `year`, in epoch ms: that whole second still counts as on time.
std::int64_t filing_due_ms(int year, filing_kind kind);

// Where a filing stands against its due date.
enum class filing_timing {
    not_due_yet,  // nothing filed, still time (待提交)
    on_time,      // filed by the due second (按时)
    late,         // filed after it (逾期)
    missing,      // nothing filed, past due (未交)
};
std::string_view to_string(filing_timing timing);
std::string_view label(filing_timing timing);
filing_timing timing_of(std::optional<std::int64_t> submitted_ms, std::int64_t due_ms, std::int64_t now_ms);

// The office's check of what was filed.
enum class review_state { pending, accepted, returned };
std::string_view to_string(review_state state);  // "pending", "accepted", "returned"
std::string_view label(review_state state);      // "待审核", "已通过", "已退回"
std::optional<review_state> parse_review_state(std::string_view text);

// One unit's plan or summary as filed: the file (an attachment id), a note,
// when, and the office's check.
struct filing {
    std::string attachment;
    std::string note;
    std::int64_t submitted_ms = 0;
    review_state review = review_state::pending;
    std::string comment;   // why it was returned, or a remark
    std::string reviewer;  // the staff member
    std::int64_t reviewed_ms = 0;

    bool operator==(const filing&) const = default;
};

inline constexpr std::size_t max_note_chars = 1000;
inline constexpr std::size_t max_comment_chars = 1000;

// A unit's note or the office's comment: valid UTF-8, at most `max_chars`
// characters.
bool valid_text(std::string_view text, std::size_t max_chars);

// A unit that must file: its id ([A-Za-z0-9_-]{1,64}), name, and whom to
// remind (contact person and telephone, free text).
struct roster_unit {
    std::string id;
    std::string name;
    std::string contact;

    bool operator==(const roster_unit&) const = default;
};

inline constexpr std::size_t max_roster_units = 2000;
inline constexpr std::size_t max_unit_name_chars = 100;
inline constexpr std::size_t max_contact_chars = 200;

// [{"id", "name", "contact"}] (contact optional), ids unique, at most
// max_roster_units. Error code "invalid_roster", path e.g. "[3].name".
std::variant<std::vector<roster_unit>, vote::error> roster_from_json(const nlohmann::json& body);
// The office's CSV (UTF-8, a BOM allowed): 单位编号,单位名称,联系人, one unit a
// row; a header row is skipped, blank rows too. Error paths "row5" (row as
// Excel numbers it).
std::variant<std::vector<roster_unit>, vote::error> roster_from_csv(std::string_view text);
nlohmann::json roster_json(const std::vector<roster_unit>& units);

// A roster unit with what it filed.
struct unit_filings {
    roster_unit unit;
    std::optional<filing> plan;
    std::optional<filing> summary;

    const std::optional<filing>& of(filing_kind kind) const { return kind == filing_kind::plan ? plan : summary; }
};

// {"kind", "label", "due_at", "timing", "timing_label", "filed": bool, and
// when filed "submitted_at", "note", "review", "review_label", "comment",
// "reviewer", "reviewed_at"}.
nlohmann::json filing_json(int year, filing_kind kind, const std::optional<filing>& f, std::int64_t now_ms);

// Why a unit is reminded of one of its filings.
enum class reminder_reason {
    due_soon,  // nothing filed, due within reminder_lead_ms
    missing,   // nothing filed, past due
    returned,  // the office returned it: file again
};
std::string_view label(reminder_reason reason);

// How long before a due date a unit that has filed nothing is reminded.
inline constexpr std::int64_t reminder_lead_ms = 30LL * 86'400'000;

struct reminder {
    const unit_filings* unit;
    filing_kind kind;
    reminder_reason reason;
};

// The reminders at `now`, in roster order, plan before summary.
std::vector<reminder> reminders_at(int year, const std::vector<unit_filings>& units, std::int64_t now_ms);

// For Excel: a UTF-8 BOM, the header 单位编号,单位名称,联系人,材料,截止时间,情况,退回意见,
// one row per reminder, CRLF line ends.
std::string reminders_csv(int year, const std::vector<reminder>& reminders);

}  // namespace pingyi::server
