#include "vote/indicators.hpp"

#include <algorithm>
#include <cmath>
#include <initializer_list>
#include <map>
#include <set>
#include <utility>

namespace pingyi::vote {
namespace {

using nlohmann::json;

constexpr std::string_view csv_columns[] = {"类别", "指标编号", "指标名称", "分值", "评分标准"};
constexpr std::size_t required_columns = 4;  // 评分标准 may be left out
constexpr std::string_view bom = "\xEF\xBB\xBF";
constexpr std::string_view ideographic_space = "\xE3\x80\x80";

// Thrown inside the parsers only, caught where they return.
struct refused {
    error e;
};

// Characters (code points) of valid UTF-8 (RFC 3629: no overlong forms, no
// surrogates, nothing above U+10FFFF); nullopt when it is not.
std::optional<std::size_t> utf8_chars(std::string_view s) {
    std::size_t chars = 0;
    for (std::size_t i = 0; i < s.size(); ++chars) {
        const auto c = static_cast<unsigned char>(s[i]);
        std::size_t n = 0;
        unsigned char low = 0x80, high = 0xBF;
        if (c < 0x80)
            n = 1;
        else if (c >= 0xC2 && c <= 0xDF)
            n = 2;
        else if (c >= 0xE0 && c <= 0xEF)
            n = 3, low = c == 0xE0 ? 0xA0 : 0x80, high = c == 0xED ? 0x9F : 0xBF;
        else if (c >= 0xF0 && c <= 0xF4)
            n = 4, low = c == 0xF0 ? 0x90 : 0x80, high = c == 0xF4 ? 0x8F : 0xBF;
        else
            return std::nullopt;
        if (i + n > s.size()) return std::nullopt;
        for (std::size_t k = 1; k < n; ++k) {
            const auto b = static_cast<unsigned char>(s[i + k]);
            if (k == 1 ? (b < low || b > high) : (b < 0x80 || b > 0xBF)) return std::nullopt;
        }
        i += n;
    }
    return chars;
}

std::size_t char_count(std::string_view s) { return utf8_chars(s).value_or(s.size()); }

// Without ASCII white space and ideographic spaces (a Chinese keyboard's) at either end.
std::string trim(std::string_view s) {
    for (;;) {
        if (!s.empty() && std::string_view(" \t\r\n").find(s.front()) != std::string_view::npos)
            s.remove_prefix(1);
        else if (s.starts_with(ideographic_space))
            s.remove_prefix(ideographic_space.size());
        else
            break;
    }
    for (;;) {
        if (!s.empty() && std::string_view(" \t\r\n").find(s.back()) != std::string_view::npos)
            s.remove_suffix(1);
        else if (s.ends_with(ideographic_space))
            s.remove_suffix(ideographic_space.size());
        else
            break;
    }
    return std::string(s);
}

bool blank(std::string_view s) { return trim(s).empty(); }

bool valid_indicator_id(std::string_view id) {
    if (id.empty() || id.size() > 32) return false;
    return std::all_of(id.begin(), id.end(), [](char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' || c == '_' ||
               c == '-';
    });
}

// A JSON number as tenths: at least 0, at most `max` tenths, at most one decimal place.
std::optional<tenths> tenths_of_json(const json& v, tenths max) {
    if (v.is_number_unsigned() && v.get<std::uint64_t>() > static_cast<std::uint64_t>(max / 10)) return std::nullopt;
    if (v.is_number_integer()) {
        auto n = v.get<std::int64_t>();
        if (n < 0 || n > max / 10) return std::nullopt;
        return n * 10;
    }
    if (!v.is_number_float()) return std::nullopt;
    const double scaled = v.get<double>() * 10;
    if (!(scaled >= 0) || scaled > static_cast<double>(max) + 1e-6) return std::nullopt;
    const double whole = std::round(scaled);
    if (std::abs(scaled - whole) > 1e-6) return std::nullopt;
    return static_cast<tenths>(whole);
}

// "4", "4.5", " 12 ": digits, then at most one decimal place.
std::optional<tenths> tenths_of_text(std::string_view text, tenths max) {
    auto s = trim(text);
    auto dot = s.find('.');
    std::string whole = s.substr(0, dot);
    std::string fraction = dot == std::string::npos ? "" : s.substr(dot + 1);
    auto digits = [](const std::string& d) {
        return std::all_of(d.begin(), d.end(), [](char c) { return c >= '0' && c <= '9'; });
    };
    if (whole.empty() || whole.size() > 6 || !digits(whole) || !digits(fraction) || fraction.size() > 1 ||
        (dot != std::string::npos && fraction.empty()))
        return std::nullopt;
    tenths value = std::stoll(whole) * 10 + (fraction.empty() ? 0 : fraction[0] - '0');
    if (value > max) return std::nullopt;
    return value;
}

// Where a mistake is: a path for programs, a label for people ("第 5 行").
struct place {
    std::string path;
    std::string label;

