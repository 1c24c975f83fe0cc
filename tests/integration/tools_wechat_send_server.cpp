// `pingyi wechat send` against a real pingyi-server's /wechat, as an
// operator checks a deployment. Needs the server; in a build without
// server/ (PINGYI_ONLY) these cases are reported as skipped.
#include <doctest/doctest.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include <sys/wait.h>

#include "tests/support/process.hpp"
#include "tests/support/redis_server.hpp"
#include "tests/support/server_process.hpp"

using namespace pingyi::test;

namespace {

const std::string token = "sendtoken";
const std::string appid = "wx5e1d0c0ffee0cafe";
const std::string aes_key = "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG";

bool server_built() { return std::filesystem::exists(bin_dir() + "/pingyi-server"); }

struct fixture {
    redis_server redis;
    server_process server{env_map{{"PINGYI_REDIS_URL", redis.url()},
                                  {"PINGYI_WECHAT_TOKEN", token},
                                  {"PINGYI_WECHAT_APPID", appid},
                                  {"PINGYI_WECHAT_AES_KEY", aes_key},
                                  {"PINGYI_PUBLIC_URL", "https://vote.example.cn"}}};

    // Runs `pingyi wechat send` with these extra arguments; the exit code,
    // and what it printed in `out`.
    int send(std::vector<std::string> extra, std::string& out) const {
        temp_dir dir;
        std::vector<std::string> argv{bin_dir() + "/pingyi", "wechat", "send", "--url", server.base_url() + "/wechat",
                                      "--from", "oSendTest1"};
        argv.insert(argv.end(), extra.begin(), extra.end());
        child_process p(argv, {}, dir.path() + "/out");
        int status = p.wait_exit(30000);
        std::ifstream in(dir.path() + "/out");
        std::stringstream s;
        s << in.rdbuf();
        out = s.str();
        REQUIRE(WIFEXITED(status));
        return WEXITSTATUS(status);
    }
};

}  // namespace

TEST_CASE_FIXTURE(fixture, "pingyi wechat send to pingyi-server: encrypted and plaintext" *
                               doctest::skip(!server_built())) {
    std::string out;
    SUBCASE("an encrypted subscribe gets the welcome, decrypted") {
        CHECK(send({"--token", token, "--aes", aes_key, "--appid", appid, "--event", "subscribe"}, out) == 0);
        CHECK(out.find("<MsgType><![CDATA[text]]></MsgType>") != std::string::npos);
        CHECK(out.find("<ToUserName><![CDATA[oSendTest1]]></ToUserName>") != std::string::npos);
        CHECK(out.find("投票") != std::string::npos);
    }
    SUBCASE("plaintext 投票 gets a news reply") {
        CHECK(send({"--token", token, "--text", "投票"}, out) == 0);
        CHECK(out.find("<MsgType><![CDATA[news]]></MsgType>") != std::string::npos);
        CHECK(out.find("https://vote.example.cn/h5/") != std::string::npos);
    }
    SUBCASE("a wrong token is refused (403): exit 1") {
        CHECK(send({"--token", "not-the-token", "--text", "投票"}, out) == 1);
        CHECK(out.find("403") != std::string::npos);
    }
    SUBCASE("a wrong EncodingAESKey is refused: exit 1") {
        CHECK(send({"--token", token, "--aes", "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789abcdefg", "--appid", appid, "--event",
                    "subscribe"},
                   out) == 1);
    }
}
