#include <string>
#include <vector>

#include <doctest/doctest.h>

#include "eval/engine.hpp"
#include "tests/unit/eval_support.hpp"

using namespace pingyi::eval;
using namespace pingyi::eval::test;

namespace {

// Totals equal to the panel mean: weights 100/0/0, plain mean.
evaluation_input panel_only(int count) {
  auto input = units(count);
  input.config.weights = {decimal::whole(100), decimal{}, decimal{}};
  input.config.aggregate = panel_aggregate::mean;
  return input;
}

std::vector<std::string> column(const std::vector<unit_result>& results, std::optional<decimal> unit_result::*field) {
  std::vector<std::string> out;
  for (const auto& r : results) out.push_back(shown(r.*field));
  return out;
}

std::vector<std::string> ranks(const std::vector<unit_result>& results) {
  std::vector<std::string> out;
  for (const auto& r : results) out.push_back(r.rank ? std::to_string(*r.rank) : "null");
  return out;
}

}  // namespace

TEST_CASE("eval engine: equal totals share a rank and the next one skips") {
  struct row {
    std::vector<std::string_view> totals;
    std::vector<unit_status> statuses;
    std::vector<std::string> ranks;
  };
  using enum unit_status;
  const row rows[] = {
      {{"90", "85", "85", "80"}, {present, present, present, present}, {"1", "2", "2", "4"}},
      {{"80", "85", "90", "85"}, {present, present, present, present}, {"4", "2", "1", "2"}},
      {{"70", "70", "70"}, {present, present, present}, {"1", "1", "1"}},
      {{"85.01", "85", "84.99"}, {present, present, present}, {"1", "2", "3"}},
      // Absent and cheating units take no place, even with the best totals.
      {{"99", "98", "90", "80"}, {absent, fraud, present, present}, {"null", "null", "1", "2"}},
  };
  for (const auto& r : rows) {
    auto input = panel_only(static_cast<int>(r.totals.size()));
    for (std::size_t i = 0; i < r.totals.size(); ++i) {
      input.units[i].status = r.statuses[i];
      judge(input, "j1", {{input.units[i].id, r.totals[i]}});
    }
    CHECK(ranks(run(input)) == r.ranks);
  }
}

TEST_CASE("eval engine: a present unit without a total has no rank and takes no place") {
  auto input = panel_only(3);
  judge(input, "j1", {{"u1", "80"}, {"u3", "90"}});
  const auto results = run(input);
  CHECK(ranks(results) == std::vector<std::string>{"2", "null", "1"});
  CHECK_FALSE(results[1].total);
  CHECK_FALSE(results[1].grade);
  CHECK(has_warning(results[1], "missing_panel"));
}

TEST_CASE("eval engine: panel means round half-up to 2 decimals") {
  struct row {
    std::vector<std::string_view> scores;
    const char* panel;
  };
  const row rows[] = {
      {{"80.01", "80.02"}, "80.02"},        // 80.015
      {{"0.01", "0"}, "0.01"},              // 0.005
      {{"89.98", "89.99"}, "89.99"},        // 89.985
      {{"90", "90", "90.01"}, "90.00"},     // 90.00333…
      {{"90", "90.01", "90.01"}, "90.01"},  // 90.00666…
      {{"100", "0", "0"}, "33.33"},         // 1/3
      {{"100", "100", "0"}, "66.67"},       // 2/3
      {{"80.02", "81", "79.5", "81.5"}, "80.51"},  // 80.505
      {{"100"}, "100.00"},
      {{"0", "0"}, "0.00"},
  };
  for (const auto& r : rows) {
    auto input = panel_only(1);
    for (std::size_t j = 0; j < r.scores.size(); ++j) judge(input, "j" + std::to_string(j), {{"u1", r.scores[j]}});
    const auto results = run(input);
    CAPTURE(r.panel);
    CHECK(shown(results[0].panel) == r.panel);
    CHECK(shown(results[0].total) == r.panel);
  }
}