    std::string at(std::string_view field) const { return path + "." + std::string(field); }
    [[noreturn]] void fail(std::string_view field, const std::string& what) const {
        throw refused{{"invalid_indicators", at(field), label + "：" + what}};
    }
};

std::string points_rule() {
    return "应为大于 0、不超过 " + format_tenths(max_indicator_points) + " 的数字，最多一位小数";
}

void check_category_name(const std::string& name, const place& where) {
    if (blank(name)) where.fail("category", "缺少类别");
    if (char_count(name) > max_indicator_name_chars)
        where.fail("category", "类别名称不能超过 " + std::to_string(max_indicator_name_chars) + " 个字");
}

void check_indicator(const indicator& i, const place& where) {
    if (i.id.empty()) where.fail("id", "缺少指标编号");
    if (!valid_indicator_id(i.id))
        where.fail("id", "指标编号“" + i.id + "”只能由字母、数字、点、下划线和连字符组成，长度 1 到 32");
    if (blank(i.name)) where.fail("name", "缺少指标名称");
    if (char_count(i.name) > max_indicator_name_chars)
        where.fail("name", "指标名称不能超过 " + std::to_string(max_indicator_name_chars) + " 个字");
    if (i.points <= 0) where.fail("points", "分值" + points_rule());
    if (char_count(i.standard) > max_standard_chars)
        where.fail("standard", "评分标准不能超过 " + std::to_string(max_standard_chars) + " 个字");
}

// Builds the system indicator by indicator, grouping by category name in
// order of first appearance, and refusing what no system may hold.
class system_builder {
public:
    void add(const std::string& category, indicator i, const place& where) {
        check_category_name(category, where);
        check_indicator(i, where);
        if (!ids_.insert(i.id).second) where.fail("id", "指标编号“" + i.id + "”重复");
        if (++count_ > max_indicators) where.fail("id", "指标不能超过 " + std::to_string(max_indicators) + " 项");
        auto [it, fresh] = place_of_.emplace(category, system_.categories.size());
        if (fresh) {
            if (system_.categories.size() == max_categories)
                where.fail("category", "类别不能超过 " + std::to_string(max_categories) + " 个");
            system_.categories.push_back({category, {}});
        }
        system_.categories[it->second].indicators.push_back(std::move(i));
    }
    bool has_category(const std::string& name) const { return place_of_.contains(name); }
    indicator_system done(const std::string& empty_path, const std::string& empty_message) && {
        if (count_ == 0) throw refused{{"invalid_indicators", empty_path, empty_message}};
        return std::move(system_);
    }

private:
    indicator_system system_;
    std::map<std::string, std::size_t, std::less<>> place_of_;
    std::set<std::string, std::less<>> ids_;
    std::size_t count_ = 0;
};

// JSON readers: unknown fields and wrong types are refused by path.
void check_keys(const json& obj, const std::string& path, std::initializer_list<std::string_view> allowed,
                std::string_view code) {
    for (const auto& [key, value] : obj.items())
        if (std::find(allowed.begin(), allowed.end(), key) == allowed.end())
            throw refused{{std::string(code), path.empty() ? key : path + "." + key, "未知字段 " + key}};
}

std::string text_field(const json& obj, const char* key, const std::string& path, std::string_view code) {
    auto it = obj.find(key);
    if (it == obj.end() || it->is_null()) return {};
    if (!it->is_string()) throw refused{{std::string(code), path + "." + key, path + "." + key + " 应为字符串"}};
    return it->get<std::string>();
}

std::string category_path(std::size_t c) { return "categories[" + std::to_string(c) + "]"; }

indicator_system parse_indicator_json(const json& body) {
    constexpr std::string_view code = "invalid_indicators";
    if (!body.is_object()) throw refused{{std::string(code), "", "请求体应为 JSON 对象 {\"categories\": [...]}"}};
    check_keys(body, "", {"categories"}, code);
    auto categories = body.find("categories");
    if (categories == body.end() || !categories->is_array())
        throw refused{{std::string(code), "categories", "categories 应为类别的数组"}};
    system_builder builder;
    for (std::size_t c = 0; c < categories->size(); ++c) {
        const auto& cat = (*categories)[c];
        const auto path = category_path(c);
        if (!cat.is_object()) throw refused{{std::string(code), path, path + " 应为 JSON 对象"}};
        check_keys(cat, path, {"name", "indicators"}, code);
        const auto name = trim(text_field(cat, "name", path, code));
        const place category_place{path, "第 " + std::to_string(c + 1) + " 个类别"};
        check_category_name(name, category_place);
        if (builder.has_category(name)) category_place.fail("category", "类别“" + name + "”重复");
        auto list = cat.find("indicators");
        if (list == cat.end() || !list->is_array() || list->empty())
            throw refused{{std::string(code), path + ".indicators", "类别“" + name + "”至少要有一项指标"}};
        for (std::size_t k = 0; k < list->size(); ++k) {
            const auto& item = (*list)[k];
            const place where{path + ".indicators[" + std::to_string(k) + "]",
                              "类别“" + name + "”第 " + std::to_string(k + 1) + " 项指标"};
            if (!item.is_object()) throw refused{{std::string(code), where.path, where.path + " 应为 JSON 对象"}};
            check_keys(item, where.path, {"id", "name", "points", "standard"}, code);
            indicator i{trim(text_field(item, "id", where.path, code)),
                        trim(text_field(item, "name", where.path, code)), 0,
                        trim(text_field(item, "standard", where.path, code))};
            auto points = item.find("points");
            auto value = points == item.end() ? std::nullopt : tenths_of_json(*points, max_indicator_points);
            if (!value || *value == 0) where.fail("points", "分值" + points_rule());
            i.points = *value;
            builder.add(name, std::move(i), where);
        }
    }
    return std::move(builder).done("categories", "指标体系至少要有一项指标");
}

struct csv_row {
    std::size_t number;  // as Excel numbers it: a line break inside quotes stays in its row
    std::vector<std::string> cells;
};

// RFC 4180 as Excel writes it: fields quoted with "" for a quote, CRLF or LF
// between rows. A quote inside an unquoted field is kept as it is.
std::vector<csv_row> csv_rows(std::string_view text) {
    std::vector<csv_row> rows;
    csv_row row{1, {}};
    std::string cell;
    bool quoted = false;
    std::size_t quote_row = 0;
    auto end_row = [&] {
        row.cells.push_back(std::move(cell));
        cell.clear();
        rows.push_back(std::move(row));
        row = csv_row{rows.back().number + 1, {}};
    };
    for (std::size_t i = 0; i < text.size(); ++i) {
        const char c = text[i];
        if (quoted) {
            if (c != '"')
                cell += c;
            else if (i + 1 < text.size() && text[i + 1] == '"')
                cell += '"', ++i;
            else
                quoted = false;
        } else if (c == '"' && cell.empty()) {
            quoted = true;
            quote_row = row.number;
        } else if (c == ',') {
            row.cells.push_back(std::move(cell));
            cell.clear();
        } else if (c == '\r' || c == '\n') {
            if (c == '\r' && i + 1 < text.size() && text[i + 1] == '\n') ++i;
            end_row();
        } else {
            cell += c;
        }
    }
    if (quoted)
        throw refused{{"invalid_indicators", "row" + std::to_string(quote_row),
                       "第 " + std::to_string(quote_row) + " 行：引号没有闭合（单元格以 \" 开头却没有结束的 \"）"}};
    if (!cell.empty() || !row.cells.empty()) end_row();
    return rows;
}

bool blank_row(const csv_row& r) {
    return std::all_of(r.cells.begin(), r.cells.end(), [](const std::string& c) { return blank(c); });
}

bool is_header(const csv_row& r) {
    if (r.cells.size() < required_columns) return false;
    for (std::size_t k = 0; k < required_columns; ++k)
        if (trim(r.cells[k]) != csv_columns[k]) return false;
    return true;
}

std::string row_label(std::size_t number) { return "第 " + std::to_string(number) + " 行"; }

// The header's width: 4 or 5 columns; trailing empty cells (Excel's) are fine.
std::size_t header_width(const csv_row& header) {
    std::size_t width = required_columns;
    for (std::size_t k = required_columns; k < header.cells.size(); ++k) {
        const auto name = trim(header.cells[k]);
        if (name.empty()) continue;
        if (k != required_columns || name != csv_columns[k])
            throw refused{{"invalid_indicators", "row" + std::to_string(header.number),
                           row_label(header.number) + "：表头第 " + std::to_string(k + 1) + " 列“" + name +
                               "”不认识，表头应为 类别,指标编号,指标名称,分值,评分标准"}};
        width = k + 1;
    }
    return width;
}

indicator_system parse_indicator_csv(std::string_view text) {
    if (text.starts_with(bom)) text.remove_prefix(bom.size());
    if (!utf8_chars(text))
        throw refused{{"invalid_indicators", "",
                       "文件不是 UTF-8 编码：请在 Excel 中“另存为”选择“CSV UTF-8（逗号分隔）”后再导入"}};
    const auto rows = csv_rows(text);
    auto header = std::find_if(rows.begin(), rows.end(), is_header);
    if (header == rows.end())
        throw refused{{"invalid_indicators", "", "找不到表头行：应有一行为 类别,指标编号,指标名称,分值,评分标准"}};
    const auto width = header_width(*header);
    system_builder builder;
    std::string category;
    for (auto r = header + 1; r != rows.end(); ++r) {
        if (blank_row(*r)) continue;
        const place where{"row" + std::to_string(r->number), row_label(r->number)};
        for (std::size_t k = width; k < r->cells.size(); ++k)
            if (!blank(r->cells[k]))
                throw refused{{"invalid_indicators", where.path,
                               where.label + "：第 " + std::to_string(k + 1) + " 列在表头之外，请删去或补上表头"}};
        auto cell = [&](std::size_t k) { return k < r->cells.size() ? trim(r->cells[k]) : std::string(); };
        if (!cell(0).empty()) category = cell(0);
        auto points = tenths_of_text(cell(3), max_indicator_points);
        if (cell(3).empty()) where.fail("points", "缺少分值");
        if (!points || *points == 0) where.fail("points", "分值“" + cell(3) + "”" + points_rule());
        builder.add(category, indicator{cell(1), cell(2), *points, width > required_columns ? cell(4) : ""}, where);
    }
    return std::move(builder).done("", "表头下面没有任何指标");
}

std::string csv_cell(std::string_view text) {
    if (text.find_first_of(",\"\r\n") == std::string_view::npos) return std::string(text);
    std::string quoted = "\"";
    for (char c : text) {
        if (c == '"') quoted += '"';
        quoted += c;
    }
    return quoted + '"';
}

void check_length(const std::string& text, std::size_t max, const std::string& path, const std::string& what) {
    if (char_count(text) > max)
        throw refused{{"invalid_self_assessment", path, what + "不能超过 " + std::to_string(max) + " 个字"}};
}

self_assessment parse_self_assessment(const json& body) {
    constexpr std::string_view code = "invalid_self_assessment";
    if (!body.is_object()) throw refused{{std::string(code), "", "请求体应为 JSON 对象 {\"items\", \"disclosure\"}"}};
    check_keys(body, "", {"items", "disclosure"}, code);
    self_assessment a;
    if (auto items = body.find("items"); items != body.end() && !items->is_null()) {
        if (!items->is_array() || items->size() > max_indicators)
            throw refused{
                {std::string(code), "items", "items 应为不超过 " + std::to_string(max_indicators) + " 项的数组"}};
        std::set<std::string, std::less<>> seen;
        for (std::size_t k = 0; k < items->size(); ++k) {
            const auto& item = (*items)[k];
            const auto path = "items[" + std::to_string(k) + "]";
            if (!item.is_object()) throw refused{{std::string(code), path, path + " 应为 JSON 对象"}};
            check_keys(item, path, {"indicator", "score", "evidence"}, code);
            assessment_item out{text_field(item, "indicator", path, code), std::nullopt,
                                text_field(item, "evidence", path, code)};
            if (!valid_indicator_id(out.indicator))
                throw refused{{std::string(code), path + ".indicator", path + ".indicator 应为指标编号"}};
            if (!seen.insert(out.indicator).second)
                throw refused{{std::string(code), path + ".indicator", "指标 " + out.indicator + " 出现了两次"}};
            if (auto score = item.find("score"); score != item.end() && !score->is_null()) {
                out.score = tenths_of_json(*score, max_indicator_points);
                if (!out.score)
                    throw refused{{std::string(code), path + ".score",
                                   "指标 " + out.indicator + " 的自评分应为不小于 0 的数字，最多一位小数"}};
            }
            check_length(out.evidence, max_evidence_chars, path + ".evidence", "指标 " + out.indicator + " 的自评说明");
            a.items.push_back(std::move(out));
        }
    }
    if (auto d = body.find("disclosure"); d != body.end() && !d->is_null()) {
        if (!d->is_object()) throw refused{{std::string(code), "disclosure", "disclosure 应为 JSON 对象"}};
        check_keys(*d, "disclosure", {"duties", "measures", "results"}, code);
        a.disclosure = {text_field(*d, "duties", "disclosure", code), text_field(*d, "measures", "disclosure", code),
                        text_field(*d, "results", "disclosure", code)};
        check_length(a.disclosure.duties, max_disclosure_chars, "disclosure.duties", "履职清单");
        check_length(a.disclosure.measures, max_disclosure_chars, "disclosure.measures", "措施");
        check_length(a.disclosure.results, max_disclosure_chars, "disclosure.results", "成效");
    }
    return a;
}

const assessment_item* item_of(const self_assessment& a, std::string_view indicator) {
    for (const auto& i : a.items)
        if (i.indicator == indicator) return &i;
    return nullptr;
}

std::string indicator_label(const indicator& i) { return "指标 " + i.id + "“" + i.name + "”"; }

}  // namespace

std::string format_tenths(tenths value) {
    std::string out = value < 0 ? "-" : "";
    const auto magnitude = value < 0 ? -value : value;
    out += std::to_string(magnitude / 10);
    if (magnitude % 10 != 0) out += "." + std::to_string(magnitude % 10);
    return out;
}

json tenths_json(tenths value) {
    if (value % 10 == 0) return value / 10;
    return static_cast<double>(value) / 10;
}

tenths indicator_category::points() const {
    tenths sum = 0;
    for (const auto& i : indicators) sum += i.points;
    return sum;
}

tenths indicator_system::total_points() const {
    tenths sum = 0;
    for (const auto& c : categories) sum += c.points();
    return sum;
}

std::size_t indicator_system::indicator_count() const {
    std::size_t n = 0;
    for (const auto& c : categories) n += c.indicators.size();
    return n;
}

const indicator* indicator_system::find(std::string_view id) const {
    for (const auto& c : categories)
        for (const auto& i : c.indicators)
            if (i.id == id) return &i;
    return nullptr;
}

json indicator_system::to_json() const {
    json cats = json::array();
    for (const auto& c : categories) {
        json list = json::array();
        for (const auto& i : c.indicators)
            list.push_back(
                {{"id", i.id}, {"name", i.name}, {"points", tenths_json(i.points)}, {"standard", i.standard}});
        cats.push_back({{"name", c.name}, {"indicators", std::move(list)}});
    }
    return {{"categories", std::move(cats)}};
}

json indicator_system::summary_json() const {
    auto out = to_json();
    for (std::size_t c = 0; c < categories.size(); ++c)
        out["categories"][c]["points"] = tenths_json(categories[c].points());
    out["total_points"] = tenths_json(total_points());
    out["indicator_count"] = indicator_count();
    return out;
}

std::variant<indicator_system, error> indicators_from_json(const json& body) {
    try {
        return parse_indicator_json(body);
    } catch (const refused& r) {
        return r.e;
    }
}

std::variant<indicator_system, error> indicators_from_csv(std::string_view text) {
    try {
        return parse_indicator_csv(text);
    } catch (const refused& r) {
        return r.e;
    }
}

std::string indicators_csv(const indicator_system& system) {
    std::string out(bom);
    for (std::size_t k = 0; k < std::size(csv_columns); ++k) out.append(k ? "," : "").append(csv_columns[k]);
    out += "\r\n";
    for (const auto& c : system.categories)
        for (const auto& i : c.indicators)
            out += csv_cell(c.name) + ',' + csv_cell(i.id) + ',' + csv_cell(i.name) + ',' + format_tenths(i.points) +
                   ',' + csv_cell(i.standard) + "\r\n";
    return out;
}

tenths self_assessment::total_score() const {
    tenths sum = 0;
    for (const auto& i : items) sum += i.score.value_or(0);
    return sum;
}

json self_assessment::to_json() const {
    json list = json::array();
    for (const auto& i : items)
        list.push_back({{"indicator", i.indicator},
                        {"score", i.score ? tenths_json(*i.score) : json(nullptr)},
                        {"evidence", i.evidence}});
    return {{"items", std::move(list)},
            {"disclosure",
             {{"duties", disclosure.duties}, {"measures", disclosure.measures}, {"results", disclosure.results}}}};
}

std::variant<self_assessment, error> self_assessment_from_json(const json& body) {
    try {
        return parse_self_assessment(body);
    } catch (const refused& r) {
        return r.e;
    }
}

std::optional<error> check_against(const self_assessment& a, const indicator_system& system) {
    for (std::size_t k = 0; k < a.items.size(); ++k) {
        const auto& item = a.items[k];
        const auto path = "items[" + std::to_string(k) + "]";
        const auto* i = system.find(item.indicator);
        if (!i)
            return error{"invalid_self_assessment", path + ".indicator",
                         "指标 " + item.indicator + " 不在本次评议的指标体系中，请刷新页面"};
        if (item.score && *item.score > i->points)
            return error{"invalid_self_assessment", path + ".score",
                         indicator_label(*i) + "的自评分不能超过该项分值 " + format_tenths(i->points)};
    }
    return std::nullopt;
}

self_assessment fitted(const self_assessment& a, const indicator_system& system) {
    self_assessment out{{}, a.disclosure};
    for (const auto& c : system.categories)
        for (const auto& i : c.indicators)
            if (const auto* item = item_of(a, i.id)) out.items.push_back(*item);
    return out;
}

std::vector<missing_field> missing_for_submit(const self_assessment& a, const indicator_system& system) {
    std::vector<missing_field> missing;
    for (const auto& c : system.categories) {
        for (const auto& i : c.indicators) {
            const auto* item = item_of(a, i.id);
            if (!item || !item->score) missing.push_back({i.id, "score", indicator_label(i) + "未填自评分"});
            if (!item || blank(item->evidence))
                missing.push_back({i.id, "evidence", indicator_label(i) + "未填自评说明"});
        }
    }
    const std::pair<const std::string*, std::string_view> parts[] = {
        {&a.disclosure.duties, "duties"}, {&a.disclosure.measures, "measures"}, {&a.disclosure.results, "results"}};
    for (const auto& [text, field] : parts) {
        if (!blank(*text)) continue;
        const std::string name = field == "duties" ? "履职清单" : field == "measures" ? "措施" : "成效";
        missing.push_back({"", "disclosure." + std::string(field), "履职公示未填“" + name + "”"});
    }
    return missing;
}

std::size_t filled_count(const self_assessment& a, const indicator_system& system) {
    std::size_t n = 0;
    for (const auto& item : a.items)
        if (system.find(item.indicator) && item.score && !blank(item.evidence)) ++n;
    return n;
}

bool disclosure_filled(const vote::disclosure& d) {
    return !blank(d.duties) && !blank(d.measures) && !blank(d.results);
}

}  // namespace pingyi::vote
