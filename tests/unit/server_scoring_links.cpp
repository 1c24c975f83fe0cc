#include <doctest/doctest.h>

#include "http/cookies.hpp"
#include "server/scoring_links.hpp"

using namespace pingyi::server;
using pingyi::http::signer;

namespace {

const signer keys("secret-secret-secret-secret-secret-01");
const scorer judge1{scorer_kind::judge, "j1"};
const scorer judge2{scorer_kind::judge, "j2"};
const scorer unit1{scorer_kind::unit, "u1"};

}  // namespace

TEST_CASE("scorers are judge:<id> or unit:<id>") {
    CHECK(parse_scorer("judge:j1") == judge1);
    CHECK(parse_scorer("unit:u1") == unit1);
    CHECK(to_string(judge1) == "judge:j1");
    CHECK(to_string(unit1) == "unit:u1");
    const std::vector<std::string> bad_ones{"",         "judge",      "judge:", "admin:x",
                                            "unit:a.b", "judge:j1:x", "unit:" + std::string(65, 'a')};
    for (const auto& bad : bad_ones)
        CHECK_MESSAGE(!parse_scorer(bad), bad);
}

TEST_CASE("a link token opens exactly one scorer's scores in one campaign") {
    auto token = link_token(keys, "c1", judge1);
    CHECK(token.size() == 43);  // base64url of an HMAC-SHA256, nothing to escape in a URL
    CHECK(token.find_first_not_of("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_") ==
          std::string::npos);
    CHECK(link_token(keys, "c1", judge1) == token);
    CHECK(link_token_valid(keys, "c1", judge1, token));
    CHECK_FALSE(link_token_valid(keys, "c1", judge2, token));
    CHECK_FALSE(link_token_valid(keys, "c2", judge1, token));
    CHECK_FALSE(link_token_valid(keys, "c1", scorer{scorer_kind::unit, "j1"}, token));
    CHECK_FALSE(link_token_valid(signer("another-secret-another-secret-0001"), "c1", judge1, token));
    CHECK_FALSE(link_token_valid(keys, "c1", judge1, ""));
    CHECK_FALSE(link_token_valid(keys, "c1", judge1, "abc"));
    std::string tampered = token;
    tampered[5] = tampered[5] == 'A' ? 'B' : 'A';
    CHECK_FALSE(link_token_valid(keys, "c1", judge1, tampered));
    // A whole signed value (payload.signature) is not a token.
    CHECK_FALSE(link_token_valid(keys, "c1", judge1, "s1|c1|judge|j1." + token));
    // Not interchangeable with values the same key signs for cookies.
    CHECK(link_token(keys, "c1", judge1) != link_token(keys, "c1", unit1));
}

TEST_CASE("links survive a secret rotation while the previous secret is set") {
    auto token = link_token(keys, "c1", unit1);
    signer rotated("secret-new-new-new-new-new-new-0002", "secret-secret-secret-secret-secret-01");
    CHECK(link_token_valid(rotated, "c1", unit1, token));
    CHECK_FALSE(link_token_valid(signer("secret-new-new-new-new-new-new-0002"), "c1", unit1, token));
}

TEST_CASE("scoring URLs point at the H5 scoring page") {
    CHECK(scoring_url("https://pingyi.example.cn/", "sg2019", judge1, "TOKEN") ==
          "https://pingyi.example.cn/h5/score/sg2019?as=judge:j1&t=TOKEN");
    CHECK(scoring_url("http://127.0.0.1:8080", "c", unit1, "T") == "http://127.0.0.1:8080/h5/score/c?as=unit:u1&t=T");
}

TEST_CASE("the token comes from Authorization: Link, else from t") {
    pingyi::http::request req;
    pingyi::http::request_context ctx{req, "/x", "as=judge:j1&t=from-query", {}, {}, {}, 0};
    CHECK(presented_link_token(ctx) == "from-query");
    req.set(pingyi::http::field::authorization, "Link from-header");
    CHECK(presented_link_token(ctx) == "from-header");
    req.set(pingyi::http::field::authorization, "Bearer admin");
    CHECK(presented_link_token(ctx) == "from-query");
    pingyi::http::request_context bare{req, "/x", "", {}, {}, {}, 0};
    CHECK_FALSE(presented_link_token(bare));
}