TEST_CASE("eval engine: trimmed mean drops one highest and one lowest from trim_min_judges scores on") {
  struct row {
    panel_aggregate aggregate;
    int trim_min_judges;
    std::vector<std::string_view> scores;
    const char* panel;
  };
  using enum panel_aggregate;
  const row rows[] = {
      {trimmed_mean, 5, {"100", "80", "80", "80", "0"}, "80.00"},      // exactly at the threshold: trimmed
      {trimmed_mean, 5, {"100", "80", "80", "0"}, "65.00"},            // one below: plain mean
      {trimmed_mean, 5, {"100", "90", "80", "70", "60", "0"}, "75.00"},
      {trimmed_mean, 3, {"100", "80", "0"}, "80.00"},
      {trimmed_mean, 3, {"100", "0"}, "50.00"},
      {trimmed_mean, 5, {"90", "90", "90", "85", "85"}, "88.33"},      // one of the equal highest goes
      {mean, 5, {"100", "80", "80", "80", "0"}, "68.00"},
  };
  for (const auto& r : rows) {
    auto input = panel_only(1);
    input.config.aggregate = r.aggregate;
    input.config.trim_min_judges = r.trim_min_judges;
    for (std::size_t j = 0; j < r.scores.size(); ++j) judge(input, "j" + std::to_string(j), {{"u1", r.scores[j]}});
    CAPTURE(r.panel);
    CHECK(shown(run(input)[0].panel) == r.panel);
  }
}

TEST_CASE("eval engine: the total comes from the rounded components, the grade from the rounded total") {
  struct row {
    std::vector<std::string_view> panel;
    std::string_view peer;
    std::uint64_t votes;  // out of M = 1000
    scoring_weights weights;
    const char* total;
    const char* grade;
  };
  const auto w = [](std::int64_t panel, std::int64_t pub, std::int64_t peer) {
    return scoring_weights{decimal::whole(panel), decimal::whole(pub), decimal::whole(peer)};
  };
  const row rows[] = {
      // 89.995 publishes as 90.00 and is graded 优秀.
      {{"89.99"}, "0", 900, w(50, 50, 0), "90.00", "优秀"},
      // Panel 89.985 publishes as 89.99; (89.99 + 90) / 2 = 89.995 → 90.00.
      // From the unrounded panel it would be 89.9925 → 89.99 良好.
      {{"89.98", "89.99"}, "0", 900, w(50, 50, 0), "90.00", "优秀"},
      {{"89.99"}, "89.99", 900, w(40, 40, 20), "89.99", "良好"},  // 89.994
      {{"90"}, "90", 900, w(40, 40, 20), "90.00", "优秀"},
      {{"80"}, "79.99", 800, w(40, 40, 20), "80.00", "良好"},  // 79.998
      {{"59.99"}, "59.99", 600, w(40, 40, 20), "59.99", "较差"},  // 59.994
      {{"85.5"}, "77.25", 733, w(33, 33, 34), "78.67", "一般"},  // (2821.5 + 2418.9 + 2626.5) / 100
  };
  for (const auto& r : rows) {
    auto input = units(2);
    input.config.weights = r.weights;
    input.config.aggregate = panel_aggregate::mean;
    for (std::size_t j = 0; j < r.panel.size(); ++j) judge(input, "j" + std::to_string(j), {{"u1", r.panel[j]}});
    judge(input, "j0", {{"u2", "50"}});
    rater(input, "u2", {{"u1", r.peer}});
    rater(input, "u1", {{"u2", "50"}});
    input.public_votes.votes = {{"u1", r.votes}, {"u2", 1000}};
    const auto results = run(input);
    CAPTURE(r.total);
    CHECK(shown(results[0].total) == r.total);
    CHECK(results[0].grade == std::optional<std::string>(r.grade));
  }
}

TEST_CASE("eval engine: weights with decimals") {
  auto input = units(2);
  input.config.weights = {decimal::from_hundredths(3333), decimal::from_hundredths(3333), decimal::from_hundredths(3334)};
  judge(input, "j1", {{"u1", "90"}, {"u2", "80"}});
  rater(input, "u2", {{"u1", "60"}});
  rater(input, "u1", {{"u2", "70"}});
  input.public_votes.votes = {{"u1", 100}, {"u2", 50}};
  const auto results = run(input);
  // (90 × 33.33 + 100 × 33.33 + 60 × 33.34) / 100 = 83.3304
  CHECK(shown(results[0].total) == "83.33");
  // (80 × 33.33 + 50 × 33.33 + 70 × 33.34) / 100 = 66.6667
  CHECK(shown(results[1].total) == "66.67");
}

