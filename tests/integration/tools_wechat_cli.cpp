// The pingyi CLI as a process: `wechat mock-api`, and `wechat send` against
// a stand-in /wechat endpoint that checks what WeChat's servers would be
// checked for (signature, msg_signature, encryption) and answers like pingyi.
#include <doctest/doctest.h>

#include <csignal>
#include <fstream>
#include <mutex>
#include <sstream>

#include <sys/wait.h>

#include "http/query.hpp"
#include "http/server.hpp"
#include "tests/support/http_client.hpp"
#include "tests/support/process.hpp"
#include "tests/support/server_process.hpp"
#include "wechat/crypto.hpp"
#include "wechat/message.hpp"
#include "wechat/reply.hpp"
#include "wechat/signature.hpp"

namespace asio = boost::asio;
using namespace pingyi;
using pingyi::test::child_process;

namespace {

const std::string wechat_token = "clitoken";
const std::string aes_key = "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG";
const std::string appid = "wx1234567890abcdef";

std::string read_file(const std::string& path) {
    std::ifstream in(path);
    std::stringstream s;
    s << in.rdbuf();
    return s.str();
}

// Runs `pingyi args...` to completion; returns the exit code, output in `out`.
int run_pingyi(const std::vector<std::string>& args, std::string& out) {
    test::temp_dir dir;
    std::vector<std::string> argv{test::bin_dir() + "/pingyi"};
    argv.insert(argv.end(), args.begin(), args.end());
    child_process p(argv, {}, dir.path() + "/out");
    int status = p.wait_exit(30000);
    out = read_file(dir.path() + "/out");
    REQUIRE(WIFEXITED(status));
    return WEXITSTATUS(status);
}

// A /wechat endpoint: answers "收到：<content or event/key>" as text,
// encrypted when the request was. `tamper` spoils the reply's signature.
class fake_endpoint {
public:
    explicit fake_endpoint(bool tamper = false) : tamper_(tamper) {
        http::server_options so;
        so.port = 0;
        http::server_hooks hooks;
        hooks.make_worker = [this](asio::io_context&, int) {
            auto routes = std::make_shared<http::router>();
            routes->add(http::verb::post, "/wechat", [this](http::request_context& ctx) { return handle(ctx); });
            return http::worker_setup{routes, {}, {}};
        };
        server_ = std::make_unique<http::server>(so, std::move(hooks));
        server_->start();
    }
    ~fake_endpoint() {
        server_->shutdown();
        server_->wait();
    }
    std::string url() const { return "http://127.0.0.1:" + std::to_string(server_->port()) + "/wechat"; }
    wechat::message last() {
        std::lock_guard lock(mutex_);
        return last_;
    }

private:
    asio::awaitable<http::reply> handle(http::request_context& ctx) {
        auto q = [&](const char* name) { return http::query_param(ctx.query, name).value_or(""); };
        http::response res{http::status::ok, 11};
        std::string timestamp = q("timestamp"), nonce = q("nonce");
        if (!wechat::check_signature(wechat_token, timestamp, nonce, q("signature"))) {
            res.result(http::status::forbidden);
            res.prepare_payload();
            co_return res;
        }
        std::error_code ec;
        std::string xml = ctx.req.body();
        bool aes = q("encrypt_type") == "aes";
        wechat::message_cipher cipher(aes_key, appid);
        if (aes) {
            auto envelope = wechat::parse_envelope(xml, ec);
            if (ec || !wechat::check_msg_signature(wechat_token, timestamp, nonce, envelope.encrypt, q("msg_signature"))) {
                res.result(http::status::forbidden);
                res.prepare_payload();
                co_return res;
            }
            xml = cipher.decrypt(envelope.encrypt, ec);
        }
        auto m = ec ? wechat::message{} : wechat::parse_message(xml, ec);
        if (ec || m.from_user != q("openid")) {
            res.result(http::status::bad_request);
            res.prepare_payload();
            co_return res;
        }
        {
            std::lock_guard lock(mutex_);
            last_ = m;
        }
        std::string said = m.msg_type == "text" ? m.content : m.event + "/" + m.event_key;
        std::string reply = wechat::text_reply(m, "收到：" + said, m.create_time);
        if (aes) reply = wechat::encrypted_reply(cipher, reply, tamper_ ? "another-token" : wechat_token, timestamp, nonce);
        res.body() = reply;
        res.prepare_payload();
        co_return res;
    }

    bool tamper_;
    std::mutex mutex_;
    wechat::message last_;
    std::unique_ptr<http::server> server_;
};

}  // namespace

