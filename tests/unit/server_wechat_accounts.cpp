// The official accounts of a configuration, which campaigns belong to which,
// and the sessions that remember their account.
#include <doctest/doctest.h>

#include "http/cookies.hpp"
#include "server/voter_session.hpp"
#include "server/wechat_accounts.hpp"
#include "server/wechat_replies.hpp"

using namespace pingyi::server;
using pingyi::http::signer;

namespace {

const std::string aes_key = "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG";

// The city on PINGYI_WECHAT_*, "lechang" with its own account, "renhua"
// without one.
config two_accounts() {
    config c;
    c.wechat.appid = "wxcity";
    c.wechat.token = "citytoken";
    wechat_settings county;
    county.appid = "wxlechang";
    county.secret = "lechangsecret";
    county.token = "lechangtoken";
    county.aes_key = aes_key;
    c.organizers.push_back({"lechang", "乐昌市普法办", county});
    c.organizers.push_back({"renhua", "仁化县普法办", std::nullopt});
    return c;
}

pingyi::vote::campaign campaign_of(std::string id, std::string organizer_id) {
    pingyi::vote::campaign c;
    c.id = std::move(id);
    c.title = "评议 " + c.id;
    c.organizer_id = std::move(organizer_id);
    c.opens_ms = 0;
    c.closes_ms = 4102444800000;  // 2100
    c.wechat.keywords = {"投票"};
    return c;
}

}  // namespace

TEST_CASE("the accounts of a configuration: the default one and each organizer's own") {
    wechat_accounts accounts(two_accounts());
    REQUIRE(accounts.several());
    CHECK(accounts.all().size() == 2);
    CHECK(accounts.default_account().id.empty());
    CHECK(accounts.default_account().settings.appid == "wxcity");
    CHECK_FALSE(accounts.default_account().keys);
    const auto* lechang = accounts.find("lechang");
    REQUIRE(lechang);
    CHECK(lechang->settings.token == "lechangtoken");
    REQUIRE(lechang->keys);
    CHECK(lechang->keys->current().appid() == "wxlechang");
    CHECK(accounts.find("") == &accounts.default_account());
    CHECK_FALSE(accounts.find("renhua"));  // an organizer without an account of its own
    CHECK_FALSE(accounts.find("nowhere"));

    CHECK(&accounts.of_campaign(campaign_of("c1", "")) == &accounts.default_account());
    CHECK(&accounts.of_campaign(campaign_of("c2", "lechang")) == lechang);
    CHECK(&accounts.of_campaign(campaign_of("c3", "renhua")) == &accounts.default_account());
    CHECK(&accounts.of_campaign(campaign_of("c4", "gone")) == &accounts.default_account());

    CHECK_FALSE(wechat_accounts(config{}).several());
}

TEST_CASE("an EncodingAESKey that is not a key stops the start, naming the organizer") {
    auto c = two_accounts();
    c.organizers[0].wechat->aes_key = std::string(42, 'a') + "!";
    try {
        wechat_accounts accounts(c);
        FAIL("accepted a bad key");
    } catch (const config_error& e) {
        CHECK(std::string(e.what()).find("lechang") != std::string::npos);
    }
}

TEST_CASE("each account answers 投票 with its own campaigns only") {
    wechat_accounts accounts(two_accounts());
    auto city = campaign_of("city2024", "");
    auto county = campaign_of("lc2024", "lechang");
    auto other = campaign_of("rh2024", "renhua");
    std::vector<const pingyi::vote::campaign*> all{&city, &county, &other};

    auto of_city = campaigns_of_account(accounts, accounts.default_account(), all);
    CHECK(of_city == std::vector<const pingyi::vote::campaign*>{&city, &other});
    auto of_county = campaigns_of_account(accounts, *accounts.find("lechang"), all);
    CHECK(of_county == std::vector<const pingyi::vote::campaign*>{&county});

    pingyi::wechat::message m;
    m.to_user = "gh_lechang";
    m.from_user = "oUser";
    m.msg_type = "text";
    m.content = "投票";
    auto reply = wechat_reply_for(m, of_county, "https://vote.example.cn", 1'700'000'000'000, organizer_welcome);
    REQUIRE(reply);
    CHECK(reply->find("https://vote.example.cn/h5/c/lc2024") != std::string::npos);
    CHECK(reply->find("city2024") == std::string::npos);

    m.msg_type = "event";
    m.event = "subscribe";
    county.wechat.welcome.clear();
    reply = wechat_reply_for(m, of_county, "https://vote.example.cn", 1'700'000'000'000, organizer_welcome);
    REQUIRE(reply);
    CHECK(reply->find("感谢关注！") != std::string::npos);
    CHECK(reply->find("韶司在线") == std::string::npos);
}

TEST_CASE("sessions and OAuth states remember their account, the default one as before") {
    signer s("secret-secret-secret-secret-secret-01");
    // The default account's cookie is the single-account server's.
    auto city = encode_voter_session(s, {"AbCd_-12", 2000, ""});
    CHECK(s.verify(city) == std::optional<std::string>("v1|AbCd_-12|2000"));
    auto v = decode_voter_session(s, city, 1000);
    REQUIRE(v);
    CHECK(v->account.empty());

    auto county = encode_voter_session(s, {"AbCd_-12", 2000, "lechang"});
    v = decode_voter_session(s, county, 1000);
    REQUIRE(v);
    CHECK(v->pseudonym == "AbCd_-12");
    CHECK(v->expires_s == 2000);
    CHECK(v->account == "lechang");
    CHECK_FALSE(decode_voter_session(s, county, 2000));
    CHECK_FALSE(decode_voter_session(s, s.sign("v2|AbCd|2000|"), 1000));
    CHECK_FALSE(decode_voter_session(s, s.sign("v2|AbCd|2000|le chang"), 1000));
    CHECK_FALSE(decode_voter_session(s, s.sign("v1|AbCd|2000|lechang"), 1000));
    CHECK_FALSE(decode_voter_session(s, s.sign("v3|AbCd|2000|lechang"), 1000));

    auto plain = encode_oauth_state(s, {"abcDEF123", "/h5/c/sg2019", 500, ""});
    CHECK(s.verify(plain) == std::optional<std::string>("o1|abcDEF123|/h5/c/sg2019|500"));
    auto o = decode_oauth_state(s, encode_oauth_state(s, {"abcDEF123", "/h5/c/lc2024", 500, "lechang"}), 100);
    REQUIRE(o);
    CHECK(o->state == "abcDEF123");
    CHECK(o->return_path == "/h5/c/lc2024");
    CHECK(o->expires_s == 500);
    CHECK(o->account == "lechang");
    CHECK_FALSE(decode_oauth_state(s, s.sign("o2|abcDEF123|/h5/c/x|500"), 100));
}
