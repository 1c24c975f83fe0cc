#include "eval/score_body.hpp"

#include <algorithm>
#include <optional>
#include <set>
#include <utility>

#include <nlohmann/json.hpp>

#include "eval/id.hpp"

namespace pingyi::eval {

namespace {

using json = nlohmann::json;

// About 2,000 Chinese characters: room for a judge's comments and suggestions.
constexpr std::size_t max_comment_bytes = 6000;

// One kind of body: who gives the scores (a field of each item, or fixed by
// the URL), and whether items carry a comment.
struct body_shape {
  std::string_view owner_field;  // "judge" or "rater"
  std::optional<std::string_view> fixed_owner;
  bool owner_is_unit;
  bool has_comment;
};

struct scored_item {
  std::string owner;
  std::string unit;
  decimal score;
  std::string comment;
};

bool is_unit(std::string_view id, const std::vector<unit>& units) {
  return std::any_of(units.begin(), units.end(), [&](const unit& u) { return u.id == id; });
}

std::optional<error> check_owner(std::string_view owner, const std::string& path, const body_shape& shape,
                                 const std::vector<unit>& units) {
  const std::string shown = json(owner).dump(-1, ' ', false, json::error_handler_t::replace);
  if (!is_valid_id(owner)) return error{path, "编号须为 1 到 64 个字母、数字、_ 或 -（收到 " + shown + "）"};
  if (shape.owner_is_unit && !is_unit(owner, units)) return error{path, "没有这个单位：" + shown};
  return std::nullopt;
}

result<std::string> read_id(const json& item, std::string_view key, const std::string& path) {
  const auto found = item.find(key);
  if (found == item.end()) return error{path, "缺少字段 " + path};
  if (!found->is_string() || !is_valid_id(found->get_ref<const std::string&>())) {
    return error{path, "编号须为 1 到 64 个字母、数字、_ 或 -（收到 " + describe(*found) + "）"};
  }
  return found->get<std::string>();
}

result<scored_item> read_item(const json& item, const std::string& path, const body_shape& shape,
                              const std::vector<unit>& units) {
  if (!item.is_object()) return error{path, "每一项须为对象（收到 " + describe(item) + "）"};
  for (const auto& [key, value] : item.items()) {
    const bool known = key == "unit" || key == "score" || (key == "comment" && shape.has_comment) ||
                       (key == shape.owner_field && !shape.fixed_owner);
    if (!known) return error{path + "." + key, "未知字段 " + key};
  }
  scored_item out;
  if (shape.fixed_owner) {
    out.owner = std::string(*shape.fixed_owner);
  } else {
    const std::string owner_path = path + "." + std::string(shape.owner_field);
    auto owner = read_id(item, shape.owner_field, owner_path);
    if (!owner) return owner.err();
    if (auto e = check_owner(owner.value(), owner_path, shape, units)) return *e;
    out.owner = std::move(owner).value();
  }
  auto unit_id = read_id(item, "unit", path + ".unit");
  if (!unit_id) return unit_id.err();
  if (!is_unit(unit_id.value(), units)) return error{path + ".unit", "没有这个单位：" + unit_id.value()};
  out.unit = std::move(unit_id).value();
  if (shape.owner_is_unit && out.owner == out.unit) {
    return error{path + ".unit", "单位不能给自己评分：" + out.unit};
  }
  const auto score = item.find("score");
  if (score == item.end()) return error{path + ".score", "缺少字段 " + path + ".score"};
  auto parsed = parse_score(*score, path + ".score");
  if (!parsed) return parsed.err();
  out.score = parsed.value();
  if (const auto comment = item.find("comment"); comment != item.end()) {
    if (!comment->is_string()) return error{path + ".comment", "评语须为字符串（收到 " + describe(*comment) + "）"};
    out.comment = comment->get<std::string>();
    if (out.comment.size() > max_comment_bytes) return error{path + ".comment", "评语过长（最多约 2000 字）"};
  }
  return out;
}

result<std::vector<scored_item>> read_body(const json& body, const body_shape& shape,
                                           const std::vector<unit>& units) {
  if (shape.fixed_owner) {
    if (auto e = check_owner(*shape.fixed_owner, std::string(shape.owner_field), shape, units)) return *e;
  }
  if (!body.is_object()) return error{"", "请求体须为 {\"scores\": [...]} 对象"};
  for (const auto& [key, value] : body.items()) {
    if (key != "scores") return error{key, "未知字段 " + key};
  }
  const auto scores = body.find("scores");
  if (scores == body.end() || !scores->is_array()) return error{"scores", "scores 须为数组"};
  std::vector<scored_item> items;
  std::set<std::pair<std::string, std::string>> seen;
  for (std::size_t i = 0; i < scores->size(); ++i) {
    const std::string path = "scores[" + std::to_string(i) + "]";
    auto item = read_item((*scores)[i], path, shape, units);
    if (!item) return item.err();
    if (!seen.emplace(item.value().owner, item.value().unit).second) {
      return error{path, "重复评分：" + item.value().owner + " 对 " + item.value().unit};
    }
    items.push_back(std::move(item).value());
  }
  return items;
}

result<std::vector<panel_score>> to_panel(result<std::vector<scored_item>> items) {
  if (!items) return items.err();
  std::vector<panel_score> out;
  for (auto& item : items.value()) {
    out.push_back({std::move(item.owner), std::move(item.unit), item.score, std::move(item.comment)});
  }
  return out;
}

result<std::vector<peer_score>> to_peer(result<std::vector<scored_item>> items) {
  if (!items) return items.err();
  std::vector<peer_score> out;
  for (auto& item : items.value()) out.push_back({std::move(item.owner), std::move(item.unit), item.score});
  return out;
}

}  // namespace

result<std::vector<panel_score>> parse_panel_scores(const json& body, const std::vector<unit>& units) {
  return to_panel(read_body(body, {"judge", std::nullopt, false, true}, units));
}

result<std::vector<panel_score>> parse_judge_scores(const json& body, std::string_view judge,
                                                    const std::vector<unit>& units) {
  return to_panel(read_body(body, {"judge", judge, false, true}, units));
}

result<std::vector<peer_score>> parse_peer_scores(const json& body, const std::vector<unit>& units) {
  return to_peer(read_body(body, {"rater", std::nullopt, true, false}, units));
}

result<std::vector<peer_score>> parse_rater_scores(const json& body, std::string_view rater,
                                                   const std::vector<unit>& units) {
  return to_peer(read_body(body, {"rater", rater, true, false}, units));
}

}  // namespace pingyi::eval
