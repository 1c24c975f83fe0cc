// Organizers as staff see them (server/organizer_scope.hpp): whose
// campaigns a staff member sees, where a campaign they create or edit goes,
// and which organizers they may pick from.
#include <doctest/doctest.h>

#include "server/organizer_scope.hpp"

using namespace pingyi::server;

namespace {

config two_counties() {
    config cfg;
    cfg.wechat.appid = "wxcity";
    organizer_settings a{"county-a", "甲县普法办", std::nullopt};
    organizer_settings b{"county-b", "乙县普法办", wechat_settings{}};
    b.wechat->appid = "wxcountyb";
    cfg.organizers = {a, b};
    return cfg;
}

const principal city{"city.admin", staff_role::admin, ""};
const principal county_a{"a.admin", staff_role::admin, "county-a"};

// The organizer_id chosen, or the refusal's code.
std::string outcome(const principal& who, std::string_view requested, std::optional<std::string_view> current) {
    auto placed = campaign_organizer(who, requested, current, two_counties());
    if (auto* id = std::get_if<std::string>(&placed)) return "ok:" + *id;
    const auto& refusal = std::get<organizer_refusal>(placed);
    CHECK_FALSE(refusal.message.empty());
    CHECK(refusal.status == (refusal.code == "organizer_forbidden" ? pingyi::http::status::forbidden
                                                                : pingyi::http::status::bad_request));
    return refusal.code;
}

}  // namespace

TEST_CASE("organizer ids: letters, digits, _ and -, 1 to 64") {
    CHECK(valid_organizer_id("county-a"));
    CHECK(valid_organizer_id("Qujiang_2"));
    CHECK(valid_organizer_id(std::string(64, 'x')));
    CHECK_FALSE(valid_organizer_id(""));
    CHECK_FALSE(valid_organizer_id(std::string(65, 'x')));
    CHECK_FALSE(valid_organizer_id("县"));
    CHECK_FALSE(valid_organizer_id("a b"));
    CHECK_FALSE(valid_organizer_id("../a"));
}

TEST_CASE("the city level sees every organizer's campaigns, a county's staff only their own") {
    CHECK(in_scope(city, ""));
    CHECK(in_scope(city, "county-a"));
    CHECK(in_scope(city, "county-b"));
    CHECK(in_scope(county_a, "county-a"));
    CHECK_FALSE(in_scope(county_a, ""));
    CHECK_FALSE(in_scope(county_a, "county-b"));
    CHECK_FALSE(in_scope(county_a, "county-a2"));
    CHECK_FALSE(in_scope(county_a, "County-a"));
}

TEST_CASE("a campaign created by county staff is theirs: their own id, or none given") {
    CHECK(outcome(county_a, "", std::nullopt) == "ok:county-a");
    CHECK(outcome(county_a, "county-a", std::nullopt) == "ok:county-a");
    CHECK(outcome(county_a, "county-b", std::nullopt) == "organizer_forbidden");
    // Another county's id is forbidden even when the configuration lacks it.
    CHECK(outcome(county_a, "county-z", std::nullopt) == "organizer_forbidden");
}

TEST_CASE("a campaign created at the city level: the city itself or any configured organizer") {
    CHECK(outcome(city, "", std::nullopt) == "ok:");
    CHECK(outcome(city, "county-a", std::nullopt) == "ok:county-a");
    CHECK(outcome(city, "county-b", std::nullopt) == "ok:county-b");
    CHECK(outcome(city, "county-z", std::nullopt) == "unknown_organizer");
    auto placed = campaign_organizer(city, "county-z", std::nullopt, two_counties());
    REQUIRE(std::holds_alternative<organizer_refusal>(placed));
    CHECK(std::get<organizer_refusal>(placed).message.find("county-z") != std::string::npos);
}

TEST_CASE("an edit: county staff cannot move a campaign away, the city may move it anywhere configured") {
    CHECK(outcome(county_a, "county-a", "county-a") == "ok:county-a");
    CHECK(outcome(county_a, "", "county-a") == "ok:county-a");
    CHECK(outcome(county_a, "county-b", "county-a") == "organizer_forbidden");
    // Never the city's campaign, should one reach here.
    CHECK(outcome(county_a, "county-a", "") == "organizer_forbidden");
    CHECK(outcome(city, "county-b", "county-a") == "ok:county-b");
    CHECK(outcome(city, "", "county-a") == "ok:");
    CHECK(outcome(city, "county-z", "county-a") == "unknown_organizer");
    // An organizer since removed from the configuration: its campaigns can still be edited where they are.
    CHECK(outcome(city, "county-gone", "county-gone") == "ok:county-gone");
    const principal gone{"g.admin", staff_role::admin, "county-gone"};
    CHECK(outcome(gone, "", "county-gone") == "ok:county-gone");
    // but not created there.
    CHECK(outcome(gone, "", std::nullopt) == "unknown_organizer");
}

TEST_CASE("the organizers to pick from: the city level and every organizer, or a county's own") {
    auto cfg = two_counties();
    auto all = organizers_for(city, cfg);
    REQUIRE(all.size() == 3);
    CHECK(all[0].id.empty());
    CHECK(all[0].name == city_level_name);
    CHECK(all[0].wechat_account);  // the main account
    CHECK(all[1].id == "county-a");
    CHECK(all[1].name == "甲县普法办");
    CHECK_FALSE(all[1].wechat_account);
    CHECK(all[2].id == "county-b");
    CHECK(all[2].wechat_account);

    auto own = organizers_for(county_a, cfg);
    REQUIRE(own.size() == 1);
    CHECK(own[0].id == "county-a");
    CHECK(own[0].name == "甲县普法办");

    // An account under an organizer the configuration no longer has is shown by its id.
    auto gone = describe_organizer(cfg, "county-gone");
    CHECK(gone.id == "county-gone");
    CHECK(gone.name == "county-gone");
    cfg.wechat.appid.clear();
    CHECK_FALSE(describe_organizer(cfg, "").wechat_account);
}
