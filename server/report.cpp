#include "server/report.hpp"

#include <algorithm>
#include <string_view>

#include "server/responses.hpp"
#include "vote/time.hpp"

namespace pingyi::server {

namespace {

// 40.00 -> "40", 33.30 -> "33.3": weights as people write them.
std::string short_number(eval::decimal d) {
    auto s = d.to_string();
    while (s.ends_with('0')) s.pop_back();
    if (s.ends_with('.')) s.pop_back();
    return s;
}

std::string cell(const std::optional<eval::decimal>& d) { return d ? d->to_string() : "—"; }

// "2019-12-27T18:00:00+08:00" -> "2019年12月27日".
std::string chinese_date(std::int64_t epoch_ms) {
    auto t = vote::format_rfc3339_shanghai(epoch_ms);
    auto number = [&](std::size_t at, std::size_t n) { return std::to_string(std::stoi(t.substr(at, n))); };
    return number(0, 4) + "年" + number(5, 2) + "月" + number(8, 2) + "日";
}

// Where a unit goes in the notice: ranked ones by rank, then the rest.
int group_of(const eval::unit_result& u) {
    if (u.rank) return 0;
    switch (u.status) {
    case eval::unit_status::present: return 1;
    case eval::unit_status::fraud: return 2;
    case eval::unit_status::absent: return 3;
    }
    return 3;
}

std::string remark_of(const eval::unit_result& u) {
    switch (u.status) {
    case eval::unit_status::absent: return "缺席评议";
    case eval::unit_status::fraud: return "弄虚作假";
    case eval::unit_status::present: return u.total ? "" : "评分不全";
    }
    return "";
}

constexpr std::string_view style = R"css(
body{font-family:"SimSun","Songti SC","Noto Serif CJK SC",serif;color:#000;background:#fff;max-width:64em;margin:2em auto;padding:0 1em;line-height:1.5}
h1{font-size:1.5em;text-align:center;margin:0 0 .3em}
h2{font-size:1.2em;text-align:center;margin:0 0 1em;font-weight:normal}
.meta{text-align:right;margin:.2em 0}
.draft{border:2px solid #b00;color:#b00;text-align:center;padding:.3em;font-weight:bold}
table{width:100%;border-collapse:collapse;margin:1em 0}
th,td{border:1px solid #000;padding:.3em .4em;text-align:center}
th{font-weight:bold;background:#eee}
td.unit{text-align:left}
.note{font-size:.9em}
@media print{
@page{size:A4;margin:18mm 15mm}
body{max-width:none;margin:0;padding:0;font-size:11pt}
th{background:none}
thead{display:table-header-group}
tr{break-inside:avoid;page-break-inside:avoid}
}
)css";

}  // namespace

std::string results_report_html(const report_header& header, const std::vector<eval::unit_result>& units,
                                const eval::scoring_config& config) {
    std::vector<const eval::unit_result*> order;
    for (const auto& u : units) order.push_back(&u);
    std::stable_sort(order.begin(), order.end(), [](const eval::unit_result* a, const eval::unit_result* b) {
        return std::pair(group_of(*a), a->rank.value_or(0)) < std::pair(group_of(*b), b->rank.value_or(0));
    });

    const auto& w = config.weights;
    std::string html = "<!doctype html>\n<html lang=\"zh-CN\"><head><meta charset=\"utf-8\">"
                       "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
                       "<title>" + escape_html(header.title) + " 评议结果</title><style>";
    html.append(style);
    html += "</style></head><body><main>\n<h1>" + escape_html(header.title) + "</h1>\n<h2>评议结果</h2>\n";
    if (!header.published_ms)
        html += "<p class=\"draft\">草稿：结果尚未发布，仅供内部核对</p>\n";
    if (!header.organizer.empty()) html += "<p class=\"meta\">" + escape_html(header.organizer) + "</p>\n";
    if (header.published_ms) html += "<p class=\"meta\">" + chinese_date(*header.published_ms) + "</p>\n";
    html += "<table>\n<thead><tr><th>名次</th><th>单位</th>"
            "<th>评议团评分<br>（" + short_number(w.panel) + "%）</th>"
            "<th>网络评议得分<br>（" + short_number(w.public_score) + "%）</th>"
            "<th>单位互评评分<br>（" + short_number(w.peer) + "%）</th>"
            "<th>总分</th><th>等级</th><th>备注</th></tr></thead>\n<tbody>\n";
    for (const auto* u : order) {
        html += "<tr><td>" + (u->rank ? std::to_string(*u->rank) : std::string("—")) + "</td>";
        html += "<td class=\"unit\">" + escape_html(u->name) + "</td>";
        html += "<td>" + cell(u->panel) + "</td><td>" + cell(u->public_score) + "</td><td>" + cell(u->peer) + "</td>";
        html += "<td>" + cell(u->total) + "</td>";
        html += "<td>" + (u->grade ? escape_html(*u->grade) : std::string("—")) + "</td>";
        html += "<td>" + remark_of(*u) + "</td></tr>\n";
    }
    html += "</tbody>\n</table>\n<p class=\"note\">说明：总分 = 评议团评分 × " + short_number(w.panel) +
            "% + 网络评议得分 × " + short_number(w.public_score) + "% + 单位互评评分 × " + short_number(w.peer) +
            "%，各分项和总分均四舍五入保留两位小数。缺席评议的单位不计总分、等级和名次；"
            "弄虚作假的单位评为" + escape_html(config.grades.back().name) + "，不参加排名。</p>\n</main></body></html>\n";
    return html;
}

}  // namespace pingyi::server
