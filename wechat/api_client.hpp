// WeChat's server API as pingyi calls it: the OAuth code exchange,
// access_token (stable and classic) and the JS-SDK ticket. Every failure is
// typed: `refused` (WeChat answered with an errcode: the request is wrong
// and retrying will not help) or `unavailable` (busy -1, timeout, connection
// error, 5xx, an answer that is not WeChat's JSON: try again later).
//
// Threading: as http::client (one per io_context thread).
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <utility>

#include <boost/asio/awaitable.hpp>
#include <boost/system/error_code.hpp>

namespace pingyi::http {
class client;
}

namespace pingyi::wechat {

struct api_error {
    enum class kind { refused, unavailable };

    kind type = kind::unavailable;
    long long errcode = 0;           // WeChat's errcode (-1 busy); 0 when WeChat did not answer one
    std::string errmsg;              // WeChat's errmsg, or what went wrong
    boost::system::error_code ec;    // the transport failure, if that was it
    unsigned http_status = 0;        // when an HTTP answer came

    bool refused() const { return type == kind::refused; }
    bool unavailable() const { return type == kind::unavailable; }
    // 40001, 40014, 42001: the access_token used is invalid or expired.
    bool invalid_token() const { return errcode == 40001 || errcode == 40014 || errcode == 42001; }
    bool busy() const { return errcode == -1; }
    // One line for logs.
    std::string describe() const;
};

// A value or an api_error.
template <class T>
class api_result {
public:
    api_result() = default;  // an unavailable error without detail (co_spawn needs one)
    api_result(T value) : value_(std::move(value)) {}              // NOLINT: success converts
    api_result(api_error error) : error_(std::move(error)) {}      // NOLINT: failure converts

    bool ok() const { return value_.has_value(); }
    explicit operator bool() const { return ok(); }
    const T& value() const { return *value_; }
    T& value() { return *value_; }
    const api_error& error() const { return error_; }

private:
    std::optional<T> value_;
    api_error error_;
};

struct oauth_identity {
    std::string openid;
    std::string scope;
    std::string unionid;          // when the account is bound to an open platform
    bool is_snapshotuser = false; // a virtual user of a snapshot page: never a voter
};

// An access_token or a jsapi_ticket with its lifetime as WeChat gave it.
struct expiring_value {
    std::string value;
    std::chrono::seconds expires_in{0};
};

struct api_options {
    std::string api_base = "https://api.weixin.qq.com";  // no trailing slash needed
    std::string appid;
    std::string secret;
    std::chrono::milliseconds timeout{3000};  // per call
};

class api_client {
public:
    // http must outlive this client.
    api_client(api_options options, http::client& http);

    // GET /sns/oauth2/access_token: the openid behind an OAuth code.
    boost::asio::awaitable<api_result<oauth_identity>> exchange_code(std::string code);
    // POST /cgi-bin/stable_token. force_refresh asks for a new token even
    // while the current one is valid (WeChat limits how often).
    boost::asio::awaitable<api_result<expiring_value>> stable_token(bool force_refresh);
    // GET /cgi-bin/token (classic: every call invalidates the previous token
    // five minutes later).
    boost::asio::awaitable<api_result<expiring_value>> token();
    // GET /cgi-bin/ticket/getticket?type=jsapi.
    boost::asio::awaitable<api_result<expiring_value>> jsapi_ticket(std::string access_token);

    const api_options& options() const { return options_; }

private:
    api_options options_;
    http::client& http_;
};

}  // namespace pingyi::wechat
