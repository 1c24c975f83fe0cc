// A county with its own official account (config file "organizers") beside
// the city's PINGYI_WECHAT_* account: callbacks at /wechat/<id> with the
// county's token and key, replies and OAuth through the campaign's account,
// sessions that count only for their own account's campaigns.
#include <doctest/doctest.h>

#include <ctime>
#include <fstream>
#include <sstream>

#include <sys/stat.h>
#include <sys/wait.h>

#include <nlohmann/json.hpp>

#include "http/cookies.hpp"
#include "http/query.hpp"
#include "server/voter_session.hpp"
#include "tests/support/campaigns.hpp"
#include "tests/support/http_client.hpp"
#include "tests/support/process.hpp"
#include "tests/support/redis_server.hpp"
#include "tests/support/server_process.hpp"
#include "tests/support/voter.hpp"
#include "tools/wechat_mock_api.hpp"
#include "wechat/crypto.hpp"
#include "wechat/signature.hpp"

using namespace pingyi::test;
using json = nlohmann::json;
namespace wx = pingyi::wechat;

namespace {

const std::string secret = "accounts-test-secret-0123456789abcdef";
const std::string pseudonym_key = "accounts-test-pseudonym-key-0123456789";

struct account {
    std::string path;  // its callback
    std::string appid;
    std::string secret;
    std::string token;
    std::string aes_key;
};

const account city{"/wechat", "wxdev0000000000000", "devsecret", "citytoken",
                   "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG"};
const account county{"/wechat/lechang", "wxlechang00000000", "lechangsecret", "lechangtoken",
                     "Lechang0123456789abcdefghijklmnopqrstuvwxyz"};

// The city's account in the environment, Lechang's in the config file, both
// served by one WeChat mock; a city campaign and a Lechang campaign open.
struct fixture {
    redis_server redis;
    pingyi::tools::mock_api mock{pingyi::tools::mock_api_options{
        .appid = city.appid, .secret = city.secret, .more_accounts = {{county.appid, county.secret}}}};
    temp_dir dir;
    std::unique_ptr<server_process> server;