TEST_CASE("eval engine: absent and cheating units") {
  auto input = units(3);
  input.units[1].status = unit_status::absent;
  input.units[2].status = unit_status::fraud;
  judge(input, "j1", {{"u1", "80"}, {"u2", "95"}, {"u3", "95"}});
  rater(input, "u1", {{"u2", "90"}, {"u3", "95"}});
  rater(input, "u3", {{"u1", "70"}});
  input.public_votes.votes = {{"u1", 100}, {"u2", 100}, {"u3", 100}};
  const auto results = run(input);

  CHECK(shown(results[0].total) == "86.00");  // 32 + 40 + 14
  CHECK(results[0].rank == 1);

  // Absent: components published, no total, grade or rank.
  CHECK(results[1].status == unit_status::absent);
  CHECK(shown(results[1].panel) == "95.00");
  CHECK(shown(results[1].public_score) == "100.00");
  CHECK(shown(results[1].peer) == "90.00");
  CHECK_FALSE(results[1].total);
  CHECK_FALSE(results[1].grade);
  CHECK_FALSE(results[1].rank);

  // Fraud: total published, the last grade whatever the total, no rank.
  CHECK(results[2].status == unit_status::fraud);
  CHECK(shown(results[2].total) == "97.00");
  CHECK(results[2].grade == "较差");
  CHECK_FALSE(results[2].rank);
}

TEST_CASE("eval engine: a cheating unit without a panel score is still graded last") {
  auto input = units(2);
  input.units[0].status = unit_status::fraud;
  const auto results = run(input);
  CHECK_FALSE(results[0].total);
  CHECK(results[0].grade == "较差");
  CHECK(has_warning(results[0], "missing_panel"));
  CHECK_FALSE(results[1].grade);
}

TEST_CASE("eval engine: peer is the mean of the other units' scores, whatever the rater's status") {
  auto input = units(4);
  input.units[2].status = unit_status::absent;
  input.units[3].status = unit_status::fraud;
  rater(input, "u2", {{"u1", "90"}});
  rater(input, "u3", {{"u1", "85"}});
  rater(input, "u4", {{"u1", "80.01"}});
  const auto results = run(input);
  CHECK(shown(results[0].peer) == "85.00");  // 255.01 / 3 = 85.0033
  CHECK_FALSE(results[1].peer);
  CHECK(has_warning(results[1], "missing_peer"));
  CHECK_FALSE(has_warning(results[2], "missing_peer"));  // absent: nothing to chase
}

