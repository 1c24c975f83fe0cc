#include <doctest/doctest.h>

#include <nlohmann/json.hpp>

#include "vote/ballot.hpp"

using namespace pingyi::vote;

namespace {

campaign make_campaign(bool satisfaction) {
    nlohmann::json body = nlohmann::json::parse(R"({"id": "c", "title": "t",
        "opens_at": "2019-12-20T09:00:00+08:00", "closes_at": "2019-12-27T18:00:00+08:00",
        "units": [{"id": "u1", "name": "一"}, {"id": "u2", "name": "二"}, {"id": "u3", "name": "三"}],
        "rules": {"max_choices": 2}})");
    if (satisfaction) body["scoring"] = {{"public_method", "satisfaction"}};
    return std::get<campaign>(campaign_from_json(body));
}

error refusal(std::string_view body, const campaign& c) {
    auto r = parse_ballot(body, c);
    REQUIRE(std::holds_alternative<error>(r));
    const error e = std::get<error>(r);
    CHECK(e.code == "invalid_ballot");
    CHECK_FALSE(e.message.empty());
    return e;
}

}  // namespace

TEST_CASE("vote: a ballot names known units, each once, at most max_choices") {
    const campaign c = make_campaign(false);
    auto r = parse_ballot(R"({"units": ["u3", "u1"]})", c);
    REQUIRE(std::holds_alternative<ballot>(r));
    CHECK(std::get<ballot>(r).units == std::vector<std::string>{"u3", "u1"});
    CHECK_FALSE(std::get<ballot>(r).rated());

    CHECK(refusal(R"({"units": ["u9"]})", c).path == "units[0]");
    CHECK(refusal(R"({"units": ["u1", "u1"]})", c).path == "units[1]");
    CHECK(refusal(R"({"units": ["u1", "u2", "u3"]})", c).path == "units[2]");
    CHECK(refusal(R"({"units": []})", c).path == "units");
    CHECK(refusal(R"({"units": "u1"})", c).path == "units");
    CHECK(refusal(R"({"units": [1]})", c).path == "units[0]");
    CHECK(refusal(R"({})", c).path == "units");
    CHECK(refusal(R"({"units": ["u1"], "voter": "x"})", c).path == "voter");
    CHECK(refusal(R"({"ratings": {"u1": "满意"}})", c).path == "ratings");
    CHECK(refusal(R"(["u1"])", c).path == "");
    CHECK(refusal(R"({"units": ["u1")", c).path == "");
}

TEST_CASE("vote: a satisfaction ballot rates known units with known bands") {
    const campaign c = make_campaign(true);
    auto r = parse_ballot(R"({"ratings": {"u2": "不满意", "u1": "满意"}})", c);
    REQUIRE(std::holds_alternative<ballot>(r));
    const ballot& b = std::get<ballot>(r);
    CHECK(b.rated());
    REQUIRE(b.units.size() == 2);
    for (std::size_t i = 0; i < 2; ++i) CHECK(b.bands[i] == (b.units[i] == "u1" ? "满意" : "不满意"));

    CHECK(refusal(R"({"ratings": {"u1": "很好"}})", c).path == "ratings.u1");
    CHECK(refusal(R"({"ratings": {"u1": 100}})", c).path == "ratings.u1");
    CHECK(refusal(R"({"ratings": {"u9": "满意"}})", c).path == "ratings.u9");
    CHECK(refusal(R"({"ratings": {"u1": "满意", "u2": "满意", "u3": "满意"}})", c).path.rfind("ratings.", 0) == 0);
    CHECK(refusal(R"({"ratings": {}})", c).path == "ratings");
    CHECK(refusal(R"({"ratings": ["u1"]})", c).path == "ratings");
    CHECK(refusal(R"({"units": ["u1"]})", c).path == "units");
}
