// A stand-in for WeChat's server API and OAuth page, following WeChat's
// documented formats and error codes, so that pingyi runs in an ordinary
// browser (`./dev run`) and tests run without WeChat. docs/wechat-mock.md
// describes it for operators.
//
// Served: /connect/oauth2/authorize (an HTML page to pick an openid, or a
// redirect at once with ?openid= or the X-Mock-Openid header),
// /sns/oauth2/access_token, /cgi-bin/token, /cgi-bin/stable_token,
// /cgi-bin/ticket/getticket, and the test controls /__mock/stats,
// /__mock/fail, /__mock/delay and /__mock/reset. It can stand for several
// official accounts at once (counties' own): each has its own secret,
// codes, tokens and ticket.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace pingyi::http {
class server;
}

namespace pingyi::tools {

struct mock_account {
    std::string appid;
    std::string secret;
};

struct mock_api_options {
    std::string host = "127.0.0.1";
    unsigned short port = 0;  // 0: any free port
    // The defaults are what `./dev run` gives the server.
    std::string appid = "wxdev0000000000000";
    std::string secret = "devsecret";
    std::vector<mock_account> more_accounts;  // further accounts, served alike
};

class mock_api {
public:
    explicit mock_api(mock_api_options options);
    ~mock_api();  // shuts down and waits
    mock_api(const mock_api&) = delete;
    mock_api& operator=(const mock_api&) = delete;

    // Binds (throws std::system_error when it cannot) and serves on its own thread.
    void start();
    void shutdown();
    void wait();
    unsigned short port() const;
    std::string base_url() const;  // http://host:port

    struct state;

private:
    mock_api_options options_;
    std::shared_ptr<state> state_;
    std::unique_ptr<http::server> server_;
};

// "A2:S2,A3:S3" as accounts; nullopt when it is not that.
std::optional<std::vector<mock_account>> parse_mock_accounts(std::string_view list);

// `pingyi wechat mock-api --listen HOST:PORT [--appid A --secret S]
// [--accounts A2:S2,A3:S3...]`.
int run_wechat_mock_api(const std::vector<std::string>& args);
extern const char* const wechat_mock_api_usage;

}  // namespace pingyi::tools