TEST_CASE("eval engine: vote-to-score methods") {
  struct row {
    const char* name;
    public_method method;
    std::string_view rank_step;
    std::vector<unit_status> statuses;
    std::vector<std::uint64_t> votes;
    std::vector<std::string> scores;
  };
  using enum unit_status;
  using enum public_method;
  const std::vector<unit_status> four(4, present);
  const row rows[] = {
      {"max", max, "2", four, {1000, 500, 333, 0}, {"100.00", "50.00", "33.30", "0.00"}},
      {"max thirds", max, "2", {present, present, present}, {3, 2, 1}, {"100.00", "66.67", "33.33"}},
      {"max half-up", max, "2", {present, present}, {200, 1}, {"100.00", "0.50"}},
      {"max 1/1600", max, "2", {present, present}, {1600, 1}, {"100.00", "0.06"}},  // 0.0625
      {"max no votes", max, "2", four, {0, 0, 0, 0}, {"0.00", "0.00", "0.00", "0.00"}},
      // The most votes went to a cheating and an absent unit: M is 500.
      {"max fraud/absent", max, "2", {present, fraud, absent, present}, {500, 2000, 1000, 250},
       {"100.00", "100.00", "100.00", "50.00"}},
      {"max only others voted", max, "2", {present, fraud}, {0, 10}, {"0.00", "0.00"}},
      {"rank", rank, "2", {present, present, present, present, present}, {100, 80, 80, 50, 0},
       {"100.00", "98.00", "98.00", "94.00", "92.00"}},
      {"rank floor 0", rank, "30", {present, present, present, present, present}, {100, 80, 80, 50, 0},
       {"100.00", "70.00", "70.00", "10.00", "0.00"}},
      {"rank step 2.5", rank, "2.5", {present, present, present}, {3, 2, 1}, {"100.00", "97.50", "95.00"}},
      {"rank fraud/absent", rank, "2", {fraud, present, absent, present}, {500, 100, 60, 50},
       {"100.00", "100.00", "98.00", "98.00"}},
      {"rank no votes", rank, "2", {present, present}, {0, 0}, {"0.00", "0.00"}},
      {"minmax", minmax, "2", {present, present, present}, {100, 60, 20}, {"100.00", "50.00", "0.00"}},
      {"minmax thirds", minmax, "2", {present, present, present, present}, {40, 30, 20, 10},
       {"100.00", "66.67", "33.33", "0.00"}},
      {"minmax fraud/absent", minmax, "2", {present, fraud, absent, present}, {100, 150, 10, 20},
       {"100.00", "100.00", "0.00", "0.00"}},
      {"minmax all equal", minmax, "2", {present, present, absent}, {40, 40, 20}, {"100.00", "100.00", "50.00"}},
      {"minmax no votes", minmax, "2", {present, present}, {0, 0}, {"0.00", "0.00"}},
  };
  for (const auto& r : rows) {
    CAPTURE(r.name);
    auto input = units(static_cast<int>(r.votes.size()));
    input.config.method = r.method;
    input.config.rank_step = dec(r.rank_step);
    for (std::size_t i = 0; i < r.votes.size(); ++i) {
      input.units[i].status = r.statuses[i];
      input.public_votes.votes[input.units[i].id] = r.votes[i];
    }
    const auto results = run(input);
    CHECK(column(results, &unit_result::public_score) == r.scores);
    for (std::size_t i = 0; i < r.votes.size(); ++i) CHECK(results[i].votes == r.votes[i]);
  }
}

TEST_CASE("eval engine: satisfaction is the mean band value of a unit's ratings") {
  auto input = units(4);
  input.config.method = public_method::satisfaction;
  input.public_votes.ratings = {
      {"u1", {{"满意", 3}, {"基本满意", 1}}},     // 380 / 4
      {"u2", {{"满意", 1}, {"不满意", 2}}},       // 200 / 3
      {"u3", {{"满意", 0}}},
  };
  judge(input, "j1", {{"u1", "90"}, {"u2", "90"}, {"u3", "90"}, {"u4", "90"}});
  const auto results = run(input);
  CHECK(column(results, &unit_result::public_score) == std::vector<std::string>{"95.00", "66.67", "null", "null"});
  CHECK(results[0].votes == 4);
  CHECK(results[1].votes == 3);
  CHECK(results[2].votes == 0);
  // Nobody rated it: no public component, so no total, and a warning.
  CHECK_FALSE(results[2].total);
  CHECK(has_warning(results[2], "missing_public"));
  CHECK(has_warning(results[3], "missing_public"));
}

TEST_CASE("eval engine: a component weighted 0 is not required") {
  auto input = units(1);
  input.config.weights = {decimal::whole(60), decimal::whole(40), decimal{}};
  judge(input, "j1", {{"u1", "80"}});
  input.public_votes.votes = {{"u1", 5}};
  const auto results = run(input);
  CHECK(shown(results[0].total) == "88.00");
  CHECK(results[0].warnings.empty());
}

