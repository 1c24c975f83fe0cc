#include "eval/engine.hpp"

#include <algorithm>
#include <map>
#include <set>
#include <utility>

#include "eval/id.hpp"
#include "eval/public_score.hpp"

namespace pingyi::eval {

namespace {

constexpr std::int64_t max_score = 10000;  // 100.00 in hundredths

using unit_index = std::map<std::string, std::size_t, std::less<>>;

bool valid_score(decimal d) { return d.hundredths() >= 0 && d.hundredths() <= max_score; }

std::optional<error> check_units(const std::vector<unit>& units, unit_index& index) {
  for (std::size_t i = 0; i < units.size(); ++i) {
    const std::string path = "units[" + std::to_string(i) + "].id";
    if (!is_valid_id(units[i].id)) return error{path, "单位编号无效：" + units[i].id};
    if (!index.emplace(units[i].id, i).second) return error{path, "单位编号重复：" + units[i].id};
  }
  return std::nullopt;
}

std::optional<error> check_panel(const std::vector<panel_score>& scores, const unit_index& index) {
  std::set<std::pair<std::string_view, std::string_view>> seen;
  for (std::size_t i = 0; i < scores.size(); ++i) {
    const auto& s = scores[i];
    const std::string path = "panel[" + std::to_string(i) + "]";
    if (!is_valid_id(s.judge)) return error{path + ".judge", "评委编号无效：" + s.judge};
    if (!index.contains(s.unit)) return error{path + ".unit", "没有这个单位：" + s.unit};
    if (!valid_score(s.score)) return error{path + ".score", "分数须在 0 到 100 之间：" + s.score.to_string()};
    if (!seen.emplace(s.judge, s.unit).second) return error{path, "重复评分：" + s.judge + " 对 " + s.unit};
  }
  return std::nullopt;
}

std::optional<error> check_peer(const std::vector<peer_score>& scores, const unit_index& index) {
  std::set<std::pair<std::string_view, std::string_view>> seen;
  for (std::size_t i = 0; i < scores.size(); ++i) {
    const auto& s = scores[i];
    const std::string path = "peer[" + std::to_string(i) + "]";
    if (!index.contains(s.rater)) return error{path + ".rater", "没有这个单位：" + s.rater};
    if (!index.contains(s.unit)) return error{path + ".unit", "没有这个单位：" + s.unit};
    if (s.rater == s.unit) return error{path + ".unit", "单位不能给自己评分：" + s.unit};
    if (!valid_score(s.score)) return error{path + ".score", "分数须在 0 到 100 之间：" + s.score.to_string()};
    if (!seen.emplace(s.rater, s.unit).second) return error{path, "重复评分：" + s.rater + " 对 " + s.unit};
  }
  return std::nullopt;
}

std::optional<error> check_public(const public_input& input, const scoring_config& config,
                                  const unit_index& index) {
  for (const auto& [id, votes] : input.votes) {
    if (!index.contains(id)) return error{"votes." + id, "没有这个单位：" + id};
  }
  for (const auto& [id, bands] : input.ratings) {
    if (!index.contains(id)) return error{"ratings." + id, "没有这个单位：" + id};
    for (const auto& entry : bands) {
      const std::string& band = entry.first;  // not a structured binding: clang 14 cannot capture those
      const bool known = std::any_of(config.satisfaction_bands.begin(), config.satisfaction_bands.end(),
                                     [&](const satisfaction_band& b) { return b.name == band; });
      if (!known) return error{"ratings." + id + "." + band, "没有这个满意度档次：" + band};
    }
  }
  return std::nullopt;
}

// Mean, rounded half-up; with trimmed_mean and at least trim_min_judges
// scores, one highest and one lowest are dropped first.
decimal aggregate_panel(std::vector<decimal> scores, const scoring_config& config) {
  std::sort(scores.begin(), scores.end());
  auto first = scores.begin();
  auto last = scores.end();
  if (config.aggregate == panel_aggregate::trimmed_mean &&
      scores.size() >= static_cast<std::size_t>(config.trim_min_judges)) {
    ++first;
    --last;
  }
  __int128 sum = 0;
  for (auto it = first; it != last; ++it) sum += it->hundredths();
  return rounded_quotient(sum, last - first);
}

decimal mean(const std::vector<decimal>& scores) {
  __int128 sum = 0;
  for (auto s : scores) sum += s.hundredths();
  return rounded_quotient(sum, static_cast<__int128>(scores.size()));
}

std::string join(const std::vector<std::string>& names) {
  std::string out;
  for (const auto& name : names) out += (out.empty() ? "" : "、") + name;
  return out;
}

void add_panel(const evaluation_input& input, const unit_index& index, std::vector<unit_result>& results) {
  std::vector<std::vector<decimal>> scores(results.size());
  std::map<std::string_view, std::set<std::string_view>> units_by_judge;
  std::map<std::string_view, std::set<decimal>> values_by_judge;
  for (const auto& s : input.panel) {
    scores[index.find(s.unit)->second].push_back(s.score);
    units_by_judge[s.judge].insert(s.unit);
    values_by_judge[s.judge].insert(s.score);
  }
  const bool weighted = input.config.weights.panel != decimal{};
  for (std::size_t i = 0; i < results.size(); ++i) {
    auto& r = results[i];
    if (!scores[i].empty()) r.panel = aggregate_panel(scores[i], input.config);
    if (r.status == unit_status::absent) continue;
    if (scores[i].empty()) {
      if (weighted) r.warnings.push_back({"missing_panel", "没有评议团评分"});
      continue;
    }
    std::vector<std::string> missing;
    for (const auto& [judge, units] : units_by_judge) {
      if (!units.contains(r.id)) missing.emplace_back(judge);
    }
    if (!missing.empty()) r.warnings.push_back({"panel_incomplete", "评委 " + join(missing) + " 尚未给本单位评分"});
    for (const auto& [judge, units] : units_by_judge) {
      const auto& values = values_by_judge[judge];
      if (units.size() >= 2 && values.size() == 1 && units.contains(r.id)) {
        r.warnings.push_back({"uniform_judge", "评委 " + std::string(judge) + " 给所评的全部 " +
                                                   std::to_string(units.size()) + " 个单位都打了 " +
                                                   values.begin()->to_string() + " 分"});
      }
    }
  }
}

void add_peer(const evaluation_input& input, const unit_index& index, std::vector<unit_result>& results) {
  std::vector<std::vector<decimal>> scores(results.size());
  for (const auto& s : input.peer) scores[index.find(s.unit)->second].push_back(s.score);
  const bool weighted = input.config.weights.peer != decimal{};
  for (std::size_t i = 0; i < results.size(); ++i) {
    auto& r = results[i];
    if (!scores[i].empty()) {
      r.peer = mean(scores[i]);
    } else if (weighted && r.status != unit_status::absent) {
      r.warnings.push_back({"missing_peer", "没有单位互评评分"});
    }
  }
}

void add_public(const evaluation_input& input, std::vector<unit_result>& results) {
  const auto components = public_scores(input.units, input.public_votes, input.config);
  const bool weighted = input.config.weights.public_score != decimal{};
  for (std::size_t i = 0; i < results.size(); ++i) {
    auto& r = results[i];
    r.votes = components[i].votes;
    r.public_score = components[i].score;
    if (r.status == unit_status::absent) continue;
    if (!r.public_score && weighted) r.warnings.push_back({"missing_public", "没有群众满意度评价"});
    const auto& electorate = input.units[i].electorate;
    if (electorate && r.votes > *electorate) {
      r.warnings.push_back({"votes_above_electorate", "得票 " + std::to_string(r.votes) + " 超过合理选民数 " +
                                                          std::to_string(*electorate) + "，请核查"});
    }
  }
}

// (panel × w_panel + public × w_public + peer × w_peer) / 100 from the
// rounded components. In hundredths: Σ component × weight / 10000, exact.
std::optional<decimal> total_of(const unit_result& r, const scoring_weights& w) {
  const std::pair<const std::optional<decimal>*, decimal> terms[] = {
      {&r.panel, w.panel}, {&r.public_score, w.public_score}, {&r.peer, w.peer}};
  __int128 sum = 0;
  for (const auto& [component, weight] : terms) {
    if (weight == decimal{}) continue;
    if (!*component) return std::nullopt;
    sum += static_cast<__int128>((*component)->hundredths()) * weight.hundredths();
  }
  return rounded_quotient(sum, 10000);
}

std::optional<std::string> grade_of(decimal total, const std::vector<grade>& grades) {
  for (const auto& g : grades) {
    if (total >= g.min) return g.name;
  }
  return std::nullopt;
}

void add_totals_and_grades(const scoring_config& config, std::vector<unit_result>& results) {
  for (auto& r : results) {
    if (r.status == unit_status::absent) continue;
    r.total = total_of(r, config.weights);
    if (r.status == unit_status::fraud) {
      r.grade = config.grades.back().name;
    } else if (r.total) {
      r.grade = grade_of(*r.total, config.grades);
    }
  }
}

// Competition ranking: equal totals share a rank, the next one skips.
void add_ranks(std::vector<unit_result>& results) {
  std::vector<decimal> totals;
  for (const auto& r : results) {
    if (r.status == unit_status::present && r.total) totals.push_back(*r.total);
  }
  for (auto& r : results) {
    if (r.status != unit_status::present || !r.total) continue;
    const auto above = std::count_if(totals.begin(), totals.end(), [&](decimal t) { return t > *r.total; });
    r.rank = static_cast<int>(above) + 1;
  }
}

}  // namespace

result<std::vector<unit_result>> evaluate(const evaluation_input& input) {
  if (input.config.grades.empty()) return error{"scoring.grades", "至少需要一个等级"};
  unit_index index;
  if (auto e = check_units(input.units, index)) return *e;
  if (auto e = check_panel(input.panel, index)) return *e;
  if (auto e = check_peer(input.peer, index)) return *e;
  if (auto e = check_public(input.public_votes, input.config, index)) return *e;

  std::vector<unit_result> results;
  for (const auto& u : input.units) {
    unit_result r;
    r.id = u.id;
    r.name = u.name;
    r.status = u.status;
    results.push_back(std::move(r));
  }
  add_panel(input, index, results);
  add_public(input, results);
  add_peer(input, index, results);
  add_totals_and_grades(input.config, results);
  add_ranks(results);
  return results;
}

}  // namespace pingyi::eval