TEST_CASE("pingyi wechat send: plaintext, encrypted, events, and a bad reply") {
    fake_endpoint endpoint;
    std::string out;

    SUBCASE("plaintext text message") {
        CHECK(run_pingyi({"wechat", "send", "--url", endpoint.url(), "--token", wechat_token, "--from", "oCli1",
                          "--text", "投票"},
                         out) == 0);
        CHECK(out.find("<Content><![CDATA[收到：投票]]></Content>") != std::string::npos);
        CHECK(out.find("<ToUserName><![CDATA[oCli1]]></ToUserName>") != std::string::npos);
    }
    SUBCASE("encrypted subscribe event") {
        CHECK(run_pingyi({"wechat", "send", "--url", endpoint.url(), "--token", wechat_token, "--aes", aes_key,
                          "--appid", appid, "--from", "oCli2", "--event", "subscribe"},
                         out) == 0);
        CHECK(out.find("收到：subscribe/") != std::string::npos);
        CHECK(endpoint.last().event == "subscribe");
    }
    SUBCASE("encrypted menu click") {
        CHECK(run_pingyi({"wechat", "send", "--url", endpoint.url(), "--token", wechat_token, "--aes", aes_key,
                          "--appid", appid, "--from", "oCli3", "--event", "CLICK", "--key", "VOTE"},
                         out) == 0);
        CHECK(out.find("收到：CLICK/VOTE") != std::string::npos);
    }
    SUBCASE("a wrong token is refused by the endpoint: exit 1") {
        CHECK(run_pingyi({"wechat", "send", "--url", endpoint.url(), "--token", "wrong", "--from", "oCli4", "--text",
                          "投票"},
                         out) == 1);
        CHECK(out.find("HTTP status 403") != std::string::npos);
    }
    SUBCASE("bad usage: exit 2") {
        CHECK(run_pingyi({"wechat", "send", "--url", endpoint.url(), "--token", wechat_token, "--from", "oCli5"}, out) ==
              2);
        CHECK(run_pingyi({"wechat", "send", "--url", endpoint.url(), "--token", wechat_token, "--from", "oCli5",
                          "--text", "x", "--aes", aes_key},
                         out) == 2);
    }
}

TEST_CASE("pingyi wechat send: a reply with a wrong MsgSignature fails") {
    fake_endpoint endpoint(true);
    std::string out;
    CHECK(run_pingyi({"wechat", "send", "--url", endpoint.url(), "--token", wechat_token, "--aes", aes_key, "--appid",
                      appid, "--from", "oCli6", "--text", "投票"},
                     out) == 1);
    CHECK(out.find("MsgSignature is wrong") != std::string::npos);
}

TEST_CASE("pingyi wechat send: http:// to a non-loopback host is refused unless allowed") {
    std::string out;
    CHECK(run_pingyi({"wechat", "send", "--url", "http://wechat.invalid/wechat", "--token", "t", "--from", "o",
                      "--text", "x"},
                     out) == 1);
    CHECK(out.find("loopback") != std::string::npos);
}

TEST_CASE("pingyi wechat mock-api runs as a process and stops on SIGTERM") {
    int port = test::free_port();
    test::temp_dir dir;
    child_process mock({test::bin_dir() + "/pingyi", "wechat", "mock-api", "--listen",
                        "127.0.0.1:" + std::to_string(port), "--appid", "wxcli", "--secret", "s3"},
                       {}, dir.path() + "/log");
    REQUIRE(test::wait_for_port(port, 10000));
    auto page = test::http_request(port, "GET",
                                   "/connect/oauth2/authorize?appid=wxcli&redirect_uri=http%3A%2F%2F127.0.0.1%2Fcb"
                                   "&response_type=code&scope=snsapi_base&state=abc");
    CHECK(page.status == 200);
    CHECK(page.body.find("微信授权") != std::string::npos);
    auto wrong = test::http_request(port, "GET",
                                    "/connect/oauth2/authorize?appid=other&redirect_uri=http%3A%2F%2F127.0.0.1%2Fcb"
                                    "&response_type=code&scope=snsapi_base&state=abc");
    CHECK(wrong.status == 400);
    auto go = test::http_request(port, "GET",
                                 "/connect/oauth2/authorize?appid=wxcli&redirect_uri=http%3A%2F%2F127.0.0.1%2Fcb"
                                 "&response_type=code&scope=snsapi_base&state=abc",
                                 {}, {{"X-Mock-Openid", "oHeader"}});
    CHECK(go.status == 302);
    auto location = go.header("location");
    CHECK(location.starts_with("http://127.0.0.1/cb?code="));
    CHECK(location.ends_with("&state=abc"));
    std::string code = location.substr(location.find("code=") + 5, location.find('&') - location.find("code=") - 5);
    auto exchange = test::http_request(port, "GET",
                                       "/sns/oauth2/access_token?appid=wxcli&secret=s3&code=" + code +
                                           "&grant_type=authorization_code");
    CHECK(exchange.body.find("\"openid\":\"oHeader\"") != std::string::npos);
    auto stats = test::http_request(port, "GET", "/__mock/stats");
    CHECK(stats.body.find("\"authorize\":3") != std::string::npos);
    int status = mock.stop(SIGTERM, 5000);
    CHECK(WIFEXITED(status));
    CHECK(WEXITSTATUS(status) == 0);
}
