#include "vote/campaign.hpp"

#include <algorithm>
#include <initializer_list>
#include <set>
#include <utility>

#include "vote/time.hpp"

namespace pingyi::vote {
namespace {

using nlohmann::json;

constexpr std::int64_t max_rule_value = 1'000'000;  // keeps the script's arithmetic exact
constexpr std::int64_t max_retention_days = 3650;

// Thrown inside the parser only, caught by campaign_from_json.
struct refused {
    error e;
};

[[noreturn]] void fail(const std::string& path, std::string message) {
    throw refused{{"invalid_campaign", path, std::move(message)}};
}

std::string join(const std::string& path, std::string_view key) {
    return path.empty() ? std::string(key) : path + "." + std::string(key);
}

std::string index(const std::string& path, std::size_t i) { return path + "[" + std::to_string(i) + "]"; }

const json& require_object(const json& v, const std::string& path) {
    if (!v.is_object()) fail(path, (path.empty() ? std::string("请求体") : path) + " 应为 JSON 对象");
    return v;
}

void check_keys(const json& obj, const std::string& path, std::initializer_list<std::string_view> allowed) {
    for (const auto& [key, value] : obj.items()) {
        if (std::find(allowed.begin(), allowed.end(), key) == allowed.end())
            fail(join(path, key), "未知字段 " + join(path, key));
    }
}

const json* field(const json& obj, const char* key) {
    auto it = obj.find(key);
    return it == obj.end() ? nullptr : &*it;
}

const json& required(const json& obj, const std::string& path, const char* key) {
    const json* v = field(obj, key);
    if (!v) fail(join(path, key), "缺少必填字段 " + join(path, key));
    return *v;
}

std::string string_value(const json& v, const std::string& path) {
    if (!v.is_string()) fail(path, path + " 应为字符串");
    return v.get<std::string>();
}

std::string string_or(const json& obj, const std::string& path, const char* key, std::string fallback) {
    const json* v = field(obj, key);
    return v ? string_value(*v, join(path, key)) : std::move(fallback);
}

std::string nonempty_string(const json& v, const std::string& path) {
    std::string s = string_value(v, path);
    if (s.empty()) fail(path, path + " 不能为空");
    return s;
}

std::int64_t positive_integer(const json& v, const std::string& path, std::int64_t max) {
    if (!v.is_number_integer() || v.get<std::int64_t>() < 1 || v.get<std::int64_t>() > max ||
        (v.is_number_unsigned() && v.get<std::uint64_t>() > static_cast<std::uint64_t>(max)))
        fail(path, path + " 应为 1 到 " + std::to_string(max) + " 之间的整数");
    return v.get<std::int64_t>();
}

std::string id_value(const json& v, const std::string& path) {
    std::string s = string_value(v, path);
    if (!valid_id(s)) fail(path, path + " 只能由字母、数字、下划线和连字符组成，长度 1 到 64");
    return s;
}

std::int64_t time_value(const json& v, const std::string& path) {
    auto ms = parse_rfc3339(string_value(v, path));
    if (!ms) fail(path, path + " 应为带时区的 RFC 3339 时间，例如 2019-12-20T09:00:00+08:00");
    return *ms;
}

vote::disclosure parse_disclosure(const json& v, const std::string& path) {
    require_object(v, path);
    check_keys(v, path, {"duties", "measures", "results"});
    return {string_or(v, path, "duties", ""), string_or(v, path, "measures", ""), string_or(v, path, "results", "")};
}

unit parse_unit(const json& v, const std::string& path) {
    require_object(v, path);
    check_keys(v, path, {"id", "name", "disclosure", "electorate"});
    unit u;
    u.id = id_value(required(v, path, "id"), join(path, "id"));
    u.name = nonempty_string(required(v, path, "name"), join(path, "name"));
    if (const json* d = field(v, "disclosure")) u.disclosure = parse_disclosure(*d, join(path, "disclosure"));
    if (const json* e = field(v, "electorate"); e && !e->is_null())
        u.electorate = positive_integer(*e, join(path, "electorate"), 1'000'000'000);
    return u;
}

std::vector<unit> parse_units(const json& v) {
    if (!v.is_array()) fail("units", "units 应为数组");
    if (v.empty()) fail("units", "units 至少要有一个参评单位");
    std::vector<unit> units;
    std::set<std::string> seen;
    for (std::size_t i = 0; i < v.size(); ++i) {
        units.push_back(parse_unit(v[i], index("units", i)));
        if (!seen.insert(units.back().id).second)
            fail(index("units", i) + ".id", "单位编号 " + units.back().id + " 重复");
    }
    return units;
}

vote::rules parse_rules(const json& v) {
    require_object(v, "rules");
    check_keys(v, "rules", {"per_unit_per_day", "per_day", "max_choices"});
    vote::rules r;
    if (const json* x = field(v, "per_unit_per_day")) r.per_unit_per_day = positive_integer(*x, "rules.per_unit_per_day", max_rule_value);
    if (const json* x = field(v, "per_day")) r.per_day = positive_integer(*x, "rules.per_day", max_rule_value);
    if (const json* x = field(v, "max_choices")) r.max_choices = positive_integer(*x, "rules.max_choices", max_rule_value);
    return r;
}

wechat_settings parse_wechat(const json* v, const std::string& title) {
    wechat_settings w;
    w.keywords = {"投票"};
    w.welcome = "感谢关注！回复“投票”参加" + title + "。";
    w.news_title = title;
    w.news_description = "点击进入，查看各参评单位的履职情况并投票。";
    if (!v) return w;
    require_object(*v, "wechat");
    check_keys(*v, "wechat", {"keywords", "welcome", "news_title", "news_description", "news_picture"});
    if (const json* k = field(*v, "keywords")) {
        if (!k->is_array()) fail("wechat.keywords", "wechat.keywords 应为字符串数组");
        w.keywords.clear();
        for (std::size_t i = 0; i < k->size(); ++i)
            w.keywords.push_back(nonempty_string((*k)[i], index("wechat.keywords", i)));
    }
    w.welcome = string_or(*v, "wechat", "welcome", w.welcome);
    w.news_title = string_or(*v, "wechat", "news_title", w.news_title);
    w.news_description = string_or(*v, "wechat", "news_description", w.news_description);
    if (const json* p = field(*v, "news_picture"); p && !p->is_null())
        w.news_picture = string_value(*p, "wechat.news_picture");
    return w;
}

privacy_settings parse_privacy(const json& v) {
    require_object(v, "privacy");
    check_keys(v, "privacy", {"retention_days"});
    privacy_settings p;
    if (const json* d = field(v, "retention_days"))
        p.retention_days = positive_integer(*d, "privacy.retention_days", max_retention_days);
    return p;
}

// Band names end up in tally fields ("<unit>:<band>") and in the log's
// comma-separated units, so they must not contain ':' ',' or control bytes.
void check_band_names(const json& scoring) {
    const json* bands = field(scoring, "satisfaction_bands");
    if (!bands || !bands->is_object()) return;
    for (const auto& [name, value] : bands->items()) {
        const bool bad = name.empty() || std::any_of(name.begin(), name.end(), [](char c) {
                             return c == ':' || c == ',' || static_cast<unsigned char>(c) < 0x20;
                         });
        if (bad) fail("scoring.satisfaction_bands", "满意度档次名称不能为空，也不能含有冒号、逗号或控制字符");
    }
}

campaign parse(const json& body) {
    require_object(body, "");
    check_keys(body, "", {"id", "title", "organizer", "organizer_id", "previous_campaign", "opens_at", "closes_at", "units", "rules", "tally_visibility",
                          "wechat", "scoring", "privacy"});
    campaign c;
    c.id = id_value(required(body, "", "id"), "id");
    c.title = nonempty_string(required(body, "", "title"), "title");
    c.organizer = string_or(body, "", "organizer", "");
    c.organizer_id = string_or(body, "", "organizer_id", "");
    if (!c.organizer_id.empty() && !valid_id(c.organizer_id))
        fail("organizer_id", "organizer_id 只能由字母、数字、下划线和连字符组成（1 至 64 个字符）");
    c.previous_campaign = string_or(body, "", "previous_campaign", "");
    if (!c.previous_campaign.empty() && !valid_id(c.previous_campaign))
        fail("previous_campaign", "previous_campaign 必须是一个评议活动的编号");
    if (c.previous_campaign == c.id) fail("previous_campaign", "previous_campaign 不能是本活动自己");
    c.opens_ms = time_value(required(body, "", "opens_at"), "opens_at");
    c.closes_ms = time_value(required(body, "", "closes_at"), "closes_at");
    if (c.closes_ms <= c.opens_ms) fail("closes_at", "截止时间 closes_at 必须晚于开始时间 opens_at");
    c.units = parse_units(required(body, "", "units"));
    if (const json* r = field(body, "rules")) c.rules = parse_rules(*r);
    const std::string visibility = string_or(body, "", "tally_visibility", "staff");
    if (visibility == "public")
        c.visibility = tally_visibility::everyone;
    else if (visibility != "staff")
        fail("tally_visibility", "tally_visibility 只能是 staff 或 public");
    c.wechat = parse_wechat(field(body, "wechat"), c.title);
    if (const json* s = field(body, "scoring")) {
        c.scoring = require_object(*s, "scoring");
        check_band_names(c.scoring);
    }
    if (const json* p = field(body, "privacy")) c.privacy = parse_privacy(*p);
    return c;
}

}  // namespace

std::string_view to_string(campaign_state s) {
    switch (s) {
    case campaign_state::upcoming: return "upcoming";
    case campaign_state::open: return "open";
    case campaign_state::closed: return "closed";
    }
    return "closed";
}

bool valid_id(std::string_view id) {
    if (id.empty() || id.size() > 64) return false;
    return std::all_of(id.begin(), id.end(), [](char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '-';
    });
}

campaign_state campaign::state(std::int64_t now_ms) const {
    if (now_ms < opens_ms) return campaign_state::upcoming;
    if (now_ms < closes_ms) return campaign_state::open;
    return campaign_state::closed;
}

std::int64_t campaign::personal_data_until_ms() const { return closes_ms + privacy.retention_days * day_ms; }

const unit* campaign::find_unit(std::string_view unit_id) const {
    auto it = std::find_if(units.begin(), units.end(), [&](const unit& u) { return u.id == unit_id; });
    return it == units.end() ? nullptr : &*it;
}

bool campaign::satisfaction_mode() const {
    auto it = scoring.find("public_method");
    return it != scoring.end() && *it == "satisfaction";
}

std::vector<std::string> campaign::satisfaction_bands() const {
    auto it = scoring.find("satisfaction_bands");
    if (it == scoring.end() || !it->is_object() || it->empty()) return {"满意", "基本满意", "不满意"};
    std::vector<std::pair<double, std::string>> bands;
    for (const auto& [name, value] : it->items())
        bands.emplace_back(value.is_number() ? value.get<double>() : 0.0, name);
    std::stable_sort(bands.begin(), bands.end(), [](const auto& a, const auto& b) { return a.first > b.first; });
    std::vector<std::string> names;
    for (auto& b : bands) names.push_back(std::move(b.second));
    return names;
}

nlohmann::json campaign::to_json() const {
    json units_json = json::array();
    for (const auto& u : units) {
        units_json.push_back({{"id", u.id},
                              {"name", u.name},
                              {"disclosure",
                               {{"duties", u.disclosure.duties},
                                {"measures", u.disclosure.measures},
                                {"results", u.disclosure.results}}},
                              {"electorate", u.electorate ? json(*u.electorate) : json(nullptr)}});
    }
    return {{"id", id},
            {"title", title},
            {"organizer", organizer},
            {"organizer_id", organizer_id},
            {"previous_campaign", previous_campaign},
            {"opens_at", format_rfc3339_shanghai(opens_ms)},
            {"closes_at", format_rfc3339_shanghai(closes_ms)},
            {"units", std::move(units_json)},
            {"rules",
             {{"per_unit_per_day", rules.per_unit_per_day},
              {"per_day", rules.per_day},
              {"max_choices", rules.max_choices}}},
            {"tally_visibility", visibility == tally_visibility::everyone ? "public" : "staff"},
            {"wechat",
             {{"keywords", wechat.keywords},
              {"welcome", wechat.welcome},
              {"news_title", wechat.news_title},
              {"news_description", wechat.news_description},
              {"news_picture", wechat.news_picture ? json(*wechat.news_picture) : json(nullptr)}}},
            {"scoring", scoring},
            {"privacy", {{"retention_days", privacy.retention_days}}}};
}

nlohmann::json campaign::public_json(std::int64_t now_ms) const {
    json j = to_json();
    j["state"] = to_string(state(now_ms));
    return j;
}

std::variant<campaign, error> campaign_from_json(const nlohmann::json& body) {
    try {
        return parse(body);
    } catch (refused& r) {
        return std::move(r.e);
    }
}

std::variant<campaign, error> parse_campaign(std::string_view body) {
    json parsed = json::parse(body, nullptr, false);
    if (parsed.is_discarded()) return error{"invalid_campaign", "", "请求体不是合法的 JSON"};
    return campaign_from_json(parsed);
}

}  // namespace pingyi::vote
