#include "vote/ballot.hpp"

#include <algorithm>
#include <optional>
#include <set>

#include <nlohmann/json.hpp>

namespace pingyi::vote {
namespace {

error refuse(std::string path, std::string message) {
    return error{"invalid_ballot", std::move(path), std::move(message)};
}

// Shared by both modes: the unit is known, named once, and within max_choices.
std::optional<error> check_unit(const campaign& c, const std::string& path, const std::string& unit_id,
                                std::set<std::string>& seen) {
    if (!c.find_unit(unit_id)) return refuse(path, "没有编号为 " + unit_id + " 的参评单位");
    if (!seen.insert(unit_id).second) return refuse(path, "单位 " + unit_id + " 重复出现");
    if (static_cast<std::int64_t>(seen.size()) > c.rules.max_choices)
        return refuse(path, "每张选票最多选 " + std::to_string(c.rules.max_choices) + " 个单位");
    return std::nullopt;
}

}  // namespace

std::variant<ballot, error> parse_ballot(std::string_view body, const campaign& c) {
    const nlohmann::json parsed = nlohmann::json::parse(body, nullptr, false);
    if (parsed.is_discarded() || !parsed.is_object()) return refuse("", "选票不是合法的 JSON 对象");
    const char* expected = c.satisfaction_mode() ? "ratings" : "units";
    for (const auto& [key, value] : parsed.items()) {
        if (key == expected) continue;
        if (key == "units" || key == "ratings")
            return refuse(key, c.satisfaction_mode() ? "本次评议请为各单位评满意度（ratings），不是选择单位（units）"
                                                     : "本次评议请选择单位（units），不是评满意度（ratings）");
        return refuse(key, "未知字段 " + key);
    }
    auto it = parsed.find(expected);
    if (it == parsed.end()) return refuse(expected, std::string("缺少字段 ") + expected);

    ballot b;
    std::set<std::string> seen;
    if (!c.satisfaction_mode()) {
        if (!it->is_array()) return refuse("units", "units 应为单位编号的数组");
        for (std::size_t i = 0; i < it->size(); ++i) {
            const std::string path = "units[" + std::to_string(i) + "]";
            if (!(*it)[i].is_string()) return refuse(path, "单位编号应为字符串");
            const std::string unit_id = (*it)[i].get<std::string>();
            if (auto e = check_unit(c, path, unit_id, seen)) return *e;
            b.units.push_back(unit_id);
        }
    } else {
        if (!it->is_object()) return refuse("ratings", "ratings 应为 {单位编号: 满意度} 的对象");
        const std::vector<std::string> bands = c.satisfaction_bands();
        std::string band_list;
        for (const auto& name : bands) band_list += (band_list.empty() ? "" : "、") + name;
        for (const auto& [unit_id, band] : it->items()) {
            const std::string path = "ratings." + unit_id;
            if (auto e = check_unit(c, path, unit_id, seen)) return *e;
            if (!band.is_string() || std::find(bands.begin(), bands.end(), band.get<std::string>()) == bands.end())
                return refuse(path, "单位 " + unit_id + " 的满意度只能是：" + band_list);
            b.units.push_back(unit_id);
            b.bands.push_back(band.get<std::string>());
        }
    }
    if (b.units.empty()) return refuse(expected, "选票是空的：请至少选择一个单位");
    return b;
}

}  // namespace pingyi::vote
