// A campaign's indicator system (评议指标体系, Art. 6) and the units'
// self-assessments against it: categories of indicators worth points; a unit
// gives itself a score per indicator, with the evidence in words, and writes
// its disclosure (duties, measures, results, Art. 7).
//
// The office keeps the system in Excel: it comes in as CSV (UTF-8, with or
// without a BOM) with the header 类别,指标编号,指标名称,分值,评分标准 (the
// last column optional); rows before the header are notes and are skipped;
// an empty 类别 repeats the one above (merged cells). It goes out as CSV
// with a BOM, which Excel opens as UTF-8. Every mistake is named by its row
// (as Excel numbers them) or JSON path, in Chinese.
//
// Points and scores carry at most one decimal place and are kept in tenths,
// so that totals are exact. Pure: no I/O.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include <nlohmann/json.hpp>

#include "vote/campaign.hpp"
#include "vote/error.hpp"

namespace pingyi::vote {

// A number with at most one decimal place, in tenths: 4.5 is 45.
using tenths = std::int64_t;

// "4.5", "4"
std::string format_tenths(tenths value);
// 4.5 or 4, as a JSON number.
nlohmann::json tenths_json(tenths value);

inline constexpr tenths max_indicator_points = 10000;  // 1000 points
inline constexpr std::size_t max_categories = 50;
inline constexpr std::size_t max_indicators = 500;
inline constexpr std::size_t max_indicator_name_chars = 200;
inline constexpr std::size_t max_standard_chars = 2000;
inline constexpr std::size_t max_evidence_chars = 2000;
inline constexpr std::size_t max_disclosure_chars = 5000;

struct indicator {
    std::string id;  // [A-Za-z0-9._-]{1,32}, e.g. "1.1"; unique in the system
    std::string name;
    tenths points = 0;     // more than 0
    std::string standard;  // 评分标准; may be empty

    bool operator==(const indicator&) const = default;
};

struct indicator_category {
    std::string name;
    std::vector<indicator> indicators;  // at least one

    tenths points() const;
    bool operator==(const indicator_category&) const = default;
};

struct indicator_system {
    std::vector<indicator_category> categories;  // none: not set yet

    tenths total_points() const;
    std::size_t indicator_count() const;
    const indicator* find(std::string_view id) const;
    // {"categories": [{"name", "indicators": [{"id", "name", "points", "standard"}]}]}:
    // what indicators_from_json reads back.
    nlohmann::json to_json() const;
    // to_json() with each category's points, "total_points" and "indicator_count".
    nlohmann::json summary_json() const;

    bool operator==(const indicator_system&) const = default;
};

// {"categories": [...]} as to_json() writes it; at least one indicator.
// Error code "invalid_indicators", path e.g. "categories[0].indicators[2].points".
std::variant<indicator_system, error> indicators_from_json(const nlohmann::json& body);
// The office's CSV; error paths "row5.points" (row as Excel numbers it).
std::variant<indicator_system, error> indicators_from_csv(std::string_view text);
// A BOM, the header, one row per indicator (CRLF), RFC 4180 quoting. No
// apostrophe before a leading = + - @ as the results export has: the file
// is for importing back, and staff wrote every cell of it.
std::string indicators_csv(const indicator_system& system);

// One indicator of a unit's self-assessment.
struct assessment_item {
    std::string indicator;
    std::optional<tenths> score;  // none: not scored yet
    std::string evidence;         // 自评说明: what the unit did, and where the proof is

    bool operator==(const assessment_item&) const = default;
};

struct self_assessment {
    std::vector<assessment_item> items;
    vote::disclosure disclosure;

    tenths total_score() const;
    // {"items": [{"indicator", "score" (null when none), "evidence"}], "disclosure": {...}}
    nlohmann::json to_json() const;

    bool operator==(const self_assessment&) const = default;
};

// The body of a draft, {"items": [...], "disclosure": {...}}, both
// optional: each item names an indicator once, its score is a number from 0
// with at most one decimal place (or null), the evidence and the
// disclosure's fields are at most max_evidence_chars and
// max_disclosure_chars characters. Error code "invalid_self_assessment".
std::variant<self_assessment, error> self_assessment_from_json(const nlohmann::json& body);
// Checks the items against the system: every indicator exists, no score
// above its points. nullopt when they fit.
std::optional<error> check_against(const self_assessment& a, const indicator_system& system);
// Only the items of indicators the system has, in its order (a stored draft
// after the system changed).
self_assessment fitted(const self_assessment& a, const indicator_system& system);

// What a submission still lacks: per indicator, its score and its
// evidence; then each of the disclosure's three fields.
struct missing_field {
    std::string indicator;  // "" for the disclosure
    std::string field;      // "score", "evidence", "disclosure.duties", "disclosure.measures", "disclosure.results"
    std::string message;    // 中文, naming the indicator

    bool operator==(const missing_field&) const = default;
};
std::vector<missing_field> missing_for_submit(const self_assessment& a, const indicator_system& system);

// Indicators with both a score and evidence.
std::size_t filled_count(const self_assessment& a, const indicator_system& system);
// All three fields written (not only spaces).
bool disclosure_filled(const vote::disclosure& d);

}  // namespace pingyi::vote