    fixture() {
        mock.start();
        std::string file = dir.path() + "/pingyi.json";
        json own = {{"appid", county.appid}, {"secret", county.secret}, {"token", county.token}, {"aes_key", county.aes_key}};
        json lechang = {{"id", "lechang"}, {"name", "乐昌市普法办公室"}, {"wechat", own}};
        std::ofstream(file) << json{{"organizers", json::array({lechang})}}.dump();
        REQUIRE(::chmod(file.c_str(), 0600) == 0);
        int port = free_port();
        server = std::make_unique<server_process>(
            env_map{{"PINGYI_REDIS_URL", redis.url()},
                    {"PINGYI_ADMIN_TOKEN", admin_token},
                    {"PINGYI_SECRET", secret},
                    {"PINGYI_PSEUDONYM_KEY", pseudonym_key},
                    {"PINGYI_WECHAT_APPID", city.appid},
                    {"PINGYI_WECHAT_SECRET", city.secret},
                    {"PINGYI_WECHAT_TOKEN", city.token},
                    {"PINGYI_WECHAT_AES_KEY", city.aes_key},
                    {"PINGYI_WECHAT_API_BASE", mock.base_url()},
                    {"PINGYI_WECHAT_OPEN_BASE", mock.base_url()},
                    {"PINGYI_PUBLIC_URL", "http://127.0.0.1:" + std::to_string(port)},
                    {"PINGYI_LISTEN", "127.0.0.1:" + std::to_string(port)}},
            std::vector<std::string>{"--config", file});
        REQUIRE(create_campaign(port, campaign_body("city1")) == 201);
        REQUIRE(create_campaign(port, campaign_body("lc1", 3, "2019-12-20T09:00:00+08:00", "2099-12-27T18:00:00+08:00",
                                                    ",\"organizer_id\":\"lechang\"")) == 201);
    }
    int port() const { return server->port(); }
};

std::string now_text() { return std::to_string(std::time(nullptr)); }

std::string text_message(const std::string& from, const std::string& content, const std::string& msg_id) {
    return "<xml><ToUserName><![CDATA[gh_test]]></ToUserName><FromUserName><![CDATA[" + from +
           "]]></FromUserName><CreateTime>" + now_text() + "</CreateTime><MsgType><![CDATA[text]]></MsgType><Content><![CDATA[" +
           content + "]]></Content><MsgId>" + msg_id + "</MsgId></xml>";
}

std::string signed_query(const std::string& token, const std::string& nonce) {
    std::string timestamp = now_text();
    return "?signature=" + wx::request_signature(token, timestamp, nonce) + "&timestamp=" + timestamp + "&nonce=" + nonce;
}

http_result verify_url(int port, const std::string& path, const std::string& token) {
    return http_request(port, "GET", path + signed_query(token, "n1") + "&echostr=echo42");
}

http_result post_plain(int port, const std::string& path, const std::string& token, const std::string& body) {
    return http_request(port, "POST", path + signed_query(token, "12345") + "&openid=o1", body);
}

// Safe mode: encrypted with `key`, both signatures with `token`.
http_result post_encrypted(int port, const std::string& path, const std::string& token, const wx::message_cipher& key,
                           const std::string& plaintext) {
    std::string timestamp = now_text();
    std::string nonce = "67890";
    std::string encrypt = key.encrypt(plaintext);
    return http_request(port, "POST",
                        path + "?signature=" + wx::request_signature(token, timestamp, nonce) + "&timestamp=" + timestamp +
                            "&nonce=" + nonce + "&openid=o1&encrypt_type=aes&msg_signature=" +
                            wx::msg_signature(token, timestamp, nonce, encrypt),
                        "<xml><ToUserName><![CDATA[gh_test]]></ToUserName><Encrypt><![CDATA[" + encrypt +
                            "]]></Encrypt></xml>");
}

std::string between(const std::string& s, const std::string& open, const std::string& close) {
    auto a = s.find(open);
    if (a == std::string::npos) return {};
    a += open.size();
    auto b = s.find(close, a);
    return b == std::string::npos ? std::string{} : s.substr(a, b - a);
}

std::string link_in(const std::string& reply) { return between(reply, "<Url><![CDATA[", "]]></Url>"); }

std::string campaign_url(const fixture& f, const std::string& cid) {
    return "http://127.0.0.1:" + std::to_string(f.port()) + "/h5/c/" + cid;
}

// The pseudonym in the voter's session cookie, and the account it names.
pingyi::server::voter_session session_of(const voter& v) {
    pingyi::http::signer s(secret);
    auto session = pingyi::server::decode_voter_session(s, v.cookie("pingyi_session"), std::time(nullptr));
    REQUIRE(session);
    return *session;
}

// Whether the campaign keeps a voter record under this account pseudonym.
bool voted_as(const fixture& f, const std::string& cid, const std::string& pseudonym) {
    return sync_redis(f.redis.port()).integer({"EXISTS", "{c:" + cid + "}:v:" + pseudonym}) == 1;
}

// Runs `pingyi wechat send` at the server's /wechat with these arguments;
// the exit code, and what it printed in `out`.
int send(const fixture& f, std::vector<std::string> args, std::string& out) {
    temp_dir dir;
    std::vector<std::string> argv{bin_dir() + "/pingyi", "wechat", "send", "--url", f.server->base_url() + "/wechat",
                                  "--from", "oSendTest"};
    argv.insert(argv.end(), args.begin(), args.end());
    child_process p(argv, {}, dir.path() + "/out");
    int status = p.wait_exit(30000);
    std::ifstream in(dir.path() + "/out");
    std::stringstream text;
    text << in.rdbuf();
    out = text.str();
    REQUIRE(WIFEXITED(status));
    return WEXITSTATUS(status);
}

}  // namespace

