#include "eval/results_format.hpp"

#include <optional>
#include <string_view>

#include <nlohmann/json.hpp>

namespace pingyi::eval {

namespace {

using json = nlohmann::json;

std::string json_string(std::string_view text) {
  return json(text).dump(-1, ' ', false, json::error_handler_t::replace);
}

// nlohmann would print 92.5 for 92.50: the numbers are written by hand.
std::string json_number(const std::optional<decimal>& value) { return value ? value->to_string() : "null"; }

std::string json_rank(const std::optional<int>& rank) { return rank ? std::to_string(*rank) : "null"; }

std::string json_warnings(const std::vector<warning>& warnings) {
  json out = json::array();
  for (const auto& w : warnings) out.push_back({{"code", w.code}, {"message", w.message}});
  return out.dump(-1, ' ', false, json::error_handler_t::replace);
}

std::string status_label(unit_status status) {
  switch (status) {
    case unit_status::present: return "参加评议";
    case unit_status::absent: return "缺席评议";
    case unit_status::fraud: return "弄虚作假";
  }
  return "";
}

std::string csv_number(const std::optional<decimal>& value) { return value ? value->to_string() : ""; }

}  // namespace

std::string csv_text(std::string_view text) {
  std::string cell(text);
  if (!cell.empty() && std::string_view("=+-@\t\r").find(cell.front()) != std::string_view::npos) {
    cell.insert(0, 1, '\'');
  }
  if (cell.find_first_of(",\"\r\n") == std::string::npos) return cell;
  std::string quoted = "\"";
  for (char c : cell) {
    if (c == '"') quoted += '"';
    quoted += c;
  }
  return quoted + '"';
}

std::string results_json(const std::vector<unit_result>& units, bool published) {
  std::string out = std::string("{\"published\":") + (published ? "true" : "false") + ",\"units\":[";
  for (std::size_t i = 0; i < units.size(); ++i) {
    const auto& u = units[i];
    if (i > 0) out += ',';
    out += "{\"id\":" + json_string(u.id);
    out += ",\"name\":" + json_string(u.name);
    out += ",\"panel\":" + json_number(u.panel);
    out += ",\"public\":" + json_number(u.public_score);
    out += ",\"peer\":" + json_number(u.peer);
    out += ",\"total\":" + json_number(u.total);
    out += ",\"grade\":" + (u.grade ? json_string(*u.grade) : std::string("null"));
    out += ",\"rank\":" + json_rank(u.rank);
    out += ",\"status\":" + json_string(to_string(u.status));
    out += ",\"warnings\":" + json_warnings(u.warnings) + "}";
  }
  return out + "]}";
}

std::string results_csv(const std::vector<unit_result>& units) {
  std::string out = "\xEF\xBB\xBF";
  out += "单位编号,单位名称,评议团评分,网络评议得分,单位互评评分,总分,等级,名次,状态,提示\r\n";
  for (const auto& u : units) {
    std::string notes;
    for (const auto& w : u.warnings) notes += (notes.empty() ? "" : "；") + w.message;
    out += csv_text(u.id) + ',' + csv_text(u.name) + ',' + csv_number(u.panel) + ',' +
           csv_number(u.public_score) + ',' + csv_number(u.peer) + ',' + csv_number(u.total) + ',' +
           csv_text(u.grade.value_or("")) + ',' + (u.rank ? std::to_string(*u.rank) : "") + ',' +
           status_label(u.status) + ',' + csv_text(notes) + "\r\n";
  }
  return out;
}

std::string public_scores_json(public_method method, const std::vector<unit_result>& units) {
  std::string out = "{\"method\":" + json_string(to_string(method)) + ",\"units\":[";
  for (std::size_t i = 0; i < units.size(); ++i) {
    if (i > 0) out += ',';
    out += "{\"id\":" + json_string(units[i].id) + ",\"votes\":" + std::to_string(units[i].votes) +
           ",\"score\":" + json_number(units[i].public_score) + "}";
  }
  return out + "]}";
}

}  // namespace pingyi::eval
