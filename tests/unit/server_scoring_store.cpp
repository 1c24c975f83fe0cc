#include <doctest/doctest.h>

#include <nlohmann/json.hpp>

#include "server/scoring_store.hpp"

using namespace pingyi;
using namespace pingyi::server;
using eval::decimal;

namespace {

vote::campaign campaign_of(const std::string& scoring) {
    auto parsed = vote::parse_campaign(R"({"id": "c1", "title": "t", "opens_at": "2019-12-20T09:00:00+08:00",
        "closes_at": "2019-12-27T18:00:00+08:00", "scoring": )" + scoring + R"(,
        "units": [{"id": "u1", "name": "甲"}, {"id": "u2", "name": "乙", "electorate": 50}, {"id": "u3", "name": "丙"}]})");
    REQUIRE(std::holds_alternative<vote::campaign>(parsed));
    return std::get<vote::campaign>(parsed);
}

eval::scoring_config config_of(const vote::campaign& c) {
    auto config = eval::parse_scoring_config(c.scoring);
    REQUIRE(config.ok());
    return config.value();
}

}  // namespace

TEST_CASE("keys carry the campaign's hash tag") {
    CHECK(scoring_keys::panel("c1") == "{c:c1}:panel");
    CHECK(scoring_keys::peer("c1") == "{c:c1}:peer");
    CHECK(scoring_keys::status("c1") == "{c:c1}:status");
    CHECK(scoring_keys::judges("c1") == "{c:c1}:judges");
    CHECK(scoring_keys::revision("c1") == "{c:c1}:eval-rev");
    CHECK(scoring_keys::published("c1") == "{c:c1}:published");
}

TEST_CASE("score sheets and statuses survive storage exactly") {
    score_sheet sheet{"j1", 1577000000123, "link",
                      {{"u1", decimal::from_hundredths(9250), "很好，\"建议\"加强"}, {"u2", decimal::from_hundredths(1), ""}}};
    auto text = encode_sheet(sheet);
    CHECK(decode_sheet("j1", text) == sheet);
    CHECK(text.find("92.5") != std::string::npos);
    CHECK(decode_sheet("j1", R"({"at": 1, "by": "x", "scores": []})")->items.empty());
    CHECK_FALSE(decode_sheet("j1", "not json"));
    CHECK_FALSE(decode_sheet("j1", R"({"scores": [{"unit": "u1", "score": 100.001}]})"));
    CHECK_FALSE(decode_sheet("j1", R"({"scores": [{"score": 1}]})"));

    status_record absent{eval::unit_status::absent, "拒不参加评议", "admin", 5};
    CHECK(decode_status(encode_status(absent)) == absent);
    CHECK_FALSE(decode_status(R"({"status": "gone"})"));
}

TEST_CASE("parsed scores group into one sheet per judge or rater") {
    std::vector<eval::panel_score> panel{{"j2", "u1", decimal::whole(90), "a"},
                                         {"j1", "u1", decimal::whole(80), ""},
                                         {"j2", "u2", decimal::whole(70), "b"}};
    auto sheets = sheets_of(panel, 7, "token");
    REQUIRE(sheets.size() == 2);
    CHECK(sheets[0].owner == "j2");
    CHECK(sheets[0].items == std::vector<sheet_item>{{"u1", decimal::whole(90), "a"}, {"u2", decimal::whole(70), "b"}});
    CHECK(sheets[0].at_ms == 7);
    CHECK(sheets[0].by == "token");
    CHECK(sheets[1].owner == "j1");
    std::vector<eval::peer_score> peer{{"u2", "u1", decimal::whole(88)}};
    auto rated = sheets_of(peer, 1, "link");
    REQUIRE(rated.size() == 1);
    CHECK(rated[0].items == std::vector<sheet_item>{{"u1", decimal::whole(88), ""}});
}

TEST_CASE("the engine's input: statuses, sheets, and only the campaign's tally entries") {
    auto c = campaign_of("{}");
    scoring_snapshot s;
    s.statuses["u3"] = {eval::unit_status::absent, "未到会", "admin", 1};
    s.panel = {{"j1", 1, "link", {{"u1", decimal::whole(90), "好"}}}};
    s.peer = {{"u2", 1, "link", {{"u1", decimal::whole(80), ""}}}};
    s.tally.counts = {{"u1", 12}, {"u2", 3}, {"gone", 99}, {"u1:满意", 4}};
    auto in = evaluation_input_of(c, config_of(c), s);
    REQUIRE(in.units.size() == 3);
    CHECK(in.units[0].status == eval::unit_status::present);
    CHECK(in.units[1].electorate == 50u);
    CHECK(in.units[2].status == eval::unit_status::absent);
    REQUIRE(in.panel.size() == 1);
    CHECK(in.panel[0].judge == "j1");
    CHECK(in.panel[0].comment == "好");
    REQUIRE(in.peer.size() == 1);
    CHECK(in.peer[0].rater == "u2");
    CHECK(in.public_votes.votes.size() == 2);
    CHECK(in.public_votes.votes.at("u1") == 12);
    CHECK(in.public_votes.ratings.empty());
    CHECK(eval::evaluate(in).ok());

    auto frozen = frozen_inputs_json(in, s);
    CHECK(frozen["units"][2]["reason"] == "未到会");
    CHECK(frozen["panel"][0]["score"] == "90.00");
    CHECK(frozen["votes"]["u1"] == 12);
}

TEST_CASE("satisfaction mode reads per-band counts") {
    auto c = campaign_of(R"({"public_method": "satisfaction"})");
    scoring_snapshot s;
    s.tally.counts = {{"u1:满意", 4}, {"u1:不满意", 1}, {"u2:很好", 9}, {"u2", 5}};
    auto in = evaluation_input_of(c, config_of(c), s);
    CHECK(in.public_votes.votes.empty());
    REQUIRE(in.public_votes.ratings.size() == 1);
    CHECK(in.public_votes.ratings.at("u1").at("满意") == 4);
    CHECK(in.public_votes.ratings.at("u1").at("不满意") == 1);
    CHECK(eval::evaluate(in).ok());
}