TEST_CASE("an organizer's own account: URL verification at /wechat/<id> with its token only") {
    fixture f;
    auto r = verify_url(f.port(), county.path, county.token);
    CHECK(r.status == 200);
    CHECK(r.body == "echo42");
    CHECK(verify_url(f.port(), county.path, city.token).status == 403);
    CHECK(verify_url(f.port(), city.path, county.token).status == 403);
    CHECK(verify_url(f.port(), city.path, city.token).status == 200);
    auto unknown = verify_url(f.port(), "/wechat/nowhere", county.token);
    CHECK(unknown.status == 404);
    CHECK(json::parse(unknown.body).at("error").at("code") == "unknown_account");
    CHECK(post_plain(f.port(), "/wechat/nowhere", county.token, text_message("oU", "投票", "1")).status == 404);
}

TEST_CASE("each account's 投票 links only its own campaigns, plaintext and encrypted") {
    fixture f;
    // Both campaigns are open: one account seeing both would link the list.
    auto r = post_plain(f.port(), county.path, county.token, text_message("oUser1", "投票", "7001"));
    REQUIRE(r.status == 200);
    CHECK(link_in(r.body) == campaign_url(f, "lc1"));
    r = post_plain(f.port(), city.path, city.token, text_message("oUser1", "投票", "7002"));
    REQUIRE(r.status == 200);
    CHECK(link_in(r.body) == campaign_url(f, "city1"));

    // The same delivery at both accounts: each remembers its own answer.
    auto message = text_message("oUser2", "投票", "7003");
    CHECK(link_in(post_plain(f.port(), city.path, city.token, message).body) == campaign_url(f, "city1"));
    CHECK(link_in(post_plain(f.port(), county.path, county.token, message).body) == campaign_url(f, "lc1"));

    // Signed with the other account's token: refused.
    CHECK(post_plain(f.port(), county.path, city.token, text_message("oUser3", "投票", "7004")).status == 403);
    CHECK(post_plain(f.port(), city.path, county.token, text_message("oUser3", "投票", "7005")).status == 403);

    // Safe mode with the county's key: the reply decrypts with it.
    wx::message_cipher county_key(county.aes_key, county.appid);
    r = post_encrypted(f.port(), county.path, county.token, county_key, text_message("oUser4", "投票", "7006"));
    REQUIRE(r.status == 200);
    std::string encrypt = between(r.body, "<Encrypt><![CDATA[", "]]></Encrypt>");
    std::string ts = between(r.body, "<TimeStamp>", "</TimeStamp>");
    std::string sig = between(r.body, "<MsgSignature><![CDATA[", "]]></MsgSignature>");
    REQUIRE_FALSE(encrypt.empty());
    CHECK(wx::check_msg_signature(county.token, ts, "67890", encrypt, sig));
    std::error_code ec;
    auto plain = county_key.decrypt(encrypt, ec);
    REQUIRE_FALSE(ec);
    CHECK(link_in(plain) == campaign_url(f, "lc1"));

    // The city's key at the county's endpoint does not decrypt.
    wx::message_cipher city_key(city.aes_key, city.appid);
    CHECK(post_encrypted(f.port(), county.path, county.token, city_key, text_message("oUser5", "投票", "7007")).status ==
          403);
}

