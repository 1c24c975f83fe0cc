#include <doctest/doctest.h>

#include "vote/time.hpp"

using namespace pingyi::vote;

TEST_CASE("vote: RFC 3339 with an offset parses to epoch milliseconds") {
    CHECK(parse_rfc3339("1970-01-01T00:00:00Z") == 0);
    CHECK(parse_rfc3339("1970-01-01T08:00:00+08:00") == 0);
    CHECK(parse_rfc3339("2019-12-20T09:00:00+08:00") == 1576803600000);
    CHECK(parse_rfc3339("2019-12-20T01:00:00.25z") == 1576803600250);
    CHECK(parse_rfc3339("2019-12-20T01:00:00.123456Z") == 1576803600123);
    CHECK(parse_rfc3339("2019-12-19T20:00:00-05:00") == 1576803600000);
    CHECK(parse_rfc3339("2020-02-29T00:00:00Z").has_value());
    CHECK_FALSE(parse_rfc3339("2019-02-29T00:00:00Z"));
    CHECK_FALSE(parse_rfc3339("2019-12-20T09:00:00"));   // no offset
    CHECK_FALSE(parse_rfc3339("2019-12-20 09:00:00Z"));
    CHECK_FALSE(parse_rfc3339("2019-13-20T09:00:00Z"));
    CHECK_FALSE(parse_rfc3339("2019-12-20T24:00:00Z"));
    CHECK_FALSE(parse_rfc3339("2019-12-20T09:00:00.Z"));
    CHECK_FALSE(parse_rfc3339("2019-12-20T09:00:00+0800"));
    CHECK_FALSE(parse_rfc3339(""));
}

TEST_CASE("vote: times are written back in Shanghai time") {
    CHECK(format_rfc3339_shanghai(1576803600000) == "2019-12-20T09:00:00+08:00");
    CHECK(format_rfc3339_shanghai(1576803600250) == "2019-12-20T09:00:00.250+08:00");
    CHECK(format_rfc3339_shanghai(-28800000) == "1970-01-01T00:00:00+08:00");
}

TEST_CASE("vote: a Shanghai day starts at 16:00 UTC") {
    const auto before = *parse_rfc3339("2019-12-20T15:59:59.999Z");
    const auto midnight = *parse_rfc3339("2019-12-20T16:00:00Z");
    CHECK(day_number(midnight) == day_number(before) + 1);
    CHECK(day_number(*parse_rfc3339("2019-12-21T00:00:00+08:00")) == day_number(midnight));
    CHECK(day_number(0) == 0);
    CHECK(day_number(-28800001) == -1);
}
