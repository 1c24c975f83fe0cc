// What server/self_assessment_store.hpp keeps in Redis, encoded and read
// back: a unit's record with every field, and the indicator system with
// who saved it and when; what it did not write is refused.
#include <doctest/doctest.h>

#include "server/self_assessment_store.hpp"

using namespace pingyi::server;

TEST_CASE("self-assessment records and indicator systems read back as written") {
    assessment_record r;
    r.state = assessment_state::accepted;
    r.content.items = {{"1.1", 45, "会议纪要"}, {"1.2", std::nullopt, ""}};
    r.content.disclosure = {"清单", "措施", "成效"};
    r.saved_ms = 2000;
    r.submitted_ms = 3000;
    r.reviewed_ms = 4000;
    r.reviewer = "admin";
    r.comment = "同意";
    auto decoded = decode_record(encode_record(r));
    REQUIRE(decoded.has_value());
    CHECK(*decoded == r);
    CHECK_FALSE(decode_record(R"({"state": "lost"})").has_value());
    CHECK_FALSE(decode_record(R"({"state": "draft", "saved_at": "soon"})").has_value());
    CHECK_FALSE(decode_record("not json").has_value());

    const pingyi::vote::indicator_system system{{{"组织领导", {{"1.1", "专题研究", 45, "有纪要得满分"}}}}};
    auto text = encode_indicators(system, 1234, "admin");
    auto stored = decode_indicators(text);
    REQUIRE(stored.has_value());
    CHECK(stored->text == text);
    CHECK(stored->system == system);
    CHECK(stored->at_ms == 1234);
    CHECK(stored->by == "admin");
    CHECK_FALSE(decode_indicators(R"({"categories": []})").has_value());
}

TEST_CASE("only drafts and returned self-assessments are the unit's to change") {
    CHECK(editable(assessment_state::draft));
    CHECK(editable(assessment_state::returned));
    CHECK_FALSE(editable(assessment_state::submitted));
    CHECK_FALSE(editable(assessment_state::accepted));
    for (auto s :
         {assessment_state::draft, assessment_state::submitted, assessment_state::accepted, assessment_state::returned})
        CHECK(parse_assessment_state(to_string(s)) == s);
    CHECK_FALSE(parse_assessment_state("none").has_value());
}
