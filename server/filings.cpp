#include "server/filings.hpp"

#include <chrono>
#include <set>

#include "eval/id.hpp"
#include "eval/results_format.hpp"
#include "vote/time.hpp"

namespace pingyi::server {

using nlohmann::json;

namespace {

constexpr std::string_view bom = "\xef\xbb\xbf";

std::size_t char_count(std::string_view s) {
    std::size_t n = 0;
    for (char c : s) n += (static_cast<unsigned char>(c) & 0xc0) != 0x80;
    return n;
}

std::string trimmed(std::string_view s) {
    constexpr std::string_view space = " \t\r\n";
    auto first = s.find_first_not_of(space);
    if (first == std::string_view::npos) return {};
    return std::string(s.substr(first, s.find_last_not_of(space) - first + 1));
}

// Valid UTF-8: what nlohmann's strict dump accepts.
bool valid_utf8(std::string_view s) {
    try {
        (void)json(std::string(s)).dump();
        return true;
    } catch (const json::type_error&) {
        return false;
    }
}

vote::error roster_error(std::string path, std::string message) {
    return {"invalid_roster", std::move(path), std::move(message)};
}

// Checks one unit; `where` names it for people ("第 3 行", "第 3 项").
std::optional<vote::error> check_unit(const roster_unit& u, const std::string& path, const std::string& where,
                                      std::set<std::string, std::less<>>& seen) {
    if (!eval::is_valid_id(u.id))
        return roster_error(path, where + "：单位编号只能由字母、数字、下划线和连字符组成（1 至 64 个）：" + u.id);
    if (!seen.insert(u.id).second) return roster_error(path, where + "：单位编号重复：" + u.id);
    if (u.name.empty()) return roster_error(path, where + "：缺少单位名称");
    if (char_count(u.name) > max_unit_name_chars)
        return roster_error(path, where + "：单位名称不能超过 " + std::to_string(max_unit_name_chars) + " 个字");
    if (char_count(u.contact) > max_contact_chars)
        return roster_error(path, where + "：联系人不能超过 " + std::to_string(max_contact_chars) + " 个字");
    return std::nullopt;
}

std::optional<vote::error> too_many(std::size_t count) {
    if (count <= max_roster_units) return std::nullopt;
    return roster_error("", "名单不能超过 " + std::to_string(max_roster_units) + " 个单位");
}

// RFC 4180 as Excel writes it: quoted fields with "" for a quote, CRLF or
// LF between rows; each row with the line it starts on. False when a quote
// is left open.
struct csv_line {
    std::size_t number;
    std::vector<std::string> cells;
};

bool read_csv(std::string_view text, std::vector<csv_line>& rows) {
    csv_line row{1, {}};
    std::size_t line = 1;
    std::string cell;
    bool quoted = false;
    auto end_row = [&] {
        row.cells.push_back(std::move(cell));
        cell.clear();
        rows.push_back(std::move(row));
        row = csv_line{line, {}};
    };
    for (std::size_t i = 0; i < text.size(); ++i) {
        char c = text[i];
        if (quoted) {
            if (c == '\n') ++line;
            if (c != '"') cell += c;
            else if (i + 1 < text.size() && text[i + 1] == '"') cell += '"', ++i;
            else quoted = false;
        } else if (c == '"' && cell.empty()) {
            quoted = true;
        } else if (c == ',') {
            row.cells.push_back(std::move(cell));
            cell.clear();
        } else if (c == '\r' || c == '\n') {
            if (c == '\r' && i + 1 < text.size() && text[i + 1] == '\n') ++i;
            ++line;
            end_row();
        } else {
            cell += c;
        }
    }
    if (!cell.empty() || !row.cells.empty()) end_row();
    return !quoted;
}

std::string day_text(std::int64_t ms) { return vote::format_rfc3339_shanghai(ms).substr(0, 10); }

json time_or_null(std::int64_t ms) { return ms > 0 ? json(vote::format_rfc3339_shanghai(ms)) : json(nullptr); }

}  // namespace

std::string_view to_string(filing_kind kind) { return kind == filing_kind::plan ? "plan" : "summary"; }
std::string_view label(filing_kind kind) { return kind == filing_kind::plan ? "工作计划" : "年终总结"; }

std::optional<filing_kind> parse_filing_kind(std::string_view text) {
    for (auto kind : filing_kinds)
        if (text == to_string(kind)) return kind;
    return std::nullopt;
}

std::optional<int> parse_filing_year(std::string_view text) {
    if (text.size() != 4 || text.find_first_not_of("0123456789") != std::string_view::npos) return std::nullopt;
    int year = std::stoi(std::string(text));
    if (year < min_filing_year || year > max_filing_year) return std::nullopt;
    return year;
}

std::int64_t filing_due_ms(int year, filing_kind kind) {
    using namespace std::chrono;
    auto month = kind == filing_kind::plan ? March : December;
    auto day = sys_days{std::chrono::year{year} / month / 31};
    auto shanghai_end_of_day = day + hours{23} + minutes{59} + seconds{59} - hours{8};
    return duration_cast<milliseconds>(shanghai_end_of_day.time_since_epoch()).count();
}

std::string_view to_string(filing_timing timing) {
    switch (timing) {
    case filing_timing::not_due_yet: return "not_due_yet";
    case filing_timing::on_time: return "on_time";
    case filing_timing::late: return "late";
    case filing_timing::missing: return "missing";
    }
    return "missing";
}

std::string_view label(filing_timing timing) {
    switch (timing) {
    case filing_timing::not_due_yet: return "待提交";
    case filing_timing::on_time: return "按时";
    case filing_timing::late: return "逾期";
    case filing_timing::missing: return "未交";
    }
    return "未交";
}

filing_timing timing_of(std::optional<std::int64_t> submitted_ms, std::int64_t due_ms, std::int64_t now_ms) {
    // The due second is whole: 23:59:59.999 is still on time.
    const auto after_due = due_ms + 1000;
    if (submitted_ms) return *submitted_ms < after_due ? filing_timing::on_time : filing_timing::late;
    return now_ms < after_due ? filing_timing::not_due_yet : filing_timing::missing;
}

std::string_view to_string(review_state state) {
    switch (state) {
    case review_state::pending: return "pending";
    case review_state::accepted: return "accepted";
    case review_state::returned: return "returned";
    }
    return "pending";
}

std::string_view label(review_state state) {
    switch (state) {
    case review_state::pending: return "待审核";
    case review_state::accepted: return "已通过";
    case review_state::returned: return "已退回";
    }
    return "待审核";
}

std::optional<review_state> parse_review_state(std::string_view text) {
    for (auto state : {review_state::pending, review_state::accepted, review_state::returned})
        if (text == to_string(state)) return state;
    return std::nullopt;
}

bool valid_text(std::string_view text, std::size_t max_chars) {
    return char_count(text) <= max_chars && valid_utf8(text);
}

std::variant<std::vector<roster_unit>, vote::error> roster_from_json(const json& body) {
    if (!body.is_array()) return roster_error("", "名单须为 JSON 数组：[{\"id\", \"name\", \"contact\"}]");
    if (auto refused = too_many(body.size())) return *refused;
    std::vector<roster_unit> units;
    std::set<std::string, std::less<>> seen;
    for (std::size_t i = 0; i < body.size(); ++i) {
        const auto& item = body[i];
        auto path = "[" + std::to_string(i) + "]";
        auto where = "第 " + std::to_string(i + 1) + " 项";
        if (!item.is_object()) return roster_error(path, where + "不是对象");
        for (auto field : {"id", "name", "contact"})
            if (item.contains(field) && !item[field].is_string())
                return roster_error(path + "." + field, where + "：" + field + " 须为字符串");
        roster_unit u{trimmed(item.value("id", "")), trimmed(item.value("name", "")),
                      trimmed(item.value("contact", ""))};
        if (auto refused = check_unit(u, path, where, seen)) return *refused;
        units.push_back(std::move(u));
    }
    return units;
}

std::variant<std::vector<roster_unit>, vote::error> roster_from_csv(std::string_view text) {
    if (text.starts_with(bom)) text.remove_prefix(bom.size());
    if (!valid_utf8(text))
        return roster_error("", "文件不是 UTF-8 编码：请在 Excel 中“另存为”选择“CSV UTF-8（逗号分隔）”后再导入");
    std::vector<csv_line> rows;
    if (!read_csv(text, rows)) return roster_error("", "引号没有闭合：某个单元格以 \" 开头却没有结束的 \"");
    std::vector<roster_unit> units;
    std::set<std::string, std::less<>> seen;
    for (const auto& row : rows) {
        std::vector<std::string> cells;
        for (const auto& c : row.cells) cells.push_back(trimmed(c));
        while (!cells.empty() && cells.back().empty()) cells.pop_back();
        if (cells.empty()) continue;
        if (units.empty() && (cells[0] == "单位编号" || cells[0] == "id")) continue;
        auto path = "row" + std::to_string(row.number);
        auto where = "第 " + std::to_string(row.number) + " 行";
        if (cells.size() > 3) return roster_error(path, where + "：多出了列，每行应为 单位编号,单位名称,联系人");
        cells.resize(3);
        roster_unit u{cells[0], cells[1], cells[2]};
        if (auto refused = check_unit(u, path, where, seen)) return *refused;
        units.push_back(std::move(u));
        if (auto refused = too_many(units.size())) return *refused;
    }
    return units;
}

json roster_json(const std::vector<roster_unit>& units) {
    json out = json::array();
    for (const auto& u : units) out.push_back({{"id", u.id}, {"name", u.name}, {"contact", u.contact}});
    return out;
}

json filing_json(int year, filing_kind kind, const std::optional<filing>& f, std::int64_t now_ms) {
    auto due = filing_due_ms(year, kind);
    auto timing = timing_of(f ? std::optional(f->submitted_ms) : std::nullopt, due, now_ms);
    json out = {{"kind", to_string(kind)},
                {"label", label(kind)},
                {"due_at", vote::format_rfc3339_shanghai(due)},
                {"timing", to_string(timing)},
                {"timing_label", label(timing)},
                {"filed", f.has_value()}};
    if (!f) return out;
    out["submitted_at"] = time_or_null(f->submitted_ms);
    out["note"] = f->note;
    out["review"] = to_string(f->review);
    out["review_label"] = label(f->review);
    out["comment"] = f->comment;
    out["reviewer"] = f->reviewer;
    out["reviewed_at"] = time_or_null(f->reviewed_ms);
    return out;
}

std::string_view label(reminder_reason reason) {
    switch (reason) {
    case reminder_reason::due_soon: return "即将到期，尚未提交";
    case reminder_reason::missing: return "已过截止时间，尚未提交";
    case reminder_reason::returned: return "已退回，需重新提交";
    }
    return "";
}

std::vector<reminder> reminders_at(int year, const std::vector<unit_filings>& units, std::int64_t now_ms) {
    std::vector<reminder> out;
    for (const auto& u : units) {
        for (auto kind : filing_kinds) {
            const auto& f = u.of(kind);
            if (f) {
                if (f->review == review_state::returned) out.push_back({&u, kind, reminder_reason::returned});
                continue;
            }
            auto due = filing_due_ms(year, kind);
            auto timing = timing_of(std::nullopt, due, now_ms);
            if (timing == filing_timing::missing) out.push_back({&u, kind, reminder_reason::missing});
            else if (now_ms >= due - reminder_lead_ms) out.push_back({&u, kind, reminder_reason::due_soon});
        }
    }
    return out;
}

std::string reminders_csv(int year, const std::vector<reminder>& reminders) {
    std::string out(bom);
    out += "单位编号,单位名称,联系人,材料,截止时间,情况,退回意见\r\n";
    for (const auto& r : reminders) {
        const auto& u = r.unit->unit;
        const auto& f = r.unit->of(r.kind);
        auto comment = r.reason == reminder_reason::returned && f ? f->comment : std::string();
        out += eval::csv_text(u.id) + ',' + eval::csv_text(u.name) + ',' + eval::csv_text(u.contact) + ',' +
               std::string(label(r.kind)) + ',' + day_text(filing_due_ms(year, r.kind)) + ',' +
               std::string(label(r.reason)) + ',' + eval::csv_text(comment) + "\r\n";
    }
    return out;
}

}  // namespace pingyi::server
