#include <doctest/doctest.h>

#include <nlohmann/json.hpp>

#include "tests/unit/vote_support.hpp"
#include "vote/campaign.hpp"

using namespace pingyi::vote;
using nlohmann::json;

namespace {

json minimal() { return test::minimal_campaign_body(); }
error refusal(const json& body) { return test::campaign_refusal(body); }

}  // namespace

TEST_CASE("vote: a minimal campaign gets every default") {
    auto r = campaign_from_json(minimal());
    REQUIRE(std::holds_alternative<campaign>(r));
    const campaign& c = std::get<campaign>(r);
    CHECK(c.id == "sg2019");
    CHECK(c.organizer == "");
    CHECK(c.opens_ms == 1576803600000);
    CHECK(c.rules.per_unit_per_day == 1);
    CHECK(c.rules.per_day == 5);
    CHECK(c.rules.max_choices == 5);
    CHECK(c.visibility == tally_visibility::staff);
    CHECK(c.wechat.keywords == std::vector<std::string>{"投票"});
    CHECK(c.wechat.news_title == "2019年评议");
    CHECK_FALSE(c.wechat.welcome.empty());
    CHECK_FALSE(c.wechat.news_picture);
    CHECK(c.units[0].disclosure.duties == "");
    CHECK_FALSE(c.units[0].electorate);
    CHECK(c.scoring == json::object());
    CHECK_FALSE(c.satisfaction_mode());
    CHECK(c.satisfaction_bands() == std::vector<std::string>{"满意", "基本满意", "不满意"});
}

TEST_CASE("vote: a full campaign round-trips through to_json") {
    json body = minimal();
    body["organizer"] = "韶关市普法办公室";
    body["units"][0]["disclosure"] = {{"duties", "职责"}, {"results", "成效"}};
    body["units"][0]["electorate"] = 5000;
    body["rules"] = {{"per_day", 3}};
    body["tally_visibility"] = "public";
    body["wechat"] = {{"keywords", {"投票", "评议"}}, {"news_picture", "https://example.org/p.jpg"}};
    body["scoring"] = {{"public_method", "satisfaction"}, {"satisfaction_bands", {{"好", 100}, {"差", 0}, {"中", 60}}}};
    auto r = campaign_from_json(body);
    REQUIRE(std::holds_alternative<campaign>(r));
    const campaign& c = std::get<campaign>(r);
    CHECK(c.rules.per_day == 3);
    CHECK(c.rules.per_unit_per_day == 1);  // nested object given in part
    CHECK(c.units[0].disclosure.duties == "职责");
    CHECK(c.units[0].disclosure.measures == "");
    CHECK(c.units[0].electorate == 5000);
    CHECK(c.visibility == tally_visibility::everyone);
    CHECK(c.wechat.news_picture == "https://example.org/p.jpg");
    CHECK(c.wechat.news_title == "2019年评议");
    CHECK(c.satisfaction_mode());
    CHECK(c.satisfaction_bands() == std::vector<std::string>{"好", "中", "差"});

    const json stored = c.to_json();
    CHECK(stored["opens_at"] == "2019-12-20T09:00:00+08:00");
    CHECK(stored["tally_visibility"] == "public");
    auto again = parse_campaign(stored.dump());
    REQUIRE(std::holds_alternative<campaign>(again));
    CHECK(std::get<campaign>(again).to_json() == stored);

    CHECK(c.public_json(c.opens_ms - 1)["state"] == "upcoming");
    CHECK(c.public_json(c.opens_ms)["state"] == "open");
    CHECK(c.public_json(c.closes_ms)["state"] == "closed");
}

TEST_CASE("vote: campaign mistakes are named by their path") {
    struct mistake {
        const char* patch;  // a JSON merge patch on the minimal body
        const char* path;
    };
    const mistake cases[] = {
        {R"({"colour": "red"})", "colour"},
        {R"({"rules": {"per_dai": 1}})", "rules.per_dai"},
        {R"({"rules": {"per_day": 0}})", "rules.per_day"},
        {R"({"rules": {"max_choices": 1.5}})", "rules.max_choices"},
        {R"({"rules": {"per_unit_per_day": "1"}})", "rules.per_unit_per_day"},
        {R"({"rules": 3})", "rules"},
        {R"({"id": "bad id"})", "id"},
        {R"({"id": ""})", "id"},
        {R"({"id": 7})", "id"},
        {R"({"title": ""})", "title"},
        {R"({"title": null})", "title"},  // merge_patch: null removes it
        {R"({"opens_at": "2019-12-20 09:00"})", "opens_at"},
        {R"({"closes_at": "2019-12-20T09:00:00+08:00"})", "closes_at"},
        {R"({"closes_at": "2019-12-19T09:00:00+08:00"})", "closes_at"},
        {R"({"tally_visibility": "everyone"})", "tally_visibility"},
        {R"({"wechat": {"keywords": "投票"}})", "wechat.keywords"},
        {R"({"wechat": {"keywords": ["投票", 3]}})", "wechat.keywords[1]"},
        {R"({"wechat": {"qr": "x"}})", "wechat.qr"},
        {R"({"wechat": {"welcome": 1}})", "wechat.welcome"},
        {R"({"scoring": []})", "scoring"},
        {R"({"scoring": {"satisfaction_bands": {"a,b": 1}}})", "scoring.satisfaction_bands"},
        {R"({"units": []})", "units"},
        {R"({"units": {}})", "units"},
    };
    for (const auto& m : cases) {
        CAPTURE(m.patch);
        json body = minimal();
        body.merge_patch(json::parse(m.patch));
        const error e = refusal(body);
        CHECK(e.code == "invalid_campaign");
        CHECK(e.path == m.path);
        CHECK_FALSE(e.message.empty());
    }
}

TEST_CASE("vote: unit mistakes are named by their index") {
    json body = minimal();
    body["units"][1]["id"] = "u01";
    CHECK(refusal(body).path == "units[1].id");
    CHECK(refusal(body).message.find("u01") != std::string::npos);

    body = minimal();
    body["units"][1]["phone"] = "x";
    CHECK(refusal(body).path == "units[1].phone");

    body = minimal();
    body["units"][0].erase("name");
    CHECK(refusal(body).path == "units[0].name");

    body = minimal();
    body["units"][0]["electorate"] = -3;
    CHECK(refusal(body).path == "units[0].electorate");

    body = minimal();
    body["units"][0]["disclosure"] = {{"duty", "x"}};
    CHECK(refusal(body).path == "units[0].disclosure.duty");

    body = minimal();
    body.erase("units");
    CHECK(refusal(body).path == "units");

    auto r = parse_campaign(std::string_view("{not json"));
    REQUIRE(std::holds_alternative<error>(r));
    CHECK(std::get<error>(r).code == "invalid_campaign");
    CHECK(refusal(json::array()).path == "");
}

TEST_CASE("vote: ids are [A-Za-z0-9_-]{1,64}") {
    CHECK(valid_id("a"));
    CHECK(valid_id("A-z_09"));
    CHECK(valid_id(std::string(64, 'x')));
    CHECK_FALSE(valid_id(std::string(65, 'x')));
    CHECK_FALSE(valid_id(""));
    CHECK_FALSE(valid_id("a:b"));
    CHECK_FALSE(valid_id("单位"));
}