TEST_CASE("eval engine: warnings") {
  auto input = units(4);
  input.units[0].electorate = 100;
  input.units[1].electorate = 100;
  input.units[3].status = unit_status::absent;
  judge(input, "j1", {{"u1", "85"}, {"u2", "85"}, {"u3", "85"}});
  judge(input, "j2", {{"u1", "90"}, {"u2", "80"}});
  judge(input, "j3", {{"u2", "70"}});  // one unit only: not "the same for every unit"
  rater(input, "u2", {{"u1", "80"}});
  input.public_votes.votes = {{"u1", 101}, {"u2", 100}};
  const auto results = run(input);

  auto codes = [](const unit_result& r) {
    std::vector<std::string> out;
    for (const auto& w : r.warnings) out.push_back(w.code);
    return out;
  };
  CHECK(codes(results[0]) == std::vector<std::string>{"panel_incomplete", "uniform_judge", "votes_above_electorate"});
  CHECK(codes(results[1]) == std::vector<std::string>{"uniform_judge", "missing_peer"});
  CHECK(codes(results[2]) ==
        std::vector<std::string>{"panel_incomplete", "uniform_judge", "missing_peer"});
  CHECK(results[3].warnings.empty());
  CHECK(results[0].warnings[0].message.find("j3") != std::string::npos);
  CHECK(results[0].warnings[1].message.find("j1") != std::string::npos);
  CHECK(results[0].warnings[1].message.find("85.00") != std::string::npos);
  CHECK(results[0].warnings[2].message.find("101") != std::string::npos);
  CHECK(results[2].warnings[0].message.find("j2、j3") != std::string::npos);
  // Warnings never change a number.
  CHECK(shown(results[0].total) == "91.00");  // 87.50 × 0.4 + 100 × 0.4 + 80 × 0.2
}

TEST_CASE("eval engine: inconsistent input is refused") {
  struct row {
    const char* name;
    void (*spoil)(evaluation_input&);
    const char* path;
  };
  const row rows[] = {
      {"bad unit id", [](evaluation_input& in) { in.units[0].id = "u 1"; }, "units[0].id"},
      {"repeated unit id", [](evaluation_input& in) { in.units[1].id = "u1"; }, "units[1].id"},
      {"panel unknown unit", [](evaluation_input& in) { judge(in, "j1", {{"u9", "80"}}); }, "panel[0].unit"},
      {"panel bad judge", [](evaluation_input& in) { judge(in, "j/1", {{"u1", "80"}}); }, "panel[0].judge"},
      {"panel twice", [](evaluation_input& in) { judge(in, "j1", {{"u1", "80"}, {"u1", "81"}}); }, "panel[1]"},
      {"panel out of range",
       [](evaluation_input& in) { in.panel.push_back({"j1", "u1", decimal::from_hundredths(10001), ""}); },
       "panel[0].score"},
      {"self-rating", [](evaluation_input& in) { rater(in, "u1", {{"u1", "80"}}); }, "peer[0].unit"},
      {"peer unknown rater", [](evaluation_input& in) { rater(in, "u9", {{"u1", "80"}}); }, "peer[0].rater"},
      {"peer twice", [](evaluation_input& in) { rater(in, "u2", {{"u1", "80"}, {"u1", "80"}}); }, "peer[1]"},
      {"votes unknown unit", [](evaluation_input& in) { in.public_votes.votes["u9"] = 1; }, "votes.u9"},
      {"ratings unknown band", [](evaluation_input& in) { in.public_votes.ratings["u1"]["很满意"] = 1; },
       "ratings.u1.很满意"},
      {"no grades", [](evaluation_input& in) { in.config.grades.clear(); }, "scoring.grades"},
  };
  for (const auto& r : rows) {
    CAPTURE(r.name);
    auto input = units(2);
    r.spoil(input);
    auto out = evaluate(input);
    REQUIRE_FALSE(out.ok());
    CHECK(out.err().path == r.path);
    CHECK_FALSE(out.err().message.empty());
  }
}

TEST_CASE("eval engine: the same input gives the same output") {
  auto input = units(3);
  judge(input, "j1", {{"u1", "81.23"}, {"u2", "77.77"}, {"u3", "90"}});
  judge(input, "j2", {{"u1", "80"}, {"u2", "91"}, {"u3", "70.01"}});
  rater(input, "u1", {{"u2", "80"}, {"u3", "81"}});
  rater(input, "u2", {{"u1", "82"}, {"u3", "83"}});
  input.public_votes.votes = {{"u1", 7}, {"u2", 3}, {"u3", 11}};
  const auto first = run(input);
  const auto second = run(input);
  for (std::size_t i = 0; i < first.size(); ++i) {
    CHECK(first[i].total == second[i].total);
    CHECK(first[i].rank == second[i].rank);
    CHECK(first[i].warnings == second[i].warnings);
  }
}
