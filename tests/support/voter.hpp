// A voter in tests: logs in through the real OAuth flow (the server's
// redirect, the WeChat mock's authorize page, the server's callback) and
// keeps the cookies it was given, as a phone's browser would.
#pragma once

#include <map>
#include <string>

#include "tests/support/http_client.hpp"

namespace pingyi::test {

class voter {
public:
    // server_port: pingyi-server; the server's PINGYI_WECHAT_OPEN_BASE points
    // at the mock and its PINGYI_PUBLIC_URL at 127.0.0.1:server_port.
    voter(int server_port, std::string openid);

    // Runs the login for campaign cid; returns the callback's status (302 on
    // success) so tests can check refusals too.
    int login(const std::string& cid, bool snapshot_user = false);
    bool logged_in() const { return cookies_.count("pingyi_session") > 0; }

    http_result ballot(const std::string& cid, const std::string& body, const std::string& idempotency_key = {});
    http_result get(const std::string& target);
    std::string cookie(const std::string& name) const;
    void set_cookie(const std::string& name, const std::string& value) { cookies_[name] = value; }
    // The callback URL of the last login (to replay it as Back would).
    const std::string& callback_target() const { return callback_target_; }
    http_result replay_callback();

private:
    std::string cookie_header() const;
    void keep_cookies(const http_result& r);
    int port_;
    std::string openid_;
    std::map<std::string, std::string> cookies_;
    std::string callback_target_;
};

// "http://host:port/path?query#frag" -> port, and "/path?query".
struct url_parts {
    int port = 0;
    std::string target;
};
url_parts split_url(const std::string& url);

}  // namespace pingyi::test