TEST_CASE("OAuth through the campaign's account, sessions count for their own account only") {
    fixture f;
    // A county campaign's login goes to the county's authorize page.
    voter anonymous(f.port(), "oNobody");
    auto start = anonymous.get("/h5/c/lc1");
    REQUIRE(start.status == 302);
    CHECK(start.header("location").find("appid=" + county.appid + "&") != std::string::npos);
    start = anonymous.get("/h5/c/city1");
    REQUIRE(start.status == 302);
    CHECK(start.header("location").find("appid=" + city.appid + "&") != std::string::npos);

    // The code is exchanged with the county's appid and secret (the mock
    // refuses any other pair).
    voter in_county(f.port(), "oSameUser");
    REQUIRE(in_county.login("lc1") == 302);
    auto county_session = session_of(in_county);
    CHECK(county_session.account == "lechang");
    CHECK(county_session.pseudonym == pingyi::server::voter_pseudonym(pseudonym_key, county.appid, "oSameUser"));
    CHECK(in_county.get("/h5/c/lc1").status != 302);
    CHECK(in_county.ballot("lc1", R"({"units":["u01"]})").status == 201);
    auto refused = in_county.ballot("city1", R"({"units":["u01"]})");
    CHECK(refused.status == 401);
    CHECK(json::parse(refused.body).at("error").at("code") == "no_session");

    // A city session is no session for the county campaign: the page logs in
    // again through the county's account, the ballot API refuses.
    voter in_city(f.port(), "oSameUser");
    REQUIRE(in_city.login("city1") == 302);
    auto city_session = session_of(in_city);
    CHECK(city_session.account.empty());
    CHECK(city_session.pseudonym == pingyi::server::voter_pseudonym(pseudonym_key, city.appid, "oSameUser"));
    refused = in_city.ballot("lc1", R"({"units":["u02"]})");
    CHECK(refused.status == 401);
    CHECK(json::parse(refused.body).at("error").at("code") == "no_session");
    CHECK(in_city.get("/api/v1/campaigns/lc1/me").status == 401);
    auto again = in_city.get("/h5/c/lc1");
    REQUIRE(again.status == 302);
    CHECK(again.header("location").find("appid=" + county.appid + "&") != std::string::npos);
    CHECK(in_city.ballot("city1", R"({"units":["u02"]})").status == 201);

    // One person, two accounts: two voters with different pseudonyms.
    CHECK(city_session.pseudonym != county_session.pseudonym);
    CHECK(voted_as(f, "lc1", county_session.pseudonym));
    CHECK_FALSE(voted_as(f, "lc1", city_session.pseudonym));
    CHECK(voted_as(f, "city1", city_session.pseudonym));
    CHECK_FALSE(voted_as(f, "city1", county_session.pseudonym));
}

TEST_CASE("the JS-SDK config of a campaign is signed by its account") {
    fixture f;
    auto url = pingyi::http::url_encode(campaign_url(f, "lc1"));
    auto r = http_request(f.port(), "GET", "/api/v1/wechat/jssdk-config?url=" + url + "&cid=lc1");
    REQUIRE(r.status == 200);
    CHECK(json::parse(r.body).at("appId") == county.appid);
    r = http_request(f.port(), "GET", "/api/v1/wechat/jssdk-config?url=" + url + "&cid=city1");
    REQUIRE(r.status == 200);
    CHECK(json::parse(r.body).at("appId") == city.appid);
    r = http_request(f.port(), "GET", "/api/v1/wechat/jssdk-config?url=" + url);
    REQUIRE(r.status == 200);
    CHECK(json::parse(r.body).at("appId") == city.appid);
    CHECK(http_request(f.port(), "GET", "/api/v1/wechat/jssdk-config?url=" + url + "&cid=nowhere").status == 404);
    // One token and one ticket per account.
    auto stats = json::parse(http_request(f.mock.port(), "GET", "/__mock/stats").body);
    CHECK(stats.at("stable_token") == 2);
    CHECK(stats.at("getticket") == 2);
}

TEST_CASE("pingyi wechat send --account speaks to an organizer's own account") {
    fixture f;
    std::string out;
    CHECK(send(f, {"--account", "lechang", "--token", county.token, "--aes", county.aes_key, "--appid", county.appid,
                   "--text", "投票"},
               out) == 0);
    CHECK(out.find(campaign_url(f, "lc1")) != std::string::npos);
    CHECK(send(f, {"--account", "lechang", "--token", city.token, "--text", "投票"}, out) == 1);
    CHECK(out.find("403") != std::string::npos);
}
