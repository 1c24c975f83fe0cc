#include "eval/config.hpp"

#include <algorithm>
#include <optional>
#include <set>

#include <nlohmann/json.hpp>

namespace pingyi::eval {

std::string_view to_string(public_method method) {
  switch (method) {
    case public_method::max: return "max";
    case public_method::rank: return "rank";
    case public_method::minmax: return "minmax";
    case public_method::satisfaction: return "satisfaction";
  }
  return "max";
}

std::string_view to_string(panel_aggregate aggregate) {
  return aggregate == panel_aggregate::mean ? "mean" : "trimmed_mean";
}

std::vector<satisfaction_band> default_satisfaction_bands() {
  return {{"满意", decimal::whole(100)}, {"基本满意", decimal::whole(80)}, {"不满意", decimal::whole(50)}};
}

std::vector<grade> default_grades() {
  return {{"优秀", decimal::whole(90)}, {"良好", decimal::whole(80)}, {"一般", decimal::whole(60)},
          {"较差", decimal::whole(0)}};
}

namespace {

using json = nlohmann::json;
using maybe_error = std::optional<error>;

constexpr int max_trim_min_judges = 1000;
constexpr std::size_t max_name_bytes = 64;

error unknown_field(const std::string& path) { return {path, "未知字段 " + path}; }

maybe_error read_decimal(const json& value, const std::string& path, decimal& out) {
  auto parsed = parse_score(value, path);
  if (!parsed) return parsed.err();
  out = parsed.value();
  return std::nullopt;
}

maybe_error read_name(const json& value, const std::string& path, std::string& out) {
  if (!value.is_string() || value.get_ref<const std::string&>().empty() ||
      value.get_ref<const std::string&>().size() > max_name_bytes) {
    return error{path, "名称须为 1 到 64 字节的字符串（收到 " + describe(value) + "）"};
  }
  out = value.get<std::string>();
  return std::nullopt;
}

maybe_error read_weights(const json& value, scoring_weights& out) {
  const std::string path = "scoring.weights";
  if (!value.is_object()) return error{path, "weights 须为对象（收到 " + describe(value) + "）"};
  for (const auto& [key, item] : value.items()) {
    const std::string field = path + "." + key;
    decimal* target = nullptr;
    if (key == "panel") target = &out.panel;
    if (key == "public") target = &out.public_score;
    if (key == "peer") target = &out.peer;
    if (target == nullptr) return unknown_field(field);
    if (auto e = read_decimal(item, field, *target)) return e;
  }
  const decimal sum = decimal::from_hundredths(out.panel.hundredths() + out.public_score.hundredths() +
                                               out.peer.hundredths());
  if (sum != decimal::whole(100)) {
    return error{path, "三项权重之和须为 100（现为 " + sum.to_string() + "）"};
  }
  return std::nullopt;
}

maybe_error read_public_method(const json& value, public_method& out) {
  const std::string path = "scoring.public_method";
  for (auto m : {public_method::max, public_method::rank, public_method::minmax, public_method::satisfaction}) {
    if (value.is_string() && value.get_ref<const std::string&>() == to_string(m)) {
      out = m;
      return std::nullopt;
    }
  }
  return error{path, "public_method 须为 max、rank、minmax 或 satisfaction（收到 " + describe(value) + "）"};
}

maybe_error read_panel_aggregate(const json& value, panel_aggregate& out) {
  for (auto a : {panel_aggregate::mean, panel_aggregate::trimmed_mean}) {
    if (value.is_string() && value.get_ref<const std::string&>() == to_string(a)) {
      out = a;
      return std::nullopt;
    }
  }
  return error{"scoring.panel_aggregate", "panel_aggregate 须为 mean 或 trimmed_mean（收到 " + describe(value) + "）"};
}

maybe_error read_trim_min_judges(const json& value, int& out) {
  // Dropping the highest and the lowest must leave at least one score.
  if (value.is_number_integer()) {
    const auto n = value.get<std::int64_t>();
    if (n >= 3 && n <= max_trim_min_judges) {
      out = static_cast<int>(n);
      return std::nullopt;
    }
  }
  return error{"scoring.trim_min_judges", "trim_min_judges 须为 3 到 1000 之间的整数（收到 " + describe(value) + "）"};
}

maybe_error read_bands(const json& value, std::vector<satisfaction_band>& out) {
  const std::string path = "scoring.satisfaction_bands";
  if (!value.is_object() || value.empty()) {
    return error{path, "satisfaction_bands 须为非空对象（档次名称 → 分值）（收到 " + describe(value) + "）"};
  }
  out.clear();
  for (const auto& [key, item] : value.items()) {
    const std::string field = path + "." + key;
    satisfaction_band band;
    if (auto e = read_name(json(key), field, band.name)) return e;
    if (auto e = read_decimal(item, field, band.value)) return e;
    out.push_back(std::move(band));
  }
  std::sort(out.begin(), out.end(), [](const satisfaction_band& a, const satisfaction_band& b) {
    return a.value != b.value ? a.value > b.value : a.name < b.name;
  });
  return std::nullopt;
}

maybe_error read_grades(const json& value, std::vector<grade>& out) {
  const std::string path = "scoring.grades";
  if (!value.is_array() || value.empty()) {
    return error{path, "grades 须为非空数组（收到 " + describe(value) + "）"};
  }
  out.clear();
  std::set<std::string> names;
  for (std::size_t i = 0; i < value.size(); ++i) {
    const std::string item_path = path + "[" + std::to_string(i) + "]";
    const json& item = value[i];
    if (!item.is_object()) return error{item_path, "等级须为 {\"name\", \"min\"} 对象（收到 " + describe(item) + "）"};
    for (const auto& [key, field] : item.items()) {
      if (key != "name" && key != "min") return unknown_field(item_path + "." + key);
    }
    if (!item.contains("name") || !item.contains("min")) {
      return error{item_path, "等级须同时给出 name 与 min"};
    }
    grade g;
    if (auto e = read_name(item["name"], item_path + ".name", g.name)) return e;
    if (auto e = read_decimal(item["min"], item_path + ".min", g.min)) return e;
    if (!names.insert(g.name).second) return error{item_path + ".name", "等级名称重复：" + g.name};
    if (!out.empty() && g.min >= out.back().min) {
      return error{path, "等级下限须严格递减：" + g.name + "（" + g.min.to_string() + "）不低于前一等级 " +
                             out.back().name + "（" + out.back().min.to_string() + "）"};
    }
    out.push_back(std::move(g));
  }
  if (out.back().min != decimal{}) {
    return error{path, "最后一个等级的下限须为 0（" + out.back().name + " 为 " + out.back().min.to_string() + "）"};
  }
  return std::nullopt;
}

maybe_error read_field(const std::string& key, const json& value, scoring_config& config) {
  if (key == "weights") return read_weights(value, config.weights);
  if (key == "public_method") return read_public_method(value, config.method);
  if (key == "rank_step") return read_decimal(value, "scoring.rank_step", config.rank_step);
  if (key == "satisfaction_bands") return read_bands(value, config.satisfaction_bands);
  if (key == "panel_aggregate") return read_panel_aggregate(value, config.aggregate);
  if (key == "trim_min_judges") return read_trim_min_judges(value, config.trim_min_judges);
  if (key == "grades") return read_grades(value, config.grades);
  return unknown_field("scoring." + key);
}

}  // namespace

result<scoring_config> parse_scoring_config(const json& scoring) {
  scoring_config config;
  if (scoring.is_null()) return config;
  if (!scoring.is_object()) return error{"scoring", "scoring 须为对象（收到 " + describe(scoring) + "）"};
  for (const auto& [key, value] : scoring.items()) {
    if (auto e = read_field(key, value, config)) return *e;
  }
  return config;
}

json to_json(const scoring_config& config) {
  json bands = json::object();
  for (const auto& band : config.satisfaction_bands) bands[band.name] = band.value.to_json();
  json grades = json::array();
  for (const auto& g : config.grades) grades.push_back({{"name", g.name}, {"min", g.min.to_json()}});
  return {
      {"weights",
       {{"panel", config.weights.panel.to_json()},
        {"public", config.weights.public_score.to_json()},
        {"peer", config.weights.peer.to_json()}}},
      {"public_method", to_string(config.method)},
      {"rank_step", config.rank_step.to_json()},
      {"satisfaction_bands", std::move(bands)},
      {"panel_aggregate", to_string(config.aggregate)},
      {"trim_min_judges", config.trim_min_judges},
      {"grades", std::move(grades)},
  };
}

}  // namespace pingyi::eval
